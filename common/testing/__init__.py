"""Test helpers shared by every service's suite: tokens for any role here; API clients in
`common.testing.clients`; every shared pytest fixture in `common.testing.fixtures`; a worker
command run as a process and stopped by a signal in `common.testing.workers`."""

from common.testing.tokens import auth_header, make_token, read_token

__all__ = ["auth_header", "make_token", "read_token"]
