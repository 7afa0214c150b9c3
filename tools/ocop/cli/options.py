"""What every command shares: exit codes, the --today date, the --format choice, and the registry root.

A date is parsed here, once, into a `datetime.date`; nothing below the CLI parses one again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def iso_date(value: str) -> dt.date:
    """argparse type of every date option: YYYY-MM-DD, with a Vietnamese message otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{value}» không đúng dạng YYYY-MM-DD") from None


def add_today(parser: argparse.ArgumentParser, help_text: str = "ngày dùng cho các quy tắc theo thời gian") -> None:
    parser.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                        help=f"{help_text} (mặc định: hôm nay)")


def today_of(args: argparse.Namespace) -> dt.date:
    return args.today or dt.date.today()


def add_format(parser: argparse.ArgumentParser, choices: list[str] | tuple[str, ...], default: str = "text") -> None:
    parser.add_argument("--format", choices=list(choices), default=default, help="dạng báo cáo")


def repo_root(start: Path | None = None) -> Path:
    """The registry root: OCOP_ROOT, else the nearest folder above with registry/ or schemas/, else here."""
    if os.environ.get("OCOP_ROOT"):
        return Path(os.environ["OCOP_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "registry").is_dir() or (folder / "schemas").is_dir():
            return folder
    return here
