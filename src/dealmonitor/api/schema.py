"""Additions to the generated OpenAPI document (drf-spectacular postprocessing hook): every
operation documents the errors the API answers with, so clients and schemathesis know them."""

ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language.",
    "additionalProperties": True,
}

ERRORS = {
    "400": "The request is not valid, e.g. an unknown filter value.",
    "404": "Not found, or not visible to you (also: a page number past the last page).",
}


def add_error_responses(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, text in ERRORS.items():
                responses.setdefault(code, {
                    "description": text,
                    "content": {"application/json": {"schema": ERROR}},
                })
    return result
