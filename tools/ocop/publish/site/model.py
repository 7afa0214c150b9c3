"""View models: what the pages show, computed once from the Registry for a given build date."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ocop.domain import lifecycle
from ocop.model import labels, units
from ocop.model.registry import Record, Registry

SAFE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # ids become paths: never trust one that is not a slug


@dataclass
class CertView:
    record: Record
    start: dt.date | None
    end: dt.date | None
    state: str
    decision: Record | None
    successors: tuple[Record, ...]  # all of them: two is an error, shown as such rather than one picked
    revocation: tuple[Record, dict] | None
    facts: dict[str, Any] = field(default_factory=dict)  # what assets/state.js recomputes the state from
    today: dt.date | None = None  # the build date the state above holds at

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def star(self) -> int | None:
        star = self.record.get("star")
        return star if isinstance(star, int) else None

    @property
    def state_label(self) -> str:
        return labels.STATES.get(self.state, self.state)

    @functools.cached_property
    def facts_json(self) -> Markup:
        """`facts` as Jinja's `tojson` writes them into a data-ocop-cert attribute, serialised once: a product
        page shows its current certificate's two or three times, and province lists show it again."""
        return htmlsafe_json_dumps(self.facts, sort_keys=True)

    @property
    def recognised(self) -> bool:
        return lifecycle.recognised(self.state)

    @property
    def sentence(self) -> str:
        """The state in words that cannot be misread; assets/state.js writes the same from `facts`."""
        return state_sentence(self.state, self.facts, self.today)


@dataclass
class ProductView:
    record: Record
    producer: Record | None
    certs: list[CertView]
    province_name: str
    legacy_province: tuple[str, str] | None  # (2004 code, name) for records addressed in a pre-2025 province

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return text(self.record.get("name"))

    @property
    def current(self) -> CertView | None:
        """The newest certificate: the one a buyer's star refers to."""
        return self.certs[-1] if self.certs else None

    @property
    def state(self) -> str:
        return self.current.state if self.current else "none"

    @property
    def recognised(self) -> bool:
        return bool(self.current and self.current.recognised)

    @property
    def star(self) -> int | None:
        return self.current.star if self.current else None

    @property
    def year(self) -> int | None:
        return self.current.start.year if self.current and self.current.start else None

    @property
    def group(self) -> str:
        classification = self.record.get("classification") or {}
        return text(classification.get("group"))


@dataclass(frozen=True)
class Agency:
    """A province's OCOP standing agency as registry/provinces.yaml names it (contacts may be samples)."""

    name: str
    phone: str = ""
    email: str = ""
    sample: bool = False

    @classmethod
    def of(cls, data: Any) -> Agency | None:
        if not isinstance(data, dict) or not text(data.get("name")):
            return None
        email = text(data.get("email"))
        return cls(text(data.get("name")), text(data.get("phone")),
                   email if re.fullmatch(r"[^@\s<>\"'`]+@[^@\s<>\"'`]+", email) else "", data.get("sample") is True)

    @property
    def tel(self) -> str:
        """The phone number as a tel: URI (digits and a leading +), or "" when it has no digits."""
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return "tel:" + digits if re.search(r"[0-9]", digits) else ""


@dataclass
class SiteModel:
    registry: Registry
    today: dt.date
    site_url: str
    products: dict[str, ProductView] = field(default_factory=dict)
    certs: dict[str, CertView] = field(default_factory=dict)
    province_names: dict[str, str] = field(default_factory=dict)  # slug → name
    province_by_code: dict[str, str] = field(default_factory=dict)  # 2025 code → slug
    sample: bool = False
    agencies: dict[str, Agency] = field(default_factory=dict)  # slug → the province's OCOP standing agency
    national_agency: str = ""
    report_url: str = ""  # where the public reports a fake stamp or wrong data (an issue form)
    progress_data: Any = None  # documents.progress input, built once for all plan pages

    def url(self, path: str) -> str:
        """Canonical absolute URL of a site path (what the QR code carries)."""
        return self.site_url.rstrip("/") + "/" + path.lstrip("/")

    def products_of_province(self) -> dict[str, list[ProductView]]:
        out: dict[str, list[ProductView]] = defaultdict(list)
        for product in self.products.values():
            out[text(product.record.get("province"))].append(product)
        return out


