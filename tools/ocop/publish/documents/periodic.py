"""`ocop report`: the periodic BÁO CÁO of the OCOP programme (6-month, annual or any window).

What happened in a window, for one current (2025) province or the whole country:
- recognition decisions dated in the window, entry by entry: new recognitions (by star, by product group and
  by commune), re-recognitions and upgrades;
- revocation decisions dated in the window, with their grounds;
- certificates that lapsed in the window (their state the day after valid_to is `expired`: neither revoked
  nor superseded by then, `domain/lifecycle.py`);
- certificates in force at the end that end within the next 6 months;
- council evaluations dated in the window, with their average score;
- products holding a certificate in force at the end (cumulative), by star;
- the targets of the plans of the province whose period overlaps the window (`progress.plan_progress`).

A record belongs to the current province its product's address rolls up to (`model/units.py`), so a 2022
product of Hải Dương counts for Hải Phòng; the report is issued by the current body (UBND of the 2025
province, or the ministry named in `domain/data/authority.yaml` on the report's date for the country).
The document is plan-shaped and goes through the plans' renderers (`docx.py`, `pdf.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ocop.domain import authority, lifecycle, scoring
from ocop.model import labels, units
from ocop.model.registry import Record, Registry
from ocop.publish.documents import progress
from ocop.publish.documents.plan import short_date

EXPIRING_MONTHS = 6  # "chứng nhận sắp hết hạn trong 6 tháng tới"
IN_FORCE = ("valid", "expiring")
RECOGNITION_KINDS = ("new", "re_recognition", "upgrade")
KIND_VI = {"new": "Công nhận mới", "re_recognition": "Công nhận lại", "upgrade": "Nâng hạng",
           "revocation": "Thu hồi", "expiration": "Hết hạn", "expiring": "Sắp hết hạn (trong 6 tháng tới)"}
NO_COMMUNE = "Không ghi xã, phường"
NO_GROUP = "Không ghi nhóm"
FORMATS = ("docx", "pdf", "xlsx")


class PeriodError(ValueError):
    """A --period the command cannot read (the message is Vietnamese)."""


@dataclass(frozen=True)
class Period:
    start: str
    end: str
    label: str  # "6 tháng đầu năm 2026", "năm 2025", "từ ngày 01/01/2026 đến ngày 30/6/2026"
    key: str  # for file names: "2026-h1", "2025", "2026-01-01-2026-03-31"


def parse_period(text: str) -> Period:
    """2026-H1, 2026-H2, 2026, or 2026-01-01..2026-06-30 (both days included)."""
    value = text.strip()
    if m := re.fullmatch(r"(\d{4})-[Hh]([12])", value):
        year, half = m.group(1), m.group(2)
        start, end = (f"{year}-01-01", f"{year}-06-30") if half == "1" else (f"{year}-07-01", f"{year}-12-31")
        return Period(start, end, f"6 tháng {'đầu' if half == '1' else 'cuối'} năm {year}", f"{year}-h{half}")
    if re.fullmatch(r"\d{4}", value):
        return Period(f"{value}-01-01", f"{value}-12-31", f"năm {value}", value)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value):
        try:
            start, end = (dt.date.fromisoformat(m.group(i)).isoformat() for i in (1, 2))
        except ValueError:
            raise PeriodError(f"kỳ báo cáo «{text}»: ngày không có thật") from None
        if start > end:
            raise PeriodError(f"kỳ báo cáo «{text}»: ngày đầu sau ngày cuối")
        return Period(start, end, f"từ ngày {short_date(start)} đến ngày {short_date(end)}", f"{start}-{end}")
    raise PeriodError(f"kỳ báo cáo «{text}» không đúng dạng: 2026-H1, 2026-H2, 2026 hoặc 2026-01-01..2026-06-30")


# --- where a record belongs -----------------------------------------------------------------

def precise_unit(product: Record | dict | None) -> dict | None:
    """The most precise unit of a product's address (ward, else district, else province)."""
    address = (product.get("address") if product else None) or {}
    return next((address[k] for k in ("ward", "district", "province") if isinstance(address.get(k), dict)), None)


def current_province_code(product: Record | None) -> str | None:
    """The 2025 province code the product's address rolls up to (a legacy ward by the ward it went into)."""
    unit = precise_unit(product)
    return units.rolls_up_to(unit) if unit else None


def commune_label(product: Record | None) -> str:
    """The product's commune as it is now: a 2025 ward, or the one a legacy ward went into; a legacy ward
    split between several is named with all of them."""
    ward = ((product.get("address") if product else None) or {}).get("ward")
    if not isinstance(ward, dict):
        return NO_COMMUNE
    found = units.resolve(ward)
    name = found.name if found else str(ward.get("name") or ward.get("code") or NO_COMMUNE)
    if found is None or found.version == "2025":
        return name
    now = units.successors(found.code)
    if len(now) == 1:
        return now[0].name
    if not now:
        return f"{name} (cũ)"
    return f"{name} cũ (nay thuộc {' hoặc '.join(u.name for u in now)})"


