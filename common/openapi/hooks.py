"""Schema hooks: document the API and health routes, and the error envelope on every one."""

_HIDDEN_PREFIXES = ("/admin", "/api/schema", "/api/docs")
ERROR_COMPONENT = "ErrorEnvelope"
ERROR_ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["status", "code", "message", "details", "request_id"],
        "properties": {
            "status": {"type": "integer"},
            "code": {"type": "string"},
            "message": {"type": "string"},
            "details": {"nullable": True},
            "request_id": {"type": "string", "nullable": True},
            "reason": {"type": "string"},
        },
    }},
}


def api_paths_only(endpoints, **kwargs):
    """Preprocessing: leave out admin, the schema itself and the catch-all 404."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if not path.startswith(_HIDDEN_PREFIXES) and path != "/{path}"
    ]


def error_envelope_default(result, generator, request, public):
    """Postprocessing: any status an operation does not list answers the error envelope."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_COMPONENT not in schemas:
        schemas[ERROR_COMPONENT] = ERROR_ENVELOPE_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("default", {
                "description": "Error, in the platform's envelope",
                "content": {"application/json": {"schema": reference}},
            })
    return result
