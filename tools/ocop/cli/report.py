"""`ocop report`: the periodic BÁO CÁO (6-month, annual or any window) of a province or of the country."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ocop.cli.options import EXIT_OK, EXIT_USAGE, add_today, today_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("report", help="báo cáo định kỳ kết quả OCOP (6 tháng, năm) của một tỉnh hoặc toàn quốc",
                       description="Báo cáo định kỳ theo Nghị định 30/2020: công nhận mới (theo hạng sao, nhóm, xã), "
                                   "công nhận lại, nâng hạng, thu hồi, hết hạn, sắp hết hạn, đánh giá, lũy kế và so "
                                   "với chỉ tiêu của Kế hoạch; phụ lục liệt kê từng sản phẩm; cùng số liệu ra XLSX.")
    r.add_argument("--province", required=True, metavar="TỈNH",
                   help="tỉnh, thành phố hiện hành (ví dụ hai-phong; tên tỉnh cũ như hai-duong được tính vào tỉnh "
                        "mới), hoặc 'all' cho toàn quốc")
    r.add_argument("--period", required=True, metavar="KỲ",
                   help="2026-H1 (6 tháng đầu năm), 2026-H2, 2026 (cả năm) hoặc 2026-01-01..2026-06-30")
    r.add_argument("--to", default="docx,pdf,xlsx", help="định dạng, cách nhau bởi dấu phẩy: docx,pdf,xlsx")
    r.add_argument("--out", type=Path, metavar="THƯ_MỤC", help="thư mục ra (mặc định: build/reports)")
    add_today(r, "ngày lập báo cáo; số liệu tính đến ngày này nếu kỳ chưa kết thúc")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ocop.check.pipeline import load_registry
    from ocop.publish.documents import periodic, periodic_document

    formats = tuple(f.strip() for f in args.to.split(",") if f.strip())
    unknown = [f for f in formats if f not in periodic.FORMATS]
    if unknown:
        sys.stderr.write(f"ocop report: định dạng không hỗ trợ: {', '.join(unknown)} (chỉ có docx, pdf, xlsx)\n")
        return EXIT_USAGE
    try:
        period = periodic.parse_period(args.period)
    except periodic.PeriodError as err:
        sys.stderr.write(f"ocop report: {err}\n")
        return EXIT_USAGE
    registry = load_registry(args.root)[0]
    try:
        scope, note = periodic.scope_of(registry, args.province)
    except KeyError:
        sys.stderr.write(f"ocop report: không có tỉnh «{args.province}» trong registry/provinces.yaml "
                         "(cũng không phải tỉnh cũ trước năm 2025).\n")
        return EXIT_USAGE
    today = today_of(args)
    if period.start > today.isoformat():
        sys.stderr.write(f"ocop report: kỳ báo cáo {period.label} chưa bắt đầu (hôm nay {today.isoformat()}).\n")
        return EXIT_USAGE
    if note:
        sys.stderr.write(f"ocop report: {note}\n")
    figures = periodic.compute(registry, scope, period, today)
    sys.stdout.write(periodic_document.summary_text(figures, today))
    out = args.out or args.root / "build" / "reports"
    for path in periodic_document.write(figures, out, formats, today):
        sys.stdout.write(f"{path}\n")
    return EXIT_OK
