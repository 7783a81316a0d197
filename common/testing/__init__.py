"""Test helpers shared by every service's suite: tokens for any role, an API client."""

from common.testing.tokens import auth_header, make_token, read_token

__all__ = ["auth_header", "make_token", "read_token"]