def text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def build(registry: Registry, today: dt.date, site_url: str) -> SiteModel:
    model = SiteModel(registry, today, site_url)
    for p in registry.provinces:
        if isinstance(p, dict) and isinstance(p.get("slug"), str):
            model.province_names[p["slug"]] = text(p.get("name"))
            model.province_by_code[text(p.get("code"))] = p["slug"]
            agency = Agency.of(p.get("agency"))
            if agency:
                model.agencies[p["slug"]] = agency
    top = registry.provinces_doc.data if registry.provinces_doc and isinstance(registry.provinces_doc.data, dict) else {}
    model.national_agency = text(top.get("national_agency"))
    report = text(top.get("report_url"))
    model.report_url = report if re.match(r"^https://[^\s<>\"'`]+$", report) else ""
    model.province_names.setdefault("trung-uong", "Trung ương")
    revoked = lifecycle.revocations(registry)
    for cert in registry.all("certificate"):
        if SAFE_ID.match(cert.id):
            model.certs[cert.id] = _cert_view(registry, cert, today, revoked)
    for product in registry.all("product"):
        if SAFE_ID.match(product.id):
            model.products[product.id] = _product_view(model, product)
    model.sample = any(r.get("sample") is True for kind in registry.records.values() for r in kind.values())
    return model


def _cert_view(registry: Registry, cert: Record, today: dt.date, revoked: dict) -> CertView:
    """State, dates and links of one certificate; the rules themselves live in ocop.lifecycle."""
    status = lifecycle.status(registry, cert, today, revoked)
    followers = lifecycle.successors(registry, cert)
    return CertView(cert, status.valid_from, status.valid_to, status.state,
                    registry.get("decision", cert.get("decision")),
                    tuple(c for _start, c in followers), registry.revoked_by.get(cert.id),
                    cert_facts(cert, status, followers, revoked.get(cert.id, [])), today)


def cert_facts(cert: Record, status: lifecycle.Status, followers: list[tuple[dt.date | None, Record]],
               revocations: list[tuple[dt.date, Record]]) -> dict[str, Any]:
    """Dates and decisions a certificate's state follows from, as JSON for the browser (assets/state.js).

    The browser recomputes the state on every visit, so a page built months ago never says "valid" for
    a certificate that has since ended; the order of the checks is lifecycle.status's."""
    return {
        "id": cert.id,
        "from": status.valid_from.isoformat() if status.valid_from else None,
        "to": status.valid_to.isoformat() if status.valid_to else None,
        "revoked": [{"date": day.isoformat(), "number": text(decision.get("number")), "id": decision.id,
                     "reason": revocation_reason(decision, cert.id)} for day, decision in revocations],
        "successors": [{"from": start.isoformat(), "id": c.id} for start, c in followers if start is not None],
    }


def revocation_reason(decision: Record, cert_id: str) -> str:
    """The grounds of a revocation for one certificate, in words, with the decision's note when it has one."""
    for entry in decision.get("entries") or []:
        if isinstance(entry, dict) and entry.get("certificate") == cert_id:
            grounds = labels.label(labels.GROUNDS, entry.get("grounds"))
            note = text(entry.get("note"))
            return f"{grounds}: {note}" if grounds and note else grounds or note
    return ""


def state_sentence(state: str, facts: dict[str, Any], today: dt.date | None) -> str:
    """"Còn hiệu lực đến 28/11/2028", "Đã hết hạn ngày 20/11/2022", "Bị thu hồi ngày … theo Quyết định … — lý do: …"."""
    end = vdate(facts.get("to")) if facts.get("to") else ""
    if state == "revoked":
        day = today.isoformat() if today else "9999-12-31"
        hit = [r for r in facts.get("revoked", []) if r["date"] <= day] or facts.get("revoked", [])
        if hit:
            r = hit[0]
            return (f"Bị thu hồi ngày {vdate(r['date'])} theo Quyết định {r['number']}"
                    + (f" — lý do: {r['reason']}" if r["reason"] else ""))
        return "Bị thu hồi"
    if state == "superseded":
        nxt = facts.get("successors") or [{}]
        return (f"Đã được thay thế từ ngày {vdate(nxt[0].get('from'))} bởi giấy chứng nhận {nxt[0].get('id', '')}"
                if nxt[0] else "Đã được thay thế")
    if state == "expired":
        return f"Đã hết hạn ngày {end}"
    if state == "expiring":
        left = (lifecycle.parse_date(facts.get("to")) - today).days if today and facts.get("to") else None
        return f"Sắp hết hạn: còn hiệu lực đến {end}" + (f" (còn {left} ngày)" if left else
                                                          " (hôm nay là ngày cuối)" if left == 0 else "")
    if state == "valid":
        return f"Còn hiệu lực đến {end}" if end else "Còn hiệu lực"
    return labels.STATES.get(state, state)


