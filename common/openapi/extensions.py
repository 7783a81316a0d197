"""drf-spectacular extensions: the bearer JWT scheme of `common.auth.JWTAuthentication`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerJWTScheme(OpenApiAuthenticationExtension):
    target_class = "common.auth.authentication.JWTAuthentication"
    name = "bearerAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
