"""`ocop plan render` and `ocop plan progress`: plans as DOCX/PDF, and their targets against the registry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.check.pipeline import load_registry
from ocop.cli.options import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, add_today, iso_date, today_of
from ocop.model.registry import Registry
from ocop.publish.documents import progress, render, report
from ocop.publish.documents.docx import render_docx
from ocop.publish.documents.plan import find_plan, load_plan

FORMATS = ("docx", "pdf")


def add_parser(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="văn bản Kế hoạch (KH): xuất Word/PDF, theo dõi tiến độ",
                          description="Xuất Kế hoạch ra Word/PDF theo Nghị định 30/2020 và báo cáo tiến độ chỉ tiêu.")
    actions = plan.add_subparsers(dest="plan_command", metavar="VIỆC", parser_class=type(plan))
    r = actions.add_parser("render", help="xuất DOCX/PDF", description="Xuất Kế hoạch ra build/plans/<mã>.docx/.pdf.")
    r.add_argument("plans", nargs="+", metavar="KẾ_HOẠCH", help="mã Kế hoạch (kh-…) hoặc đường dẫn tệp; 'all' cho tất cả")
    r.add_argument("--to", default="docx,pdf", help="định dạng, cách nhau bởi dấu phẩy: docx,pdf")
    r.add_argument("--out", type=Path, help="thư mục ra (mặc định: build/plans)")
    r.set_defaults(func=run_render)
    p = actions.add_parser("progress", help="tiến độ thực hiện chỉ tiêu",
                           description="So sánh chỉ tiêu đo được của Kế hoạch với số liệu trong Sổ đăng ký.")
    p.add_argument("plan", metavar="KẾ_HOẠCH", help="mã Kế hoạch (kh-…) hoặc đường dẫn tệp")
    p.add_argument("--as-of", dest="today", type=iso_date, metavar="YYYY-MM-DD", help="tính đến ngày (mặc định: hôm nay)")
    p.add_argument("--format", choices=["text", "json", "markdown", "docx"], default="text", help="dạng báo cáo")
    p.add_argument("--out", type=Path, help="tệp ra cho docx (mặc định: build/plans/<mã>-tien-do.docx)")
    p.set_defaults(func=run_progress)
    n = actions.add_parser("new", help="Kế hoạch năm sau từ Kế hoạch năm trước",
                           description="Chép cấu trúc một Kế hoạch sang năm mới: dời năm và ngày trong chỉ tiêu, thời "
                                       "hạn, nội dung; xóa số, ngày, người ký; in mọi chỗ còn ghi năm cũ.")
    n.add_argument("--from", dest="source", required=True, metavar="KẾ_HOẠCH", help="mã Kế hoạch nguồn (kh-…)")
    n.add_argument("--year", type=int, required=True, metavar="NĂM", help="năm bắt đầu của Kế hoạch mới")
    add_today(n, "ngày lập dự thảo (tháng, năm của dự thảo)")
    n.set_defaults(func=run_new)
    plan.set_defaults(func=lambda args: (plan.print_help(), EXIT_USAGE)[1])


def _plan(ref: str, root: Path, registry: Registry | None) -> dict:
    if registry is not None:
        record = registry.get("plan", ref)
        if record is not None:
            return record.data
    return load_plan(find_plan(ref, root))


def run_render(args: argparse.Namespace) -> int:
    formats = tuple(f.strip() for f in args.to.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        sys.stderr.write(f"ocop: định dạng không hỗ trợ: {', '.join(unknown)} (chỉ có docx, pdf)\n")
        return EXIT_USAGE
    out = args.out or args.root / "build" / "plans"
    refs = [p.stem for p in sorted((args.root / "plans").glob("*.yaml"))] if args.plans == ["all"] else args.plans
    try:
        plans = [_plan(ref, args.root, None) for ref in refs]
    except (FileNotFoundError, ValueError) as err:
        sys.stderr.write(f"ocop: {err}\n")
        return EXIT_USAGE
    for plan in plans:
        for path in render(plan, out, formats):
            print(path)
    return EXIT_OK


def run_progress(args: argparse.Namespace) -> int:
    as_of = today_of(args).isoformat()
    registry = load_registry(args.root)[0]
    try:
        plan = _plan(args.plan, args.root, registry)
    except (FileNotFoundError, ValueError) as err:
        sys.stderr.write(f"ocop: {err}\n")
        return EXIT_USAGE
    data = progress.from_registry(registry)
    rows = progress.plan_progress(plan, data, as_of)
    if args.format == "docx":
        out = args.out or args.root / "build" / "plans" / f"{plan['id']}-tien-do.docx"
        print(render_docx(report.report_document(plan, rows, as_of, data), out))
        return EXIT_OK
    writer = {"text": report.as_text, "json": report.as_json, "markdown": report.as_markdown}[args.format]
    sys.stdout.write(writer(plan, rows, as_of, data))
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    from ocop.authoring import plan_copy
    from ocop.authoring.new import format_finding
    from ocop.findings import has_errors

    if not 2000 <= args.year <= 2100:
        sys.stderr.write(f"ocop: năm {args.year} không hợp lệ (2000-2100)\n")
        return EXIT_USAGE
    try:
        source = _plan(args.source, args.root, None)
        copied = plan_copy.copy_plan(args.root, source, args.year, today_of(args))
    except FileExistsError as err:
        sys.stderr.write(f"ocop: {err} đã có; sửa tệp đó hoặc xóa trước khi chép lại.\n")
        return EXIT_USAGE
    except (FileNotFoundError, ValueError) as err:
        sys.stderr.write(f"ocop: {err}\n")
        return EXIT_USAGE
    for finding in copied.findings:
        print(format_finding(finding))
    if has_errors(copied.findings):
        print(f"Bản chép chưa đạt kiểm tra: chưa ghi {copied.rel}.")
        return EXIT_FINDINGS
    print(f"Đã ghi {copied.rel} (dự thảo; chưa có số, ngày, người ký).")
    print("\n".join(plan_copy.describe(copied)))
    note = plan_copy.issuer_note(source, args.year)
    if note:
        print(note)
    return EXIT_OK