def group_label(product: Record | None) -> str:
    group = ((product.get("classification") if product else None) or {}).get("group")
    return labels.label(labels.GROUPS, group) if group else NO_GROUP


# --- the scope: one current province or the country -------------------------------------------

@dataclass(frozen=True)
class Scope:
    slug: str | None  # None: the whole country
    code: str | None
    name: str  # "Thành phố Hải Phòng", or "toàn quốc"

    @property
    def national(self) -> bool:
        return self.slug is None


def scope_of(registry: Registry, slug: str) -> tuple[Scope, str]:
    """The scope for --province, and a note when a legacy province's slug was given ("hai-duong" is now
    Hải Phòng). Raises KeyError for a slug that is neither."""
    if slug == "all":
        return Scope(None, None, "toàn quốc"), ""
    province = registry.province(slug)
    if province is not None:
        return Scope(slug, str(province.get("code")), str(province.get("name"))), ""
    legacy = next((u for u in units.legacy_province_units() if units.slug(u.name) == slug), None)
    code = units.successor_province(legacy.code, "2004") if legacy else None
    successor = next((p for p in registry.provinces if str(p.get("code")) == code), None)
    if legacy is None or successor is None:
        raise KeyError(slug)
    scope = Scope(str(successor["slug"]), code, str(successor["name"]))
    return scope, f"{legacy.name} nay thuộc {scope.name}: báo cáo do {scope.name} ban hành."


def province_slug_of(registry: Registry, code: str | None) -> str | None:
    return next((str(p["slug"]) for p in registry.provinces if str(p.get("code")) == code), None)


# --- figures ----------------------------------------------------------------------------------

@dataclass
class Event:
    """One product in the appendix list: a recognition, revocation, lapse or coming expiry."""

    kind: str
    date: str
    product: str
    product_name: str
    producer_name: str
    province: str  # current province slug
    commune: str
    group: str
    star: int | None
    reference: str  # the decision (number and date), or the certificate and its end
    detail: str = ""  # a revocation's grounds and note
    grounds: str = ""  # a revocation's grounds (label)
    sample: bool = False


@dataclass
class Evaluation:
    id: str
    date: str
    product: str
    product_name: str
    province: str
    score: float | None
    star: int | None
    sample: bool = False


