"""Progress of a plan's measurable targets against the registry (báo cáo định kỳ).

Works on plain record dicts (the shapes in ARCHITECTURE.md) so it is testable with small
fixtures; `from_registry` adapts a loaded `ocop.registry.Registry`.

Counting rules:
- A product is in a target's area when a unit of its address (province, district or ward, code
  and code version) is one of the scope's units: legacy units that rolled up count under the
  current province because the registry keeps their 2004 codes.
- A certificate counts at its decision's date (falling back to valid_from), inside the period.
- "new_only": first recognitions only (no `supersedes`, entry action `new`).
- products_total: distinct products holding a certificate valid at the period end (or as-of).
- An annual target gives one row per year of the plan that has begun by the as-of date.
- A target whose period is over is "ended": met or not met, never "behind".
- Expected-to-date values of counts are whole products (rounded up: 1.5 products to date means 2).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ocop.domain.lifecycle import VALIDITY_MONTHS, add_months
from ocop.model import units
from ocop.publish.documents.plan import short_date

Rec = dict[str, Any]
STATES = {"achieved": "Đạt", "on_track": "Đúng tiến độ", "behind": "Chậm tiến độ",
          "ended_met": "Đã kết thúc — đạt", "ended_missed": "Đã kết thúc — không đạt", "no_data": "Chưa đo được"}
MEASURED = {"products_recognised", "products_by_star", "products_total", "products_evaluated",
            "products_proposed_5_star", "products_submitted_national", "share_of_products_online",
            "share_of_products_upgraded"}
POTENTIAL_5_STAR_SCORE = 90  # a provincial score >= 90 is proposed to the central council


@dataclass
class Progress:
    target: str
    text: str
    metric: str
    unit: str
    period_from: str
    period_to: str
    goal: str
    threshold: float | None
    actual: float | None
    expected: float | None
    state: str
    year: int | None = None  # the year of an annual target's row

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "state_label": self.state_label}


@dataclass
class Data:
    certificates: list[Rec]
    decisions: dict[str, Rec]
    products: dict[str, Rec]
    evaluations: list[Rec]
    revoked: dict[str, str]  # certificate id -> revocation date
    samples: set[str] = field(default_factory=set)  # ids of records marked `sample: true`

    @classmethod
    def of(cls, certificates: list[Rec], decisions: list[Rec], products: list[Rec],
           evaluations: list[Rec] | None = None) -> Data:
        revoked = {}
        for d in decisions:
            if d.get("type") == "revocation":
                for e in d.get("entries") or []:
                    if e.get("certificate"):
                        revoked[e["certificate"]] = d.get("date", "")
        samples = {r["id"] for r in (*certificates, *decisions, *products, *(evaluations or [])) if r.get("sample")}
        return cls(list(certificates), {d["id"]: d for d in decisions}, {p["id"]: p for p in products},
                   list(evaluations or []), revoked, samples)


# --- dates --------------------------------------------------------------------------------

def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def periods_of(target: Rec, as_of: str) -> list[tuple[str, str, int | None]]:
    """(from, to, year) of each row a target gives: the whole period, or for an annual target each year that
    has begun by `as_of` (at least the first year, so a plan read before it starts still shows its targets)."""
    start, end = target["period"]["from"], target["period"]["to"]
    if target.get("recurrence") != "annual":
        return [(start, end, None)]
    last = max(min(_date(as_of), _date(end)).year, _date(start).year)
    return [(max(start, f"{year}-01-01"), min(end, f"{year}-12-31"), year)
            for year in range(_date(start).year, last + 1)]


# --- counting -----------------------------------------------------------------------------

def in_scope(product: Rec | None, scope: Rec) -> bool:
    """The product's most precise address unit lies inside one of the scope's units, across code lists:
    a 2025 ward formed from old Hải Dương wards counts for a Hải Dương (30/2004) plan."""
    if not product:
        return False
    address = product.get("address") or {}
    unit = next((address[k] for k in ("ward", "district", "province") if isinstance(address.get(k), dict)), None)
    return unit is not None and any(units.within(unit, area) for area in scope["units"])


def cert_date(cert: Rec, data: Data) -> str:
    decision = data.decisions.get(cert.get("decision", ""))
    return (decision or {}).get("date") or cert.get("valid_from") or ""


def _entry(cert: Rec, data: Data) -> Rec:
    decision = data.decisions.get(cert.get("decision", "")) or {}
    return next((e for e in decision.get("entries") or [] if e.get("certificate") == cert["id"]), {})


def _is_new(cert: Rec, data: Data) -> bool:
    return not cert.get("supersedes") and _entry(cert, data).get("action", "new") == "new"


def _star_ok(cert: Rec, target: Rec) -> bool:
    star = cert.get("star") or 0
    if target["metric"] == "products_by_star":
        return star == target.get("star")
    return star >= target.get("min_star", 3)


def _valid_on(cert: Rec, day: str, data: Data) -> bool:
    start = cert.get("valid_from") or cert_date(cert, data)
    if not start or start > day:
        return False
    end = cert.get("valid_to") or add_months(_date(start), VALIDITY_MONTHS).isoformat()
    revoked = data.revoked.get(cert["id"])
    return day <= end and not (revoked and revoked <= day)


def _scoped_certs(target: Rec, data: Data) -> list[Rec]:
    return [c for c in data.certificates if in_scope(data.products.get(c.get("product")), target["scope"])]


def recognised(target: Rec, data: Data, start: str, end: str) -> int:
    products = {c["product"] for c in _scoped_certs(target, data)
                if start <= cert_date(c, data) <= end and _star_ok(c, target)
                and (not target.get("new_only") or _is_new(c, data))}
    return len(products)


def held(target: Rec, data: Data, day: str) -> set[str]:
    return {c["product"] for c in _scoped_certs(target, data)
            if _valid_on(c, day, data) and (c.get("star") or 0) >= target.get("min_star", 3)}


def evaluated(target: Rec, data: Data, start: str, end: str, min_score: float | None = None) -> int:
    return len({e.get("product") for e in data.evaluations
                if start <= (e.get("date") or "") <= end
                and in_scope(data.products.get(e.get("product")), target["scope"])
                and (min_score is None or (e.get("total") or 0) >= min_score)})


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def measure(target: Rec, data: Data, start: str, end: str) -> float | None:
    metric = target["metric"]
    if metric in ("products_recognised", "products_by_star"):
        return recognised(target, data, start, end)
    if metric == "products_total":
        return len(held(target, data, end))
    if metric == "products_evaluated":
        return evaluated(target, data, start, end)
    if metric in ("products_proposed_5_star", "products_submitted_national"):
        return evaluated(target, data, start, end, POTENTIAL_5_STAR_SCORE)
    if metric == "share_of_products_online":
        products = held({**target, "min_star": 3}, data, end)
        online = [p for p in products if any(ch.get("type") == "ecommerce"
                                             for ch in data.products[p].get("sales_channels") or [])]
        return _share(len(online), len(products))
    if metric == "share_of_products_upgraded":
        upgraded = {c["product"] for c in _scoped_certs(target, data)
                    if start <= cert_date(c, data) <= end and _entry(c, data).get("action") == "upgrade"}
        return _share(len(upgraded), len(held({**target, "min_star": 3}, data, end)))
    return None


# --- judging ------------------------------------------------------------------------------

def goal_text(target: Rec) -> str:
    unit = target.get("unit", "")
    sep = "" if unit == "%" else " "
    if "value" in target:
        approx = "khoảng " if target.get("approximate") else ""
        return f"{approx}{target['value']:g}{sep}{unit}".strip()
    if "max" in target:
        return f"{target['min']:g} - {target['max']:g}{sep}{unit}".strip()
    return f"ít nhất {target['min']:g}{sep}{unit}".strip()


def _expected(value: float, unit: str) -> float:
    """What should be reached by now: whole products (never '0,5 sản phẩm'), shares to one decimal."""
    if unit == "%":
        return round(value, 1)
    return math.ceil(value - 1e-9)


def judge(target: Rec, actual: float | None, start: str, end: str, as_of: str) -> tuple[str, float | None]:
    threshold = target.get("min", target.get("value"))
    if actual is None:
        return "no_data", None
    if as_of > end:  # the period is over: met or not, nothing is "behind" any more
        return ("ended_met" if actual >= threshold else "ended_missed"), None
    if actual >= threshold:
        return "achieved", None
    base = target.get("baseline", 0) if target["metric"] == "products_total" else 0
    span = (_date(end) - _date(start)).days or 1
    elapsed = min(max((_date(as_of) - _date(start)).days, 0), span)
    expected = _expected(base + (threshold - base) * elapsed / span, target.get("unit", ""))
    return ("on_track" if actual >= expected else "behind"), expected


def target_rows(target: Rec, data: Data, as_of: str) -> list[Progress]:
    out = []
    for start, end, year in periods_of(target, as_of):
        upto = min(end, as_of)
        actual = measure(target, data, start, upto) if target["metric"] in MEASURED else None
        state, expected = judge(target, actual, start, end, as_of)
        out.append(Progress(target["id"], target["text"], target["metric"], target.get("unit", ""), start, end,
                            goal_text(target), target.get("min", target.get("value")), actual, expected, state,
                            year))
    return out


def plan_progress(plan: Rec, data: Data, as_of: str) -> list[Progress]:
    out: list[Progress] = []
    for target in plan.get("targets", []):
        if target.get("metric"):  # descriptive targets are reported in prose, not measured
            out.extend(target_rows(target, data, as_of))
    return out


@dataclass
class Summary:
    """What the summary line of a report says; built from the rows so it always agrees with them."""

    rows: int
    by_state: dict[str, int]

    @property
    def measured(self) -> int:
        return self.rows - self.by_state.get("no_data", 0)

    def text(self) -> str:
        if not self.rows:
            return "Kế hoạch không có chỉ tiêu định lượng."
        parts = [f"{n} {STATES[state].lower()}" for state, n in self.by_state.items() if n and state != "no_data"]
        out = f"Có {self.rows} dòng chỉ tiêu định lượng: {self.measured} dòng đo được từ Sổ đăng ký"
        out += f" ({', '.join(parts)})" if parts else ""
        unmeasured = self.by_state.get("no_data", 0)
        if unmeasured:
            out += f"; {unmeasured} dòng chưa đo được (Sổ đăng ký không ghi nhận số liệu của chỉ tiêu này)"
        return out + "."


def summary(rows: list[Progress]) -> Summary:
    counts = Counter(r.state for r in rows)
    return Summary(len(rows), {state: counts[state] for state in STATES if counts[state]})


def plan_status(plan: Rec, as_of: str) -> str:
    """'Đã kết thúc ngày …' / 'Đang thực hiện' / 'Chưa bắt đầu' for the plan as a whole."""
    start, end = plan["period"]["from"], plan["period"]["to"]
    if as_of > end:
        return f"Kế hoạch đã kết thúc (thời kỳ thực hiện đến ngày {short_date(end)})."
    if as_of < start:
        return "Kế hoạch chưa đến thời kỳ thực hiện."
    return "Kế hoạch đang trong thời kỳ thực hiện."


def sample_records(plan: Rec, data: Data) -> int:
    """How many of the records counted for the plan's measured targets are samples (fictional data)."""
    if not data.samples:
        return 0
    scopes = [t["scope"] for t in plan.get("targets", []) if t.get("metric") and t.get("scope")]
    products = {pid for pid, p in data.products.items() if any(in_scope(p, s) for s in scopes)}
    used = products | {c["id"] for c in data.certificates if c.get("product") in products}
    used |= {e["id"] for e in data.evaluations if e.get("product") in products and "id" in e}
    return len(used & data.samples)


def from_registry(registry: Any) -> Data:
    """Adapter for ocop.registry.Registry (records are wrapped; progress needs their data)."""
    def rows(kind: str) -> list[Rec]:
        return [r.data for r in registry.all(kind) if isinstance(r.data, dict) and "id" in r.data]
    return Data.of(rows("certificate"), rows("decision"), rows("product"), rows("evaluation"))
