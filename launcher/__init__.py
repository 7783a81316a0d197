"""Run the platform locally: every service under gunicorn, the purchase worker, the gateway."""

from launcher.supervisor import run_platform

__all__ = ["run_platform"]
