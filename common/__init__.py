"""The reusable Django app installed in every service of the shop platform."""

__version__ = "0.1.0"
