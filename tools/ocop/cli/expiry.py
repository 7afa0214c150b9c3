"""`ocop expiry`: certificates expired, expiring (≤ 30 days) and ending within --within days."""

from __future__ import annotations

import argparse
import sys

from ocop.check.gitdiff import GitRefError, changed_files
from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_format, add_today, today_of
from ocop.domain import lifecycle
from ocop.report import REPORTERS
from ocop.report.expiry import expiry_report

FAIL_STATES = {"never": set(), "expired": {"expired"}, "expiring": {"expired", "expiring"}}


def add_parser(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("expiry", help="chứng nhận hết hạn / sắp hết hạn",
                       description="Liệt kê chứng nhận đã hết hạn, sắp hết hạn (≤ 30 ngày) và sẽ hết hạn trong --within ngày.")
    add_today(e, "ngày tính hiệu lực")
    e.add_argument("--within", type=int, default=lifecycle.PLANNING_DAYS, metavar="NGÀY",
                   help=f"liệt kê cả chứng nhận còn hiệu lực nhưng hết hạn trong số ngày này (mặc định {lifecycle.PLANNING_DAYS})")
    e.add_argument("--province", metavar="SLUG", help="chỉ một tỉnh (tên thư mục, ví dụ hai-phong)")
    add_format(e, sorted(REPORTERS))
    e.add_argument("--fail-on", choices=sorted(FAIL_STATES), default="never",
                   help="mã thoát 1 khi có chứng nhận ở trạng thái này (mặc định: never, chỉ báo cáo)")
    e.add_argument("--changed-since", metavar="GIT_REF",
                   help="chỉ chứng nhận thuộc tệp hoặc tỉnh có thay đổi so với GIT_REF (kiểm tra pull request)")
    e.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    registry = load_registry(args.root)[0]
    today = today_of(args)
    certificates = None
    if args.changed_since:
        try:
            paths = changed_files(args.root, args.changed_since)
        except GitRefError as err:
            sys.stderr.write(f"ocop expiry: {err}\n")
            return EXIT_USAGE
        certificates = {f.file.rsplit("/", 1)[-1][:-5] for f in lifecycle.expiry_findings(registry, today, paths)}
    rows = lifecycle.listing(registry, today, args.within, args.province, certificates)
    REPORTERS[args.format](expiry_report(registry, rows, today), sys.stdout)
    return EXIT_FINDINGS if any(s.state in FAIL_STATES[args.fail_on] for s in rows) else EXIT_OK
