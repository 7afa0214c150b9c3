"""`ocop fmt`: canonical form of record files."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from ocop.authoring.fmt import format_file, record_files, write_atomically
from ocop.check.gitdiff import GitRefError, start_changed_files
from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from ocop.model.layout import shown


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fmt", help="định dạng hồ sơ theo dạng chuẩn (giữ nguyên chú thích và giá trị)",
                       description="Sắp xếp trường theo lược đồ, chuẩn hóa NFC, ngoặc kép và thụt lề; "
                                   "không sửa tệp còn lỗi.")
    p.add_argument("paths", nargs="*", help="tệp hoặc thư mục (mặc định: registry/ và plans/)")
    p.add_argument("--check", action="store_true", help="chỉ liệt kê tệp chưa chuẩn (mã thoát 1), không ghi gì")
    p.add_argument("--changed-since", metavar="GIT_REF",
                   help="chỉ các tệp hồ sơ đổi so với GIT_REF (kiểm tra pull request, móc pre-commit)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root: Path = args.root
    paths = [str(Path(p).resolve()) for p in args.paths]
    files = record_files(root, paths)
    if args.changed_since:
        try:
            changes = start_changed_files(root, args.changed_since)()
        except GitRefError as err:
            sys.stderr.write(f"ocop fmt: {err}\n")
            return EXIT_USAGE
        files = [rel for rel in files if rel in changes.paths and rel not in changes.deleted]
    counts: Counter[str] = Counter()
    for rel in files:
        result = format_file(root, rel)
        counts[result.status] += 1
        if result.status == "changed":
            if args.check:
                print(f"cần định dạng: {shown(rel)}")
            else:
                write_atomically(root / rel, result.text)
                print(f"đã định dạng: {shown(rel)}")
        elif result.status in ("refused", "failed"):
            sys.stderr.write(f"bỏ qua {shown(rel)}: {result.reason}\n")
    verb = "cần định dạng" if args.check else "đã định dạng"
    sys.stderr.write(f"ocop fmt: {len(files)} tệp; {counts['changed']} {verb}, {counts['ok']} đã chuẩn, "
                     f"{counts['refused'] + counts['failed']} bỏ qua.\n")
    if counts["refused"] or counts["failed"] or (args.check and counts["changed"]):
        return EXIT_FINDINGS
    return EXIT_OK
