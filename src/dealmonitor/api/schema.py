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
WRITE_ERRORS = {
    "401": "Not signed in: send a session cookie or `Authorization: Token <key>`.",
    "403": "Signed in, but not allowed (the same rules as the pages).",
}
WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **WRITE_ERRORS} if method in WRITES else ERRORS
            for code, text in errors.items():
                responses.setdefault(code, {
                    "description": text,
                    "content": {"application/json": {"schema": ERROR}},
                })
    return result
