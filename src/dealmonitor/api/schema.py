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


CONFLICT = ("The row changed since you read it: If-Match does not match its ETag. Nothing "
            "was changed; the body holds the row as saved now, the ETag header its version.")
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
    "description": "The ETag of the row as you read it (GET of the row). When the row has "
                   "changed since, the request is refused with 409 and nothing changes. "
                   "Without the header the change is made whatever the row's version.",
}
ETAG = {"ETag": {"schema": {"type": "string"},
                 "description": "The row's version; send it back in If-Match when changing the row."}}


def _versions(components, path, method, operation):
    """ETag on reading one row, If-Match and 409 on changing one (api/generic.py); declared
    once under components and referred to."""
    if not path.endswith("{id}/"):
        return
    components.setdefault("headers", {})["ETag"] = ETAG["ETag"]
    components.setdefault("parameters", {})["IfMatch"] = IF_MATCH
    components.setdefault("responses", {})["Conflict"] = {
        "description": CONFLICT, "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
        "content": {"application/json": {"schema": ERROR}},
    }
    etag = {"ETag": {"$ref": "#/components/headers/ETag"}}
    responses = operation.setdefault("responses", {})
    if method in ("get", "put", "patch") and "200" in responses:
        responses["200"].setdefault("headers", {}).update(etag)
    if method in ("put", "patch", "delete"):
        operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/IfMatch"})
        responses.setdefault("409", {"$ref": "#/components/responses/Conflict"})


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
    for address, path in result.get("paths", {}).items():
        for method, operation in path.items():
            _versions(result.setdefault("components", {}), address, method, operation)
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
