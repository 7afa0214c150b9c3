"""The `ocop` command: wiring only (see `main`)."""

from ocop.cli.main import main

__all__ = ["main"]
