"""The `ocop` command. Wiring only: parse arguments, call one function, pick a reporter, set the exit code.

Exit codes: 0 no errors; 1 errors found; 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# Modules that add subcommands: each has add_parser(subparsers) setting `func` on its parser, and the
# commands it adds. Running one command imports only its module (a test keeps this table true): the
# others pull in python-docx, ruamel.yaml, the site generator…, which would slow every `ocop validate`.
COMMAND_MODULES = {
    "ocop.commands": ("validate", "rules"),
    "ocop.synth": ("synth",),
    "ocop.scoring_cli": ("score", "expiry", "expiry-sync", "codeowners"),
    "ocop.documents.cli": ("plan",),
    "ocop.site.cli": ("build", "site"),
    "ocop.authoring.cli": ("new", "intake", "forms", "cms"),
    "ocop.fmt": ("fmt",),
}


class VietnameseParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code 2 is what we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ocop: lỗi tham số: {message}\n")


def repo_root(start: Path | None = None) -> Path:
    """The registry root: OCOP_ROOT, else the nearest folder above with registry/ or schemas/."""
    if os.environ.get("OCOP_ROOT"):
        return Path(os.environ["OCOP_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "registry").is_dir() or (folder / "schemas").is_dir():
            return folder
    return here


def requested_command(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option or --root's value)."""
    words = iter(argv)
    for word in words:
        if word == "--root":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with a known command, only the module that owns it is imported."""
    parser = VietnameseParser(prog="ocop", description="Công cụ của Sổ đăng ký OCOP.")
    parser.add_argument("--root", type=Path, help="thư mục gốc của kho (mặc định: tự tìm)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=VietnameseParser)
    owners = [name for name, commands in COMMAND_MODULES.items() if command in commands]
    for name in owners or COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name and name.startswith(err.name):  # the module (or its package) is not written yet
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(requested_command(argv))
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    args.root = (args.root or repo_root()).resolve()
    try:
        return func(args)
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # never a bare traceback for an officer: a message and exit 2
        if os.environ.get("OCOP_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(f"ocop: lỗi nội bộ ({type(err).__name__}: {err}). "
                         "Chạy lại với OCOP_DEBUG=1 để xem chi tiết và báo lỗi cho nhóm phát triển.\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