@dataclass
class Figures:
    period: Period
    scope: Scope
    end: str  # the last day counted: the period's end, or the report's date if that comes first
    events: list[Event] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    in_force: dict[str, int] = field(default_factory=dict)  # product id -> star held at `end`
    in_force_province: dict[str, str] = field(default_factory=dict)  # product id -> current province slug
    producers: dict[str, str] = field(default_factory=dict)  # product in force -> its producer id
    plans: list[tuple[dict, list[progress.Progress]]] = field(default_factory=list)
    sample: bool = False  # some counted record is fictional sample data
    province_names: dict[str, str] = field(default_factory=dict)  # current slug -> "Thành phố Hải Phòng"

    _cache: dict[str, Any] = field(default_factory=dict, repr=False)  # filled on first use, after compute()

    def of(self, kind: str, province: str | None = None) -> list[Event]:
        if "by_kind" not in self._cache:
            by_kind: dict[str, list[Event]] = {}
            for e in self.events:
                by_kind.setdefault(e.kind, []).append(e)
            self._cache["by_kind"] = by_kind
        events = self._cache["by_kind"].get(kind, [])
        return events if province is None else [e for e in events if e.province == province]

    def provinces(self) -> list[str]:
        """Current provinces with anything to report, in the order of registry/provinces.yaml (by code)."""
        seen = {e.province for e in self.events} | {e.province for e in self.evaluations}
        seen |= set(self.in_force_province.values())
        order = {slug: i for i, slug in enumerate(self.province_names)}
        return sorted(seen, key=lambda slug: (order.get(slug, len(order)), slug))

    def counts(self) -> dict[str, float]:
        """Every figure of the report by a stable key; the report's sentences and tables read these."""
        if "counts" not in self._cache:
            self._cache["counts"] = self._count()
        return dict(self._cache["counts"])

    def _count(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind in (*RECOGNITION_KINDS, "revocation", "expiration", "expiring"):
            out[kind] = len(self.of(kind))
        new = self.of("new")
        for star in (3, 4, 5):
            out[f"new.star.{star}"] = sum(e.star == star for e in new)
        for key, n in Counter(e.group for e in new).items():
            out[f"new.group.{key}"] = n
        for key, n in Counter(e.commune for e in new).items():
            out[f"new.commune.{key}"] = n
        for key, n in Counter(e.grounds for e in self.of("revocation")).items():
            out[f"revocation.grounds.{key}"] = n
        out["evaluations"] = len(self.evaluations)
        scores = [e.score for e in self.evaluations if e.score is not None]
        out["evaluations.average"] = round(sum(scores) / len(scores), 2) if scores else 0
        out["in_force"] = len(self.in_force)
        for star in (3, 4, 5):
            out[f"in_force.star.{star}"] = sum(s == star for s in self.in_force.values())
        out["producers_in_force"] = len(set(self.producers.values()))
        if self.scope.national:
            for slug in self.provinces():
                for key, value in self.province_row(slug).items():
                    out[f"province.{slug}.{key}"] = value
        return out

    def province_row(self, slug: str) -> dict[str, float]:
        """The national table's row of one current province."""
        if "by_province" not in self._cache:
            tally: Counter[tuple[str, str]] = Counter((e.province, e.kind) for e in self.events)
            tally.update((e.province, "evaluations") for e in self.evaluations)
            tally.update((p, "in_force") for p in self.in_force_province.values())
            self._cache["by_province"] = tally
        tally = self._cache["by_province"]
        return {k: tally[(slug, k)] for k in (*RECOGNITION_KINDS, "revocation", "expiration", "expiring",
                                             "evaluations", "in_force")}


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


class _Reader:
    """The registry seen by one report: each product's current province, names, and certificate states."""

    def __init__(self, registry: Registry, scope: Scope) -> None:
        self.registry, self.scope = registry, scope
        self.revoked = lifecycle.revocations(registry)
        self._province: dict[str, str | None] = {}

    def province(self, product_id: Any) -> str | None:
        """The current province slug of a product inside the scope, else None."""
        if not isinstance(product_id, str):
            return None
        if product_id not in self._province:
            product = self.registry.get("product", product_id)
            code = current_province_code(product)
            inside = product is not None and (self.scope.national or code == self.scope.code)
            self._province[product_id] = province_slug_of(self.registry, code) if inside else None
        return self._province[product_id]

    def event(self, kind: str, date: str, product_id: str, star: Any, reference: str, detail: str = "",
              sample: bool = False, grounds: str = "") -> Event:
        product = self.registry.get("product", product_id)
        producer = self.registry.get("producer", product.get("producer")) if product else None
        return Event(kind, date, product_id, str(product.get("name", "")) if product else product_id,
                     str(producer.get("name", "")) if producer else "", self.province(product_id) or "",
                     commune_label(product), group_label(product), star if isinstance(star, int) else None,
                     reference, detail, grounds, bool(sample or (product and product.get("sample"))))

    def status(self, cert: Record, day: dt.date) -> lifecycle.Status:
        return lifecycle.status(self.registry, cert, day, self.revoked)


def decision_ref(decision: Record) -> str:
    return f"Quyết định số {decision.get('number', '')} ngày {short_date(str(decision.get('date')))}"


def recognition_kind(entry: dict, cert: Record | None, registry: Registry) -> str:
    """The entry's action; without one, a certificate that supersedes another is a re-recognition (an upgrade
    when its star is higher), else a new recognition."""
    if entry.get("action") in RECOGNITION_KINDS:
        return str(entry["action"])
    previous = registry.get("certificate", cert.get("supersedes")) if cert else None
    if previous is None:
        return "new"
    return "upgrade" if (cert.get("star") or 0) > (previous.get("star") or 0) else "re_recognition"


def _decisions(reader: _Reader, figures: Figures) -> None:
    start, end = figures.period.start, figures.end
    for decision in sorted(reader.registry.all("decision"), key=lambda d: (str(d.get("date")), d.id)):
        date = decision.get("date")
        if not isinstance(date, str) or not start <= date <= end:
            continue
        for entry in decision.get("entries") or []:
            if not isinstance(entry, dict) or reader.province(entry.get("product")) is None:
                continue
            cert = reader.registry.get("certificate", entry.get("certificate"))
            sample = bool(decision.get("sample"))
            if decision.get("type") == "revocation":
                grounds = labels.label(labels.GROUNDS, entry.get("grounds")) or labels.GROUNDS["other"]
                detail = grounds + (f": {entry['note']}" if entry.get("note") else "")
                figures.events.append(reader.event("revocation", date, entry["product"],
                                                   cert.get("star") if cert else None, decision_ref(decision),
                                                   detail, sample, grounds))
            else:
                kind = recognition_kind(entry, cert, reader.registry)
                star = entry.get("star") or (cert.get("star") if cert else None)
                figures.events.append(reader.event(kind, date, entry["product"], star, decision_ref(decision),
                                                   "", sample))


def _certificates(reader: _Reader, figures: Figures) -> None:
    start, end = _date(figures.period.start), _date(figures.end)
    horizon = lifecycle.add_months(end, EXPIRING_MONTHS)
    held: dict[str, int] = {}
    for cert in sorted(reader.registry.all("certificate"), key=lambda c: c.id):
        province = reader.province(cert.get("product"))
        if province is None:
            continue
        last = lifecycle.valid_to(reader.registry, cert)
        at_end = reader.status(cert, end)
        started = at_end.valid_from is not None and at_end.valid_from <= end  # status() does not look at the start
        if started and at_end.state in IN_FORCE:
            held[cert.get("product")] = max(held.get(cert.get("product"), 0), int(cert.get("star") or 0))
            figures.in_force_province[cert.get("product")] = province
            if last is not None and end < last <= horizon:
                figures.events.append(reader.event("expiring", last.isoformat(), cert.get("product"), cert.get("star"),
                                                   f"Giấy chứng nhận {cert.id}, hiệu lực đến {short_date(last.isoformat())}",
                                                   sample=bool(cert.get("sample"))))
        lapsed = last + dt.timedelta(days=1) if last is not None and last < dt.date.max else None
        if lapsed is not None and start <= lapsed <= end and reader.status(cert, lapsed).state == "expired":
            figures.events.append(reader.event("expiration", lapsed.isoformat(), cert.get("product"), cert.get("star"),
                                               f"Giấy chứng nhận {cert.id}, hiệu lực đến "
                                               f"{short_date(last.isoformat())}", sample=bool(cert.get("sample"))))
    figures.in_force = held
    for product_id in held:
        product = reader.registry.get("product", product_id)
        figures.producers[product_id] = str(product.get("producer", "")) if product else ""


def evaluation_score(evaluation: Record) -> float | None:
    """The published total, else the total recomputed from the members' sheets."""
    total = evaluation.get("total")
    if isinstance(total, int | float) and not isinstance(total, bool):
        return float(total)
    computed = scoring.score(evaluation.data)
    return float(computed.total) if computed is not None else None


def _evaluations(reader: _Reader, figures: Figures) -> None:
    for evaluation in sorted(reader.registry.all("evaluation"), key=lambda e: (str(e.get("date")), e.id)):
        date = evaluation.get("date")
        province = reader.province(evaluation.get("product"))
        if province is None or not isinstance(date, str) or not figures.period.start <= date <= figures.end:
            continue
        star = evaluation.get("star")
        product = reader.registry.get("product", evaluation.get("product"))
        figures.evaluations.append(Evaluation(evaluation.id, date, product.id, str(product.get("name", product.id)),
                                              province,
                                              evaluation_score(evaluation), star if isinstance(star, int) else None,
                                              bool(evaluation.get("sample"))))


def plan_covers(plan: dict, scope: Scope, start: str, end: str) -> bool:
    """The plan's period overlaps the window and its issuer is (or rolled up into) the scope's province."""
    period = plan.get("period") or {}
    if not (str(period.get("from", "")) <= end and str(period.get("to", "")) >= start):
        return False
    unit = (plan.get("issuer") or {}).get("unit")
    return scope.national or (isinstance(unit, dict) and units.rolls_up_to(unit) == scope.code)


def _plans(registry: Registry, figures: Figures) -> None:
    chosen = [r.data for r in sorted(registry.all("plan"), key=lambda r: r.id)
              if plan_covers(r.data, figures.scope, figures.period.start, figures.end)]
    if not chosen:
        return
    data = progress.from_registry(registry)
    start, end = figures.period.start, figures.end
    figures.plans = [(plan, [row for row in progress.plan_progress(plan, data, end)  # an annual target's other
                             if row.period_from <= end and row.period_to >= start])  # years are not this report's
                     for plan in chosen]


def compute(registry: Registry, scope: Scope, period: Period, today: dt.date) -> Figures:
    """The report's figures; the window ends at the period's end, or at `today` when that comes first."""
    figures = Figures(period, scope, min(period.end, today.isoformat()))
    figures.province_names = {str(p["slug"]): str(p.get("name", p["slug"])) for p in registry.provinces
                              if isinstance(p, dict) and "slug" in p}
    reader = _Reader(registry, scope)
    _decisions(reader, figures)
    _certificates(reader, figures)
    _evaluations(reader, figures)
    order = {kind: i for i, kind in enumerate(KIND_VI)}
    figures.events.sort(key=lambda e: (order[e.kind], e.date, e.product))
    _plans(registry, figures)
    figures.sample = any(e.sample for e in figures.events) or any(e.sample for e in figures.evaluations) or any(
        (p := registry.get("product", pid)) is not None and p.get("sample") for pid in figures.in_force)
    return figures


def central_body(today: dt.date) -> authority.CentralName | None:
    return authority.central_name(today.isoformat())
