"""`ocop build` and `ocop site build|generate`: validate, then build the public site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_today, today_of
from ocop.config import BuildConfig


def add_parser(sub: argparse._SubParsersAction) -> None:
    add_build_arguments(sub.add_parser("build", help="dựng toàn bộ trang web công khai (build/site)",
                                       description="Kiểm tra sổ đăng ký rồi dựng trang web."))
    site = sub.add_parser("site", help="trang web công khai", description="Các lệnh của trang web công khai.")
    site_sub = site.add_subparsers(dest="site_command", metavar="LỆNH")
    add_build_arguments(site_sub.add_parser("build", help="dựng trang web", description="Kiểm tra sổ đăng ký rồi dựng trang web."))
    gen = site_sub.add_parser("generate", help="chỉ sinh build/docs (đầy đủ, cho mkdocs build hoặc trình dựng tương thích)",
                              description="Kiểm tra sổ đăng ký rồi sinh toàn bộ trang nguồn vào build/docs, không dựng.")
    add_site_arguments(gen, "trang nguồn ở build/docs")
    gen.set_defaults(func=run_generate)


def add_site_arguments(p: argparse.ArgumentParser, out_help: str) -> None:
    add_today(p, "ngày tính trạng thái giấy chứng nhận")
    p.add_argument("--site-url", metavar="URL", help="địa chỉ gốc của trang (mặc định: site_url trong mkdocs.yml)")
    p.add_argument("--out", type=Path, metavar="THƯ_MỤC", help=f"thư mục kết quả (mặc định: build/, {out_help})")


def add_build_arguments(p: argparse.ArgumentParser) -> None:
    add_site_arguments(p, "trang ở build/site")
    p.add_argument("--no-search", action="store_true", help="không tạo chỉ mục tìm kiếm Pagefind")
    p.add_argument("--no-documents", action="store_true", help="không tạo văn bản kế hoạch (DOCX/PDF)")
    p.add_argument("--since-commit", metavar="COMMIT",
                   help="commit của lần công bố trước (trong du-lieu/build.json của trang đang chạy): "
                        "du-lieu/delta.json liệt kê hồ sơ thay đổi từ đó")
    p.add_argument("--full", action="store_true",
                   help="dựng lại toàn bộ, kể cả khi chỉ vài hồ sơ thay đổi từ lần dựng trước")
    p.set_defaults(func=run_build)


def config_of(args: argparse.Namespace) -> BuildConfig:
    return BuildConfig(args.root, today_of(args), args.site_url, args.out,
                       pagefind=not getattr(args, "no_search", False), documents=not getattr(args, "no_documents", False),
                       since_commit=getattr(args, "since_commit", None) or None,
                       incremental=not getattr(args, "full", False))


def run_build(args: argparse.Namespace) -> int:
    from ocop.publish.build import BuildError, build_site

    try:
        result = build_site(config_of(args))
    except BuildError as err:
        sys.stderr.write(f"ocop build: {err}\n")
        return EXIT_USAGE
    if not result.ok:
        return EXIT_FINDINGS
    total = sum(result.timings.values())
    sys.stderr.write(f"ocop build: xong trong {total:.1f} s → {result.site}\n")
    return EXIT_OK


def run_generate(args: argparse.Namespace) -> int:
    from ocop.publish.build import generate_docs

    return EXIT_OK if generate_docs(config_of(args)) else EXIT_FINDINGS
