"""The platform's own tooling: the launcher's process, port and readiness modules."""
