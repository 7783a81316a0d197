"""Markers shared by the e2e modules."""

import pytest

from launcher.gateway import find_nginx

requires_nginx = pytest.mark.skipif(
    find_nginx() is None,
    reason="nginx is not installed (apt-get install nginx); CI installs it so these run there",
)
