"""Real-browser tests: headless Chromium drives a service started with gunicorn."""
