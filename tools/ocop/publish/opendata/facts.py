"""The facts the registry works out from a record, as of the build date: what the API and the dumps add.

States and effective dates come from the site model, which takes them from `domain.lifecycle` (one
implementation for `ocop expiry`, the pages and this). Everything here is plain JSON-ready data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocop.model.layout import KINDS
from ocop.model.registry import Record
from ocop.publish.opendata.history import History
from ocop.publish.site.model import SAFE_ID, CertView, SiteModel, text

# kind → URL folder of its API files and of its dump files (English plurals: an API other systems read)
PLURAL = {"producer": "producers", "product": "products", "decision": "decisions", "certificate": "certificates",
          "evaluation": "evaluations", "plan": "plans"}
# kind → the site's HTML page of a record (evaluations are shown on their product's page)
HTML_FOLDER = {"producer": "chu-the", "product": "san-pham", "decision": "quyet-dinh", "certificate": "xac-minh",
               "plan": "ke-hoach"}
API = "api/v1"
ACTIVE = ("valid", "expiring")


@dataclass
class Links:
    model: SiteModel

    def api(self, kind: str, record_id: str) -> str:
        return self.model.url(f"{API}/{PLURAL[kind]}/{record_id}.json")

    def html(self, kind: str, record_id: str) -> str | None:
        folder = HTML_FOLDER.get(kind)
        return self.model.url(f"{folder}/{record_id}/") if folder else None

    def ref(self, kind: str, record_id: Any) -> str | None:
        """The API URL of a referenced record, only if it exists (a dangling id is not a link)."""
        if isinstance(record_id, str) and self.model.registry.get(kind, record_id) is not None and SAFE_ID.match(record_id):
            return self.api(kind, record_id)
        return None


def iso(day: Any) -> str | None:
    return day.isoformat() if day is not None else None


def issuer_of(decision: Record | None) -> dict | None:
    issuer = decision.get("issuer") if decision else None
    return issuer if isinstance(issuer, dict) else None


def province_of(model: SiteModel, record: Record) -> str:
    """The province folder a record is listed under (a certificate of a central decision: its product's)."""
    return text(record.get("province"))


def certificate_facts(model: SiteModel, cert: CertView) -> dict[str, Any]:
    product = model.products.get(text(cert.record.get("product")))
    revocation = cert.revocation[0] if cert.revocation and cert.state == "revoked" else None
    return {
        "state": cert.state,
        "state_label": cert.state_label,
        "valid_from": iso(cert.start),
        "valid_to": iso(cert.end),
        "days_left": (cert.end - model.today).days if cert.end else None,
        "star": cert.star,
        "issuer": issuer_of(cert.decision),
        "decision_number": text(cert.decision.get("number")) if cert.decision else None,
        "decision_date": text(cert.decision.get("date")) if cert.decision else None,
        "superseded_by": [c.id for c in cert.successors],
        "revoked_by": revocation.id if revocation else None,
        "current": bool(product and product.current is cert),
        "province_name": model.province_names.get(province_of(model, cert.record), ""),
    }


def product_facts(model: SiteModel, record: Record) -> dict[str, Any]:
    view = model.products.get(record.id)
    current = view.current if view else None
    registry = model.registry
    return {
        "state": current.state if current else "none",
        "star": current.star if current and current.state in ACTIVE else None,
        "last_star": current.star if current else None,
        "current_certificate": current.id if current else None,
        "valid_from": iso(current.start) if current else None,
        "valid_to": iso(current.end) if current else None,
        "issuer": issuer_of(current.decision) if current else None,
        "certificates": [c.id for c in view.certs] if view else [],
        "evaluations": sorted(e.id for e in registry.evaluations_of_product.get(record.id, [])),
        "producer_name": text(view.producer.get("name")) if view and view.producer else None,
        "province_name": model.province_names.get(province_of(model, record), ""),
    }


def producer_facts(model: SiteModel, record: Record) -> dict[str, Any]:
    products = sorted(p.id for p in model.registry.products_of_producer.get(record.id, []))
    active = [pid for pid in products if pid in model.products and model.products[pid].state in ACTIVE]
    return {"products": products, "certified_products": active,
            "province_name": model.province_names.get(province_of(model, record), "")}


def decision_facts(model: SiteModel, record: Record) -> dict[str, Any]:
    entries = [e for e in (record.get("entries") or []) if isinstance(e, dict)]
    return {"issuer": issuer_of(record), "entries": len(entries),
            "certificates": sorted({text(e.get("certificate")) for e in entries if e.get("certificate")}),
            "province_name": model.province_names.get(province_of(model, record), "")}


def evaluation_facts(model: SiteModel, record: Record) -> dict[str, Any]:
    return {"province_name": model.province_names.get(province_of(model, record), "")}


def plan_facts(model: SiteModel, record: Record) -> dict[str, Any]:
    return {"issuer": issuer_of(record), "province_name": model.province_names.get(province_of(model, record), "")}


def derived(model: SiteModel, record: Record) -> dict[str, Any]:
    if record.kind == "certificate":
        return certificate_facts(model, model.certs[record.id])
    return {"product": product_facts, "producer": producer_facts, "decision": decision_facts,
            "evaluation": evaluation_facts, "plan": plan_facts}[record.kind](model, record)


def related(links: Links, record: Record, facts: dict[str, Any]) -> dict[str, Any]:
    """API links to the records this one names or is named by (only those that exist)."""
    out: dict[str, Any] = {}
    for key, kind in (("producer", "producer"), ("product", "product"), ("decision", "decision"),
                      ("evaluation", "evaluation"), ("supersedes", "certificate")):
        url = links.ref(kind, record.get(key))
        if url:
            out[key] = url
    for key, kind in (("certificates", "certificate"), ("evaluations", "evaluation"), ("products", "product"),
                      ("superseded_by", "certificate")):
        urls = [u for u in (links.ref(kind, i) for i in facts.get(key) or []) if u]
        if urls:
            out[key] = urls
    for key, kind in (("current_certificate", "certificate"), ("revoked_by", "decision")):
        url = links.ref(kind, facts.get(key))
        if url:
            out[key] = url
    return out


def document(model: SiteModel, links: Links, history: History, record: Record) -> dict[str, Any]:
    """One record's API file: the record as written, its derived facts, when it changed and its links."""
    facts = derived(model, record)
    return {
        "as_of": model.today.isoformat(),
        "kind": record.kind,
        "id": record.id,
        "modified": history.of(record.path),
        "record": record.data,
        "derived": facts,
        "links": {"self": links.api(record.kind, record.id), "html": links.html(record.kind, record.id),
                  "related": related(links, record, facts)},
    }


def publishable(model: SiteModel, kind: str) -> list[Record]:
    """Records whose id can become a path (the site skips the others too), sorted by id."""
    if kind == "certificate":
        return sorted((c.record for c in model.certs.values()), key=lambda r: r.id)
    # an id shaped like "page-2" would overwrite an index page (ID-PREFIX warns about such ids anyway)
    return sorted((r for r in model.registry.all(kind) if SAFE_ID.match(r.id) and not r.id.startswith("page-")),
                  key=lambda r: r.id)


def summary(record: Record, facts: dict[str, Any], doc_links: dict[str, Any], modified: str | None) -> dict[str, Any]:
    """A record's line in an index: enough to choose what to fetch."""
    out: dict[str, Any] = {"id": record.id, "province": text(record.get("province")), "modified": modified,
                           "url": doc_links["self"], "html": doc_links["html"]}
    name = record.get("name") or record.get("title") or record.get("number")
    out["name"] = text(name) if name is not None else None
    if record.kind in ("product", "certificate"):
        out["state"] = facts["state"]
        out["star"] = facts["star"]
    return out


__all__ = ["KINDS", "PLURAL", "Links", "document", "publishable", "summary"]
