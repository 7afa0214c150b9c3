"""`ocop export ocop-vn`: the registry's products in the national OCOP system's product JSON, so that the national
database (ocopvietnam.gov.vn) can be kept current from the registry.

One object per product whose certificate is in force on the date (valid or expiring), in the shape the
national system publishes: `name`, `ocop_star`, `description`, `story`, `ocop_certificate_number` (the number of
the recognition decision), `issued_on`, `expiry_date`, `manufacturer{name, representative, address,
phone_number, email}`, `type` (from the product's group: domain/data/national-types.yaml). A product whose
certificate ended or was revoked is left out: the national database removes what the list no longer holds.
`ocop import ocop-vn` reads the same shape back.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ocop.domain import national
from ocop.model.registry import Record, Registry
from ocop.publish.export_xlsx import IN_FORCE, Facts
from ocop.publish.site.model import address_line


def products(registry: Registry, today: dt.date, province: str | None = None) -> list[dict[str, Any]]:
    facts = Facts(registry, today)
    out = []
    for product in sorted(registry.all("product"), key=lambda r: r.id):
        if province and product.get("province") != province:
            continue
        current = facts.current(product)
        if current is None or current.state not in IN_FORCE:
            continue
        out.append(_product(registry, product, current.cert, current.valid_from, current.valid_to))
    return out


def _product(registry: Registry, product: Record, cert: Record, valid_from: dt.date | None,
             valid_to: dt.date | None) -> dict[str, Any]:
    decision = registry.get("decision", cert.get("decision"))
    producer = registry.get("producer", product.get("producer"))
    classification = product.get("classification") if isinstance(product.get("classification"), dict) else {}
    return {
        "name": product.get("name"),
        "ocop_star": cert.get("star"),
        "description": product.get("description"),
        "story": product.get("story"),
        "ocop_certificate_number": decision.get("number") if decision else None,
        "issued_on": (decision.get("date") if decision else None) or _iso(valid_from),
        "expiry_date": _iso(valid_to),
        "manufacturer": _manufacturer(producer),
        "type": national.type_of(str(classification.get("group")), str(classification.get("criteria_set"))),
    }


def _manufacturer(producer: Record | None) -> dict[str, Any]:
    if producer is None:
        return {"name": None, "representative": None, "address": None, "phone_number": None, "email": None}
    representative = producer.get("representative") if isinstance(producer.get("representative"), dict) else {}
    contacts = producer.get("contacts") if isinstance(producer.get("contacts"), dict) else {}
    return {"name": producer.get("name"), "representative": representative.get("name"),
            "address": address_line(producer.get("address")) or None,
            "phone_number": contacts.get("phone"), "email": contacts.get("email")}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def write(registry: Registry, out: Path, today: dt.date, province: str | None = None) -> tuple[Path, int]:
    """The JSON file (UTF-8, sorted by product id, the same bytes for the same registry and date)."""
    items = products(registry, today, province)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(items, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out, len(items)
