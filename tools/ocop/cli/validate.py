"""`ocop validate`: check the registry (syntax, schemas, OCOP rules) and report the findings."""

from __future__ import annotations

import argparse
import sys

from ocop.check.gitdiff import GitRefError, start_changed_files
from ocop.check.worktree import start_listing
from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_format, add_today, today_of
from ocop.config import RunConfig, mkdocs_config, site_url_of
from ocop.report import REPORTERS, Report


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="kiểm tra sổ đăng ký", description="Kiểm tra hồ sơ: cú pháp, lược đồ, quy tắc OCOP.")
    p.add_argument("paths", nargs="*", help="chỉ báo cáo các tệp/thư mục này (mặc định: tất cả)")
    add_format(p, sorted(REPORTERS))
    p.add_argument("--changed-since", metavar="GIT_REF", help="chỉ báo cáo các tệp đổi so với GIT_REF")
    p.add_argument("--base", metavar="GIT_REF", help="so với GIT_REF: cấm sửa/xóa quyết định, chứng nhận đã ban hành")
    add_today(p)
    p.add_argument("--no-cache", action="store_true", help="không dùng bộ nhớ đệm trong build/cache")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = RunConfig(args.root, today=today_of(args), paths=tuple(args.paths), changed_since=args.changed_since,
                       base_ref=args.base, use_cache=not args.no_cache)
    try:
        # git lists the tree (and the change) while the checks are imported, ~0.15 s: started first
        started = _start_git(config)
        from ocop.check.pipeline import validate

        outcome = validate(config, *started)
    except GitRefError as err:
        sys.stderr.write(f"ocop validate: {err}\nKiểm tra tên nhánh hoặc commit; trong GitHub Actions, "
                         "checkout với fetch-depth: 0.\n")
        return EXIT_USAGE
    site_url = site_url_of(mkdocs_config(args.root)) if args.format == "github" else ""
    REPORTERS[args.format](Report.of_findings(outcome.findings, outcome.files_checked, site_url=site_url), sys.stdout)
    return EXIT_FINDINGS if outcome.failed else EXIT_OK


def _start_git(config: RunConfig) -> tuple:
    """The git questions a run asks (see check/worktree.py and check/gitdiff.py), started now."""
    root = config.root.resolve()
    if not (root / "registry").is_dir():  # refused by the pipeline (RegistryRootError), before asking git
        return None, None
    changes = start_changed_files(root, config.changed_since) if config.changed_since else None  # may refuse the ref
    return start_listing(root), changes
