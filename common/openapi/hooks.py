"""Schema hooks: document the API and health routes, not admin or the schema itself."""

_HIDDEN_PREFIXES = ("/admin", "/api/schema", "/api/docs")


def api_paths_only(endpoints, **kwargs):
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if not path.startswith(_HIDDEN_PREFIXES) and path != "/{path}"
    ]
