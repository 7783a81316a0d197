"""Deployment checks: the compose stack, the container entry point and the Kubernetes base."""
