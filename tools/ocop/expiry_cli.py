"""Placeholder: expiry subcommands (filled in next)."""

from __future__ import annotations

import argparse


def add_parsers(sub: argparse._SubParsersAction) -> None:
    del sub
