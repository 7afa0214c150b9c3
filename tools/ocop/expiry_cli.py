"""`ocop expiry`, `ocop expiry-sync` and `ocop codeowners`: certificate expiry as a report, as one GitHub
issue per province, and the generated CODEOWNERS file."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from . import lifecycle
from .registry import Registry
from .report.github import annotation, markdown_cell

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_STATES = {"never": set(), "expired": {"expired"}, "expiring": {"expired", "expiring"}}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("expiry", help="chứng nhận hết hạn / sắp hết hạn",
                       description="Liệt kê chứng nhận đã hết hạn, sắp hết hạn (≤ 30 ngày) và sẽ hết hạn trong --within ngày.")
    e.add_argument("--today", type=_date, help="ngày tính hiệu lực, YYYY-MM-DD (mặc định: hôm nay)")
    e.add_argument("--within", type=int, default=lifecycle.PLANNING_DAYS, metavar="NGÀY",
                   help=f"liệt kê cả chứng nhận còn hiệu lực nhưng hết hạn trong số ngày này (mặc định {lifecycle.PLANNING_DAYS})")
    e.add_argument("--province", metavar="SLUG", help="chỉ một tỉnh (tên thư mục, ví dụ hai-phong)")
    e.add_argument("--format", choices=["text", "json", "github", "markdown"], default="text")
    e.add_argument("--fail-on", choices=sorted(FAIL_STATES), default="never",
                   help="mã thoát 1 khi có chứng nhận ở trạng thái này (mặc định: never, chỉ báo cáo)")
    e.add_argument("--changed-since", metavar="GIT_REF",
                   help="chỉ chứng nhận thuộc tệp hoặc tỉnh có thay đổi so với GIT_REF (kiểm tra pull request)")
    e.set_defaults(func=run_expiry)

    s = sub.add_parser("expiry-sync", help="đồng bộ issue GitHub về chứng nhận hết hạn (mỗi tỉnh một issue)",
                       description="Tạo, sửa hoặc đóng issue «Chứng nhận OCOP hết hạn / sắp hết hạn — <tỉnh>» bằng gh.")
    s.add_argument("--today", type=_date, help="ngày tính hiệu lực (mặc định: hôm nay)")
    s.add_argument("--dry-run", action="store_true", help="chỉ in việc sẽ làm, không gọi gh để thay đổi")
    s.set_defaults(func=run_expiry_sync)

    c = sub.add_parser("codeowners", help="sinh tệp .github/CODEOWNERS từ registry/provinces.yaml",
                       description="In (hoặc ghi với --write) tệp CODEOWNERS: mỗi thư mục tỉnh → nhóm phụ trách.")
    c.add_argument("--write", action="store_true", help="ghi vào .github/CODEOWNERS")
    c.set_defaults(func=run_codeowners)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày «{text}» không đúng dạng YYYY-MM-DD") from None


def load(root: Path) -> Registry:
    from .validate import load_registry

    return load_registry(root)[0]


def run_expiry(args: argparse.Namespace) -> int:
    registry = load(args.root)
    today = args.today or dt.date.today()
    paths = None
    if args.changed_since:
        from .validate import GitRefError, changed_files

        try:
            paths = changed_files(args.root, args.changed_since)
        except GitRefError as err:
            sys.stderr.write(f"ocop expiry: {err}\n")
            return EXIT_USAGE
    certificates = None
    if paths is not None:
        certificates = {f.file.rsplit("/", 1)[-1][:-5] for f in lifecycle.expiry_findings(registry, today, paths)}
    rows = lifecycle.listing(registry, today, args.within, args.province, certificates)
    RENDERERS[args.format](registry, rows, today, sys.stdout)
    failing = FAIL_STATES[args.fail_on]
    return EXIT_FINDINGS if any(s.state in failing for s in rows) else EXIT_OK


def render_json(registry: Registry, rows: list[lifecycle.Status], today: dt.date, out: TextIO) -> None:
    del today
    json.dump([s.to_json(registry) for s in rows], out, ensure_ascii=False, indent=2)
    out.write("\n")


def render_text(registry: Registry, rows: list[lifecycle.Status], today: dt.date, out: TextIO) -> None:
    del registry
    for s in rows:
        out.write(f"{s.cert.path}: {s.cert.id} {s.cert.get('star')}★ hiệu lực đến {s.valid_to} — "
                  f"{lifecycle.STATE_VI[s.state]} ({_days(s)})\n")
    out.write(_summary(rows, today) + "\n")


def render_markdown(registry: Registry, rows: list[lifecycle.Status], today: dt.date, out: TextIO) -> None:
    out.write(f"## Chứng nhận OCOP hết hạn / sắp hết hạn (ngày {today})\n\n{_summary(rows, today)}\n\n")
    if rows:
        out.write(table(registry, rows, with_days=True))


def render_github(registry: Registry, rows: list[lifecycle.Status], today: dt.date, out: TextIO) -> None:
    for s in rows:
        if s.state in ("expired", "expiring"):
            out.write(annotation(lifecycle.finding_for(s)) + "\n")
    out.write(_summary(rows, today) + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as fh:
            render_markdown(registry, rows, today, fh)


def table(registry: Registry, rows: list[lifecycle.Status], with_days: bool) -> str:
    """Markdown table; every cell from a record is escaped (names are untrusted text)."""
    head = "| Chứng nhận | Sản phẩm | Hạng | Hiệu lực đến | Trạng thái |" + (" Còn (ngày) |" if with_days else "")
    lines = [head, "|---|---|---|---|---|" + ("---|" if with_days else "")]
    for s in rows:
        product = registry.get("product", s.cert.get("product"))
        name = str(product.get("name")) if product else str(s.cert.get("product"))
        cells = [f"`{markdown_cell(s.cert.id)}`", markdown_cell(name), f"{s.cert.get('star')}★",
                 str(s.valid_to or ""), lifecycle.STATE_VI[s.state]]
        if with_days:
            cells.append(str(s.days_left if s.days_left is not None else ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _days(s: lifecycle.Status) -> str:
    if s.days_left is None:
        return "không rõ ngày"
    return f"còn {s.days_left} ngày" if s.days_left >= 0 else f"quá {-s.days_left} ngày"


def _summary(rows: list[lifecycle.Status], today: dt.date) -> str:
    count = {state: sum(s.state == state for s in rows) for state in ("expired", "expiring", "valid")}
    return (f"Ngày {today}: {count['expired']} đã hết hạn, {count['expiring']} sắp hết hạn (≤ {lifecycle.NOTICE_DAYS} ngày), "
            f"{count['valid']} hết hạn trong thời gian tới.")


RENDERERS = {"json": render_json, "text": render_text, "markdown": render_markdown, "github": render_github}


def run_expiry_sync(args: argparse.Namespace) -> int:
    import subprocess

    from . import expiry_sync

    registry = load(args.root)
    try:
        actions = expiry_sync.sync(registry, args.today or dt.date.today(), dry_run=args.dry_run)
    except FileNotFoundError:
        sys.stderr.write("ocop expiry-sync: không tìm thấy lệnh gh (GitHub CLI). Cài gh và đặt GH_TOKEN.\n")
        return EXIT_USAGE
    except subprocess.CalledProcessError as err:
        sys.stderr.write(f"ocop expiry-sync: gh báo lỗi (mã {err.returncode}): {(err.stderr or '').strip()}\n")
        return EXIT_USAGE
    for action in actions:
        sys.stdout.write(action + "\n")
    return EXIT_OK


def run_codeowners(args: argparse.Namespace) -> int:
    from . import codeowners

    registry = load(args.root)
    text = codeowners.render(registry)
    if args.write:
        target = args.root / codeowners.PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        sys.stdout.write(f"Đã ghi {codeowners.PATH}.\n")
    else:
        sys.stdout.write(text)
    return EXIT_OK
