"""Core subcommands: validate, rules."""

from __future__ import annotations

import argparse
import sys

from .findings import has_errors
from .report import REPORTERS
from .validate import GitRefError, validate


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="kiểm tra sổ đăng ký", description="Kiểm tra hồ sơ: cú pháp, lược đồ, quy tắc OCOP.")
    p.add_argument("paths", nargs="*", help="chỉ báo cáo các tệp/thư mục này (mặc định: tất cả)")
    p.add_argument("--format", choices=sorted(REPORTERS), default="text", help="dạng báo cáo")
    p.add_argument("--changed-since", metavar="GIT_REF", help="chỉ báo cáo các tệp đổi so với GIT_REF")
    p.add_argument("--base", metavar="GIT_REF", help="so với GIT_REF: cấm sửa/xóa quyết định, chứng nhận đã ban hành")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="ngày dùng cho các quy tắc theo thời gian (mặc định: hôm nay)")
    p.add_argument("--no-cache", action="store_true", help="không dùng bộ nhớ đệm trong build/cache")
    p.set_defaults(func=run_validate)

    r = sub.add_parser("rules", help="danh sách quy tắc kiểm tra", description="In danh sách quy tắc (Markdown hoặc JSON).")
    r.add_argument("--format", choices=["markdown", "json"], default="markdown")
    r.set_defaults(func=run_rules)


def run_validate(args: argparse.Namespace) -> int:
    try:
        outcome = validate(args.root, args.paths, args.changed_since, args.base, args.today,
                           use_cache=not args.no_cache)
    except GitRefError as err:
        sys.stderr.write(f"ocop validate: {err}\nKiểm tra tên nhánh hoặc commit; trong GitHub Actions, "
                         "checkout với fetch-depth: 0.\n")
        return 2
    REPORTERS[args.format](outcome.findings, outcome.files_checked, sys.stdout)
    return 1 if has_errors(outcome.findings) else 0


def run_rules(args: argparse.Namespace) -> int:
    from . import rulesdoc

    sys.stdout.write(rulesdoc.render(args.format))
    return 0
