"""`ocop site build` and its alias `ocop build`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    for name, help_text in (("build", "dựng toàn bộ trang web công khai (build/site)"),):
        add_build_arguments(sub.add_parser(name, help=help_text, description="Kiểm tra sổ đăng ký rồi dựng trang web."))
    site = sub.add_parser("site", help="trang web công khai", description="Các lệnh của trang web công khai.")
    site_sub = site.add_subparsers(dest="site_command", metavar="LỆNH")
    add_build_arguments(site_sub.add_parser("build", help="dựng trang web", description="Kiểm tra sổ đăng ký rồi dựng trang web."))
    gen = site_sub.add_parser("generate", help="chỉ sinh build/docs (đầy đủ, cho mkdocs build hoặc trình dựng tương thích)",
                              description="Kiểm tra sổ đăng ký rồi sinh toàn bộ trang nguồn vào build/docs, không dựng.")
    gen.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="ngày tính trạng thái giấy chứng nhận")
    gen.add_argument("--site-url", metavar="URL", help="địa chỉ gốc của trang (mặc định: site_url trong mkdocs.yml)")
    gen.add_argument("--out", type=Path, metavar="THƯ_MỤC", help="thư mục kết quả (mặc định: build/, trang nguồn ở build/docs)")
    gen.set_defaults(func=run_generate)


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="ngày tính trạng thái giấy chứng nhận (mặc định: hôm nay)")
    p.add_argument("--site-url", metavar="URL", help="địa chỉ gốc của trang (mặc định: site_url trong mkdocs.yml)")
    p.add_argument("--out", type=Path, metavar="THƯ_MỤC", help="thư mục kết quả (mặc định: build/, trang ở build/site)")
    p.add_argument("--no-search", action="store_true", help="không tạo chỉ mục tìm kiếm Pagefind")
    p.add_argument("--no-documents", action="store_true", help="không tạo văn bản kế hoạch (DOCX/PDF)")
    p.set_defaults(func=run_build)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {value!r} (cần YYYY-MM-DD)") from err


def run_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build_site

    try:
        result = build_site(args.root, args.today, args.site_url, args.out, pagefind=not args.no_search,
                            documents=not args.no_documents)
    except BuildError as err:
        sys.stderr.write(f"ocop build: {err}\n")
        return 2
    if not result.ok:
        return 1
    total = sum(result.timings.values())
    sys.stderr.write(f"ocop build: xong trong {total:.1f} s → {result.site}\n")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from .build import generate_docs

    return 0 if generate_docs(args.root, args.today, args.site_url, args.out) else 1
