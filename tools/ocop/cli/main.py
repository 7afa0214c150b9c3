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

from ocop.cli.options import EXIT_OK, EXIT_USAGE, repo_root
from ocop.model.layout import RegistryRootError

# Modules that add subcommands: each has add_parser(subparsers) setting `func` on its parser, and the
# commands it adds. Running one command imports only its module (a test keeps this table true): the
# others pull in python-docx, ruamel.yaml, the site generator…, which would slow every `ocop validate`.
COMMAND_MODULES = {
    "ocop.cli.validate": ("validate",),
    "ocop.cli.rules": ("rules",),
    "ocop.cli.score": ("score",),
    "ocop.cli.expiry": ("expiry",),
    "ocop.cli.expiry_sync": ("expiry-sync",),
    "ocop.cli.codeowners": ("codeowners",),
    "ocop.cli.build": ("build", "site"),
    "ocop.cli.plan": ("plan",),
    "ocop.cli.new": ("new",),
    "ocop.cli.keys": ("keys",),
    "ocop.cli.verify": ("verify",),
    "ocop.cli.intake": ("intake",),
    "ocop.cli.forms": ("forms",),
    "ocop.cli.cms": ("cms",),
    "ocop.cli.fmt": ("fmt",),
    "ocop.cli.export": ("export",),
    "ocop.cli.synth": ("synth",),
    "ocop.cli.import_": ("import",),
    "ocop.cli.report": ("report",),
}


class VietnameseParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code 2 is what we want
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"ocop: lỗi tham số: {message}\n")


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
    for name in owners or COMMAND_MODULES:  # a module that fails to import is an error, never a missing command
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(requested_command(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, or a usage error already printed in Vietnamese
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    args.root = (args.root or repo_root()).resolve()
    try:
        return func(args)
    except RegistryRootError as err:  # a wrong --root or checkout: say so, write nothing there
        sys.stderr.write(f"ocop: {err}\n")
        return EXIT_USAGE
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
