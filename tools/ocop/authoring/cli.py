"""Subcommands of the authoring paths: `ocop new`, `ocop intake issue`, `ocop forms`, `ocop cms`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KINDS_ASKED = ("product", "producer", "certificate", "decision", "evaluation", "plan")


def add_parser(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser("new", help="tạo hồ sơ mới bằng câu hỏi (không cần sửa YAML)",
                         description="Hỏi từng trường bằng tiếng Việt, ghi hồ sơ vào đúng thư mục với mã tiếp theo "
                                     "còn trống, rồi kiểm tra bằng ocop validate.")
    new.add_argument("kind", choices=KINDS_ASKED, metavar="LOẠI", help="product|producer|certificate|decision|evaluation|plan")
    new.add_argument("--province", metavar="TỈNH", help="thư mục tỉnh, ví dụ ha-noi")
    new.add_argument("--from", dest="from_file", type=Path, metavar="TỆP.json", help="lấy giá trị từ tệp JSON (không hỏi)")
    new.add_argument("--set", dest="sets", action="append", default=[], metavar="KHÓA=GIÁ_TRỊ",
                     help="đặt một trường, ví dụ --set classification.group=thuc_pham (lặp lại được; không hỏi)")
    new.add_argument("--interactive", action="store_true", help="vẫn hỏi các trường còn thiếu khi có --from/--set")
    new.add_argument("--today", metavar="YYYY-MM-DD", help="ngày dùng cho các quy tắc theo thời gian")
    new.set_defaults(func=run_new)

    intake = sub.add_parser("intake", help="biến biểu mẫu issue trên GitHub thành pull request",
                            description="Đọc sự kiện issue của GitHub Actions, dựng hồ sơ, kiểm tra, mở pull request "
                                        "hoặc trả lời lỗi trên issue.")
    intake_sub = intake.add_subparsers(dest="intake_command", metavar="LỆNH")
    issue = intake_sub.add_parser("issue", help="xử lý một issue đăng ký")
    issue.add_argument("--event", type=Path, required=True, metavar="TỆP", help="tệp sự kiện ($GITHUB_EVENT_PATH)")
    issue.add_argument("--dry-run", action="store_true", help="không gọi git/gh; chỉ in việc sẽ làm")
    issue.add_argument("--today", metavar="YYYY-MM-DD", help="ngày dùng cho các quy tắc theo thời gian")
    issue.set_defaults(func=run_intake)

    forms = sub.add_parser("forms", help="sinh biểu mẫu issue (.github/ISSUE_TEMPLATE) từ lược đồ",
                           description="Sinh các biểu mẫu đăng ký trên GitHub từ lược đồ JSON.")
    forms.add_argument("--write", action="store_true", help="ghi tệp (mặc định: chỉ báo tệp nào đã cũ)")
    forms.set_defaults(func=run_forms)

    cms = sub.add_parser("cms", help="cấu hình trình soạn thảo web (Decap CMS) tại /admin/",
                         description="Sinh config.yml của Decap CMS từ lược đồ và chép trình soạn thảo vào trang web.")
    cms.add_argument("--site", type=Path, metavar="THƯ_MỤC", help="cài vào THƯ_MỤC/admin (mặc định: build/site)")
    cms.add_argument("--local-backend", action="store_true", help="bật local_backend (thử với decap-server)")
    cms.add_argument("--print", dest="print_config", action="store_true", help="chỉ in config.yml")
    cms.set_defaults(func=run_cms)


def run_new(args: argparse.Namespace) -> int:
    from . import new

    interactive = args.interactive or not (args.from_file or args.sets)
    try:
        given = new.given_values(args.root, args.kind, args.from_file, args.sets, args.province)
    except new.InputError as err:
        sys.stderr.write(f"ocop new: {err}\n")
        return 2
    return new.run(args.root, args.kind, args.province, given, interactive, today=args.today)


def run_intake(args: argparse.Namespace) -> int:
    from . import intake

    return intake.run(args.root, args.event, dry_run=args.dry_run, today=args.today)


def run_forms(args: argparse.Namespace) -> int:
    from . import forms

    stale = forms.stale(args.root)
    if args.write:
        for rel in forms.write(args.root):
            sys.stdout.write(f"đã ghi {rel}\n")
        return 0
    for rel in stale:
        sys.stdout.write(f"cũ: {rel} (chạy «{forms.COMMAND}»)\n")
    return 1 if stale else 0


def run_cms(args: argparse.Namespace) -> int:
    from . import cms

    if args.print_config:
        sys.stdout.write(cms.config_yaml(args.root, local_backend=args.local_backend))
        return 0
    site = args.site or args.root / "build" / "site"
    try:
        admin = cms.install(site, root=args.root, local_backend=args.local_backend)
    except cms.CmsMissing as err:
        sys.stderr.write(f"ocop cms: {err}\n")
        return 2
    sys.stdout.write(f"đã cài trình soạn thảo vào {admin}\n")
    return 0
