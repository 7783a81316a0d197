"""End-to-end tests: `manage_all.py up` and the nginx gateway as real processes."""
