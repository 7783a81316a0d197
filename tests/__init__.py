"""Platform tests: deployment files and end-to-end runs of the services."""
