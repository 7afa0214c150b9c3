"""Certificate lifecycle: effective dates and the state of every certificate as of a date.

Conventions (also in docs-src/interfaces.md):
- valid_from is the certificate's own date, else its decision's date. Validity runs 36 months from
  recognition, so a valid_from other than the decision's date is an error (LIFECYCLE-ORDER before it,
  LIFECYCLE-START after it); the states below still read the dates as written.
- valid_to is the certificate's own date, else valid_from + 36 months on the same day of the month
  (clamped to the month's last day: 2024-02-29 → 2027-02-28). The certificate is valid up to and
  including valid_to; it is expired from the next day. days_left = valid_to − today (0 on the last day).
- States, first match wins: revoked (a revocation decision dated on or before the date names it);
  superseded (a later certificate with `supersedes:` is in force from its valid_from; when several
  name it, an error, every one is kept in Status.successors and `by` is the first in force); expired;
  expiring (0–30 days left: the issuer must notify the producer at least 30 days before the end);
  valid. `ocop expiry` also lists valid certificates up to 90 days ahead, for planning.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ocop.findings import Finding, make, rule
from ocop.model.registry import Record, Registry, as_list

VALIDITY_MONTHS = 36
NOTICE_DAYS = 30
PLANNING_DAYS = 90
STATES = ("valid", "expiring", "expired", "revoked", "superseded")
STATE_VI = {"valid": "còn hiệu lực", "expiring": "sắp hết hạn", "expired": "đã hết hạn",
            "revoked": "đã thu hồi", "superseded": "đã được thay thế"}
# "Đang được công nhận": the one definition the site's counts, charts, catalogue and badges use.
RECOGNISED = ("valid", "expiring")


def recognised(state: str) -> bool:
    """Whether a certificate in this state still carries its star (valid, or valid but expiring soon)."""
    return state in RECOGNISED


def rules_for_browser() -> dict[str, object]:
    """The thresholds the site's script (assets/state.js) recomputes states with: the same values as here."""
    return {"notice_days": NOTICE_DAYS, "validity_months": VALIDITY_MONTHS, "recognised": list(RECOGNISED)}

rule("LIFECYCLE-EXPIRED", "warning", "Chứng nhận đã hết hạn",
     "Chứng nhận quá 36 tháng (hoặc quá ngày valid_to) mà chưa được công nhận lại, nâng hạng hay thu hồi.",
     example="cn-…-2021-0001 hiệu lực đến 2024-10-15, hôm nay 2026-11-23",
     fix="Thêm quyết định công nhận lại (chứng nhận mới có supersedes) hoặc quyết định thu hồi.", family="lifecycle", fixed="quyết định công nhận lại: chứng nhận mới có supersedes: cn-…-2021-0001")
rule("LIFECYCLE-EXPIRING", "warning", "Chứng nhận sắp hết hạn",
     f"Còn {NOTICE_DAYS} ngày hoặc ít hơn: cơ quan cấp phải thông báo cho chủ thể để đánh giá lại.",
     example="hiệu lực đến 2026-12-10, hôm nay 2026-11-23 (còn 17 ngày)",
     fix="Thông báo cho chủ thể và tổ chức đánh giá lại; khi có quyết định, thêm chứng nhận mới có supersedes.",
     family="lifecycle", fixed="đánh giá lại trước 2026-12-10; chứng nhận mới có supersedes: cn-…")


def parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def vn_date(value: object) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write dates (a date or an ISO string; other text as it is)."""
    day = value if isinstance(value, dt.date) else parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ("" if value is None else str(value))


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month `months` later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:  # a date typed as 9999-12-31 (DECISION-FUTURE says so) must not crash
        return dt.date.max if months > 0 else dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_from(registry: Registry, cert: Record) -> dt.date | None:
    own = parse_date(cert.get("valid_from"))
    if own is not None:
        return own
    decision = registry.get("decision", cert.get("decision"))
    return parse_date(decision.get("date")) if decision else None


def valid_to(registry: Registry, cert: Record) -> dt.date | None:
    own = parse_date(cert.get("valid_to"))
    if own is not None:
        return own
    start = valid_from(registry, cert)
    return add_months(start, VALIDITY_MONTHS) if start else None


@dataclass
class Status:
    cert: Record
    state: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    days_left: int | None
    by: Record | None = None  # the revocation decision or the (first) superseding certificate in force
    successors: tuple[Record, ...] = ()  # every certificate superseding this one in force on the date

    def to_json(self, registry: Registry) -> dict:
        product = registry.get("product", self.cert.get("product"))
        return {
            "certificate": self.cert.id,
            "product": self.cert.get("product"),
            "product_name": product.get("name") if product else None,
            "province": self.cert.get("province"),
            "star": self.cert.get("star"),
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "state": self.state,
            "days_left": self.days_left,
            "by": self.by.id if self.by else None,
            "successors": [c.id for c in self.successors],
            "file": self.cert.path,
        }


def revocations(registry: Registry) -> dict[str, list[tuple[dt.date, Record]]]:
    """certificate id → every (date, revocation decision) naming it, oldest first."""
    out: dict[str, list[tuple[dt.date, Record]]] = {}
    for decision in registry.all("decision"):
        date = parse_date(decision.get("date"))
        if decision.get("type") != "revocation" or date is None:
            continue
        for entry in as_list(decision.get("entries")):
            if isinstance(entry, dict) and isinstance(entry.get("certificate"), str):
                out.setdefault(entry["certificate"], []).append((date, decision))
    for items in out.values():
        items.sort(key=lambda item: (item[0], item[1].id))
    return out


def status(registry: Registry, cert: Record, today: dt.date,
           revoked: dict[str, list[tuple[dt.date, Record]]] | None = None) -> Status:
    revoked = revocations(registry) if revoked is None else revoked
    start, end = valid_from(registry, cert), valid_to(registry, cert)
    days_left = (end - today).days if end else None
    base = Status(cert, "valid", start, end, days_left)
    for date, decision in revoked.get(cert.id, []):
        if date <= today:
            base.state, base.by = "revoked", decision
            return base
    in_force = tuple(c for start, c in successors(registry, cert) if start is not None and start <= today)
    if in_force:
        base.state, base.by, base.successors = "superseded", in_force[0], in_force
    elif days_left is not None and days_left < 0:
        base.state = "expired"
    elif days_left is not None and days_left <= NOTICE_DAYS:
        base.state = "expiring"
    return base


def successors(registry: Registry, cert: Record) -> list[tuple[dt.date | None, Record]]:
    """Every other certificate naming `cert` in `supersedes`, with its valid_from, earliest first.

    One is the normal case; more than one is an error (LIFECYCLE-SUPERSEDE-TWICE) and none of them
    is silently preferred: callers get them all."""
    found = [(valid_from(registry, c), c) for c in registry.superseded_by.get(cert.id, []) if c.id != cert.id]
    found.sort(key=lambda item: (item[0] or dt.date.max, item[1].id))
    return found


def statuses(registry: Registry, today: dt.date) -> list[Status]:
    revoked = revocations(registry)
    return [status(registry, cert, today, revoked) for cert in registry.all("certificate")]


def listing(registry: Registry, today: dt.date, within: int = PLANNING_DAYS, province: str | None = None,
            certificates: set[str] | None = None) -> list[Status]:
    """Certificates to act on: expired, expiring, or valid with at most `within` days left; soonest first."""
    out = []
    for s in statuses(registry, today):
        if province and s.cert.get("province") != province:
            continue
        if certificates is not None and s.cert.id not in certificates:
            continue
        if s.state in ("expired", "expiring") or (s.state == "valid" and s.days_left is not None
                                                   and s.days_left <= within):
            out.append(s)
    out.sort(key=lambda s: (s.days_left if s.days_left is not None else 0, s.cert.id))
    return out


def expiry_findings(registry: Registry, today: str | dt.date, paths: Iterable[str] | None = None) -> list[Finding]:
    """Warnings for expired/expiring certificates touched by a change, or in the provinces it touches.

    paths: repository-relative files changed by the pull request (None: every certificate).
    """
    day = today if isinstance(today, dt.date) else dt.date.fromisoformat(today)
    selected = _selected(registry, paths)
    findings = []
    for s in statuses(registry, day):
        if s.state not in ("expired", "expiring") or not selected(s.cert):
            continue
        findings.append(finding_for(s))
    findings.sort(key=Finding.sort_key)
    return findings


def _selected(registry: Registry, paths: Iterable[str] | None):
    if paths is None:
        return lambda cert: True
    paths = set(paths)
    provinces = {p.split("/")[1] for p in paths if p.startswith("registry/") and p.count("/") >= 2}
    provinces.discard("trung-uong")
    touched_products = {r.get("product") for r in _records_at(registry, paths) if r.kind == "certificate"}
    return lambda cert: (cert.path in paths or cert.get("province") in provinces
                         or cert.get("product") in touched_products)


def _records_at(registry: Registry, paths: set[str]) -> Iterator[Record]:
    for by_id in registry.records.values():
        for record in by_id.values():
            if record.path in paths:
                yield record


def finding_for(s: Status) -> Finding:
    # Point at the date that decides the end: valid_to, else valid_from, else the decision (its date).
    key = next((k for k in ("valid_to", "valid_from") if k in s.cert.data), "decision")
    line, column = s.cert.locate(key)
    end = s.valid_to.isoformat() if s.valid_to else "?"
    if s.state == "expired":
        return make("LIFECYCLE-EXPIRED", s.cert.path, line, column,
                    f"Chứng nhận {s.cert.id} ({s.cert.get('star')}★) hết hiệu lực từ sau ngày {end} "
                    f"({-(s.days_left or 0)} ngày trước).",
                    "Thêm quyết định công nhận lại (chứng nhận mới có supersedes) hoặc quyết định thu hồi.")
    return make("LIFECYCLE-EXPIRING", s.cert.path, line, column,
                f"Chứng nhận {s.cert.id} ({s.cert.get('star')}★) hết hiệu lực ngày {end}, còn {s.days_left} ngày.",
                "Thông báo cho chủ thể và tổ chức đánh giá lại trước ngày hết hạn.")
