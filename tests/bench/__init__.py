"""The benchmark tooling: its one command works (the figures themselves are never tested)."""
