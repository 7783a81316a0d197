"""Session fixtures shared by the platform suites: one running platform for all of them."""

from tests.platform.world import platform  # noqa: F401  (registered once, for every folder)
