"""Plan records: loading and the wording rules of NĐ 30/2020 (dates, numbers, numbering).

Single plans are read with the registry's strict loader (`ocop.load`); callers that hold a
loaded Registry pass `record.data` straight to the renderers instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

Plan = dict[str, Any]
BLANK = "\u00a0" * 8  # room left for the number or day of a draft; no-break so it survives layout


def load_plan(path: Path, root: Path | None = None) -> Plan:
    """Read one plan with the registry's strict loader (dates stay strings, NFC and tag checks)."""
    from ocop.load import load_document

    root = root or path.resolve().parents[1]
    try:
        relpath = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relpath = path.name
    doc = load_document(path, relpath)
    errors = [f for f in doc.findings if f.severity == "error"]
    if errors or not isinstance(doc.data, dict):
        detail = "; ".join(f"{f.line}:{f.column} {f.message}" for f in errors) or "không phải một ánh xạ YAML"
        raise ValueError(f"{relpath}: {detail}")
    return doc.data


def find_plan(ref: str, root: Path) -> Path:
    """Accept a plan id or a path to its YAML file."""
    candidate = Path(ref)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    path = root / "plans" / f"{ref}.yaml"
    if not path.exists():
        raise FileNotFoundError(f"Không tìm thấy Kế hoạch '{ref}' (đã tìm {path})")
    return path


def all_plans(root: Path) -> list[Path]:
    return sorted((root / "plans").glob("*.yaml"))


def plans_of(root: Path, registry: Any = None) -> list[Plan]:
    """Every plan record: from a loaded Registry when given, else read from plans/."""
    if registry is not None:
        return [r.data for r in sorted(registry.all("plan"), key=lambda r: r.id)]
    return [load_plan(path, root) for path in all_plans(root)]


# --- NĐ 30/2020 wording -------------------------------------------------------------------

def _ymd(iso: str) -> tuple[int, int, int]:
    year, month, day = (int(part) for part in iso.split("-"))
    return year, month, day


def _day(day: int) -> str:
    return f"{day:02d}"  # NĐ 30: days 1-9 take a leading zero


def _month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)  # NĐ 30: only January and February


def short_date(iso: str) -> str:
    """'2018-05-07' -> '07/5/2018' (the form used when citing documents)."""
    year, month, day = _ymd(iso)
    return f"{_day(day)}/{_month(month)}/{year}"


def place_date_line(plan: Plan) -> str:
    place = plan["place"]
    if plan.get("date"):
        year, month, day = _ymd(plan["date"])
        return f"{place}, ngày {_day(day)} tháng {_month(month)} năm {year}"
    draft = plan["draft_month"]  # a draft leaves the day blank for the signer
    return f"{place}, ngày{BLANK}tháng {_month(draft['month'])} năm {draft['year']}"


def number_text(plan: Plan) -> str:
    number = plan.get("number")
    return f"{number}/{plan['symbol']}" if number else f"{BLANK}/{plan['symbol']}"


def number_line(plan: Plan) -> str:
    return f"Số: {number_text(plan)}"


def issuer_long_name(name: str) -> str:
    """'UBND thành phố Hà Nội' -> 'Ủy ban nhân dân thành phố Hà Nội' for running text."""
    return "Ủy ban nhân dân " + name[5:] if name.startswith("UBND ") else name


def date_text(plan: Plan) -> str:
    if plan.get("date"):
        return short_date(plan["date"])
    draft = plan["draft_month"]
    return f"{BLANK}/{_month(draft['month'])}/{draft['year']}"


def reference_line(plan: Plan) -> str:
    """The '(Kèm theo Kế hoạch số … ngày … của …)' line of an appendix."""
    issuer = issuer_long_name(plan["issuer"]["name"])
    kind = plan.get("document_type", "Kế hoạch")
    return f"(Kèm theo {kind} số {number_text(plan)} ngày {date_text(plan)} của {issuer})"


def legal_basis_line(basis: dict[str, Any], last: bool) -> str:
    subject = f" {basis['subject']}" if basis.get("subject") else ""
    end = "." if last else ";"
    return (f"Căn cứ {basis['type']} số {basis['number']} ngày {short_date(basis['date'])} "
            f"của {basis['issuer']}{subject}{end}")


ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def section_number(path: tuple[int, ...]) -> str:
    """Numbering by depth as in the seeds: I. / 1. / 1.1. / a)."""
    depth = len(path)
    if depth == 1:
        return f"{roman(path[0])}."
    if depth == 2:
        return f"{path[1]}."
    if depth == 3:
        return f"{path[1]}.{path[2]}."
    return f"{chr(ord('a') + path[-1] - 1)})"


def money(amount: float) -> str:
    """Vietnamese thousands separator: 50050 -> '50.050'."""
    whole = f"{int(amount):,}".replace(",", ".")
    frac = amount - int(amount)
    return whole if not frac else f"{whole},{round(frac * 1000):03d}".rstrip("0")


def percent(value: float) -> str:
    return f"{value:g}".replace(".", ",")