def _product_view(model: SiteModel, product: Record) -> ProductView:
    registry = model.registry
    certs = [model.certs[c.id] for c in registry.certificates_of_product.get(product.id, []) if c.id in model.certs]
    certs.sort(key=lambda c: (c.start or dt.date.min, c.id))
    slug = text(product.get("province"))
    return ProductView(product, registry.get("producer", product.get("producer")), certs,
                       model.province_names.get(slug, slug), legacy_province(product.get("address")))


def legacy_province(address: Any) -> tuple[str, str] | None:
    province = address.get("province") if isinstance(address, dict) else None
    if isinstance(province, dict) and province.get("version") == "2004":
        return text(province.get("code")), text(province.get("name"))
    return None


def address_line(address: Any) -> str:
    """Street, ward, district, province as written in the record (names of the units at the time)."""
    if not isinstance(address, dict):
        return ""
    parts = [text(address.get("street"))]
    for key in ("ward", "district", "province"):
        unit = address.get(key)
        if isinstance(unit, dict):
            parts.append(text(unit.get("name")))
    return ", ".join(p for p in parts if p)


def place_names(address: Any) -> list[str]:
    """The address's ward, district and province names, as written and in the other code list.

    A 2004 address adds the 2025 wards and province it went into; a 2025 ward adds the 2004 wards it was
    formed from, their districts and provinces. So "Đắk Nông" finds a product addressed in today's Lâm Đồng
    and "Lâm Đồng" one addressed in 2024's Đắk Nông; a whole province's old names are never added to
    every ward of it (that would make "Đắk Nông" find all of Lâm Đồng)."""
    if not isinstance(address, dict):
        return []
    found: list[units.Unit | None] = []
    for key in ("ward", "district", "province"):
        ref = address.get(key)
        unit = units.resolve(ref) if isinstance(ref, dict) else None
        found.append(unit)
        if unit is None:
            continue
        if unit.version == "2004" and unit.level == "ward":
            found.extend(units.successors(unit.code))
        elif unit.version == "2025" and unit.level == "ward":
            for old in units.predecessors(unit.code):
                found.extend([old, units.legacy_district_of(old.code), units.lookup("province", old.province_code, "2004")])
        if unit.version == "2004" and unit.level == "province":
            code = units.rolls_up_to(address.get("ward") if isinstance(address.get("ward"), dict) else ref)
            found.append(units.lookup("province", code, "2025") if code else None)
    names = [text(address.get(k, {}).get("name")) for k in ("ward", "district", "province")
             if isinstance(address.get(k), dict)]
    names += [u.name for u in found if u is not None]
    return list(dict.fromkeys(n for n in names if n))


def current_province_of(model: SiteModel, unit: Any) -> str | None:
    """Slug of the 2025 province a (possibly legacy) unit belongs to now."""
    if not isinstance(unit, dict):
        return None
    try:
        code = units.rolls_up_to(unit)
    except (ValueError, KeyError, TypeError):
        return None
    return model.province_by_code.get(code) if code else None


def vdate(value: Any) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write dates (the templates' filter)."""
    if isinstance(value, str | dt.date):  # a few thousand distinct dates, written ~200,000 times at 20k products
        return _vdate(value)
    return text(value)


@functools.lru_cache(maxsize=65536)
def _vdate(value: str | dt.date) -> str:
    return lifecycle.vn_date(value) if isinstance(value, dt.date) or lifecycle.parse_date(value) else text(value)

