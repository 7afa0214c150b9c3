"""schema.org JSON-LD for record pages: a Product with its certifications, an Organization for a producer.

The text goes inside <script type="application/ld+json">, where HTML escaping does not apply: `<`, `>`
and `&` are written as JSON \\u escapes (and U+2028/2029 too), so no record value can close the script.
"""

from __future__ import annotations

import json
from typing import Any

from ocop.model.registry import Record
from ocop.publish.site.model import CertView, ProductView, SiteModel, address_line, text

SCHEMA = "https://schema.org"
# our states → schema.org CertificationStatusEnumeration
STATUS = {"valid": "CertificationActive", "expiring": "CertificationActive", "expired": "CertificationInactive",
          "revoked": "CertificationInactive", "superseded": "CertificationInactive"}
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """JSON that is safe verbatim inside a <script> element."""
    out = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _UNSAFE.items():
        out = out.replace(char, escaped)
    return out


def _organization(issuer: Any) -> dict[str, Any] | None:
    if not isinstance(issuer, dict) or not text(issuer.get("name")):
        return None
    return {"@type": "GovernmentOrganization", "name": text(issuer.get("name"))}


def certification(model: SiteModel, cert: CertView) -> dict[str, Any]:
    decision = cert.decision.data if cert.decision else {}
    out: dict[str, Any] = {
        "@type": "Certification", "@id": model.url(f"xac-minh/{cert.id}/"), "url": model.url(f"xac-minh/{cert.id}/"),
        "name": f"OCOP {cert.star} sao" if cert.star else "OCOP",
        "identifier": cert.id,
        "certificationStatus": f"{SCHEMA}/{STATUS.get(cert.state, 'CertificationInactive')}",
    }
    if text(decision.get("number")):
        out["certificationIdentification"] = text(decision.get("number"))
    issuer = _organization(decision.get("issuer"))
    if issuer:
        out["issuedBy"] = issuer
    if cert.start:
        out["validFrom"] = cert.start.isoformat()
    if cert.end:
        out["expires"] = cert.end.isoformat()
    if cert.star:
        out["certificationRating"] = {"@type": "Rating", "ratingValue": cert.star, "bestRating": 5, "worstRating": 3}
    return out


def _address(address: Any) -> dict[str, Any] | None:
    if not isinstance(address, dict):
        return None
    province = address.get("province") if isinstance(address.get("province"), dict) else {}
    return {"@type": "PostalAddress", "streetAddress": address_line(address),
            "addressRegion": text(province.get("name")), "addressCountry": "VN"}


def product(model: SiteModel, view: ProductView) -> str:
    r = view.record
    data: dict[str, Any] = {
        "@context": SCHEMA, "@type": "Product", "@id": model.url(f"san-pham/{view.id}/"),
        "url": model.url(f"san-pham/{view.id}/"), "name": view.name, "productID": view.id,
        "description": text(r.get("description")),
        "hasCertification": [certification(model, c) for c in reversed(view.certs)],
    }
    if view.producer is not None:
        data["manufacturer"] = {"@type": "Organization", "@id": model.url(f"chu-the/{view.producer.id}/"),
                                "name": text(view.producer.get("name"))}
    return script_json(data)


def producer(model: SiteModel, record: Record) -> str:
    data: dict[str, Any] = {
        "@context": SCHEMA, "@type": "Organization", "@id": model.url(f"chu-the/{record.id}/"),
        "url": model.url(f"chu-the/{record.id}/"), "name": text(record.get("name")), "identifier": record.id,
    }
    if text(record.get("tax_code")):
        data["taxID"] = text(record.get("tax_code"))
    address = _address(record.get("address"))
    if address:
        data["address"] = address
    contacts = record.get("contacts") if isinstance(record.get("contacts"), dict) else {}
    if text(contacts.get("phone")):
        data["telephone"] = text(contacts.get("phone"))
    products = model.registry.products_of_producer.get(record.id, [])
    if products:
        data["makesOffer"] = [{"@type": "Offer", "itemOffered": {"@id": model.url(f"san-pham/{p.id}/")}}
                              for p in sorted(products, key=lambda p: p.id)]
    return script_json(data)
