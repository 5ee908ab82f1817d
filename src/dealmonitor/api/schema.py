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
BODY_ERRORS = {
    "415": "The body is not JSON: send `Content-Type: application/json`.",
}


INT32_MAX = 2147483647
INT64_MAX = 9223372036854775807


def _same_integers_everywhere(node):
    """Django takes the bounds of an integer field from the database (64 bits on SQLite, 32 on
    PostgreSQL); the document states the bounds that hold on both, so it does not depend on
    the database it was generated on."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            if node.get("maximum") == INT64_MAX:
                node["maximum"] = INT32_MAX
                if node.get("format") == "int64":
                    del node["format"]
            if node.get("minimum") == -INT64_MAX - 1:
                node["minimum"] = -INT32_MAX - 1
        for value in node.values():
            _same_integers_everywhere(value)
    elif isinstance(node, list):
        for value in node:
            _same_integers_everywhere(value)


def add_error_responses(result, generator, request, public):
    _same_integers_everywhere(result.get("components", {}))
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            errors = {**ERRORS, **WRITE_ERRORS} if method in WRITES else ERRORS
            if "requestBody" in operation:
                errors = {**errors, **BODY_ERRORS}
            for code, text in errors.items():
                responses.setdefault(code, {
                    "description": text,
                    "content": {"application/json": {"schema": ERROR}},
                })
    return result
