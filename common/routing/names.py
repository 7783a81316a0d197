"""URL names shared by the routing and metrics modules."""

CATCH_ALL_NAME = "common-not-found"
