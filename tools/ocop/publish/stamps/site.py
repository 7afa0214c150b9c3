"""What the site publishes for signed stamps: each certificate's stamp URL (signed at build time), the trust
list, the status lists, the GS1 Digital Link pages /01/<gtin>/ with their linksets, the resolver description
and the service worker that keeps the verify pages working offline."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ocop.check.cache import read_marshal, write_marshal
from ocop.model.gs1 import gtin14, gtin_valid
from ocop.model.keys import NATIONAL, PublicKey, keys_of
from ocop.publish.site.model import CertView, SiteModel, text
from ocop.publish.stamps import payload, status, trust
from ocop.publish.stamps.keys import Signer, signers

ASSETS = Path(__file__).resolve().parent / "assets"
TRUST_PATH = ".well-known/ocop-keys.json"
RESOLVER_PATH = ".well-known/gs1resolver"
SERVICE_WORKER = "ocop-sw.js"  # at the site root: its scope covers /xac-minh/ and /01/
GS1_VOC = "https://gs1.org/voc/"
_WORDS = re.compile(r"^(?:Ủy ban nhân dân|UBND)\s+(?:tỉnh|thành phố|Tỉnh|Thành phố)\s+")


@dataclass(frozen=True)
class Stamp:
    url: str  # what the QR code carries
    signed: bool
    claims: payload.Claims | None = None


@dataclass
class Stamps:
    keys: list[PublicKey]
    signers: dict[str, Signer]
    stamps: dict[str, Stamp] = field(default_factory=dict)  # certificate id → its stamp
    notes: list[str] = field(default_factory=list)

    @property
    def national(self) -> list[dict]:
        return trust.national_json(self.keys)


def issuer_short(decision: dict) -> str:
    """"UBND tỉnh Lào Cai" → "UBND Lào Cai": the stamp has room for few letters."""
    issuer = decision.get("issuer") if isinstance(decision.get("issuer"), dict) else {}
    name = text(issuer.get("name"))
    return _WORDS.sub("UBND ", name)


def claims_of(model: SiteModel, cert: CertView) -> payload.Claims | None:
    if cert.start is None or cert.end is None or cert.star is None:
        return None
    product = model.products.get(text(cert.record.get("product")))
    producer = product.producer.data if product and product.producer else {}
    decision = cert.decision.data if cert.decision else {}
    decided = decision.get("date")
    return payload.Claims(cert.id, product.name if product else "", text(producer.get("name")), cert.star,
                          cert.start, cert.end, issuer_short(decision), text(decision.get("number")),
                          dt.date.fromisoformat(decided) if isinstance(decided, str) and len(decided) == 10 else None)


def gtin_of(model: SiteModel, cert: CertView) -> str | None:
    product = model.products.get(text(cert.record.get("product")))
    gtin = product.record.get("gtin") if product else None
    return gtin if isinstance(gtin, str) and gtin_valid(gtin) else None


def gtin_products(model: SiteModel) -> dict[str, Any]:
    """GTIN-14 → product view, for products with a well-formed GTIN; a GTIN two products claim goes to the
    first by id (GTIN-CHECK reports the duplicate)."""
    out: dict[str, Any] = {}
    for pid in sorted(model.products):
        p = model.products[pid]
        gtin = p.record.get("gtin")
        if isinstance(gtin, str) and gtin_valid(gtin):
            out.setdefault(gtin14(gtin), p)
    return out


def prepare(model: SiteModel, environ: Mapping[str, str] | None = None, certs: set[str] | None = None,
            cache: Path | None = None) -> Stamps:
    """Sign every certificate's stamp with its province's key (`ocop build`'s "sign" step); only `certs`'
    when given (an incremental build renders only a few product pages). `cache`: stamps of earlier builds."""
    keys, notes = keys_of(model.registry)
    found, more = signers(keys, model.today, os.environ if environ is None else environ)
    out = Stamps(keys, found, notes=notes + more)
    signed = SignedCache.load(cache, out.notes)
    for cert in model.certs.values():
        if certs is None or cert.id in certs:
            out.stamps[cert.id] = stamp_of(model, cert, found, signed)
    signed.save(cache, prune=certs is None)
    return out


def stamp_of(model: SiteModel, cert: CertView, found: dict[str, Signer], signed: SignedCache) -> Stamp:
    gtin = gtin_of(model, cert)
    base = model.url(f"01/{gtin14(gtin)}" if gtin else f"xac-minh/{cert.id}")
    province = text(cert.record.get("province"))
    signer = found.get(province)
    claims = claims_of(model, cert)
    if signer is None or claims is None or province == NATIONAL:
        return Stamp(base, False)
    key = signed.key(signer.key.public, province, base + "#", claims)
    try:
        short, fragment = signed.get(key, claims) or payload.fit(claims, province, signer.key.kid, base + "#",
                                                                 signer.sign)
    except payload.PayloadError:  # an id not of its province's form, under a long site URL: left unsigned
        return Stamp(base, False)
    signed.put(key, short, fragment)
    return Stamp(f"{base}#{fragment}", True, short)


@dataclass
class SignedCache:
    """Stamps of earlier builds: Ed25519 signatures are deterministic (RFC 8032), so the same key, URL and
    claims give the same fragment byte for byte, and a build need not fit and sign 25,000 stamps again.

    Keyed by a hash of the public key (which fixes the private key the build checked against it), the
    province, the URL before the fragment, the claims, and payload.py's own bytes (how claims are shortened
    and encoded); an entry names its certificate, which must be the claims'. The file is the check caches'
    format (check/cache.py: magic and a BLAKE2b hash of the marshal data): a damaged or foreign file is
    named in the build's log and every stamp is signed again. Like all of build/, it is trusted as the build
    output is: whoever can write it can write the site."""

    known: dict[bytes, tuple[str, ...]] = field(default_factory=dict)
    used: dict[bytes, tuple[str, ...]] = field(default_factory=dict)

    @staticmethod
    def load(path: Path | None, notes: list[str] | None = None) -> SignedCache:
        stored = read_marshal(path) if path is not None else None
        if isinstance(stored, str):  # why it cannot be used: said, then ignored
            if notes is not None:
                notes.append(f"bộ nhớ đệm tem {path}: {stored}; ký lại mọi tem")
            return SignedCache()
        if stored is None or stored.pop(b"format", None) != _CACHE_FORMAT:
            return SignedCache()  # none yet, or made by other payload code: every stamp is signed again
        return SignedCache(stored)

    def save(self, path: Path | None, prune: bool) -> None:
        kept = self.used if prune else {**self.known, **self.used}  # pruned: only this build's certificates
        if path is None or kept == self.known:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_marshal(path, {b"format": _CACHE_FORMAT, **kept})

    @staticmethod
    def key(public: bytes, province: str, prefix: str, claims: payload.Claims) -> bytes:
        fields = [public, province, prefix, claims.certificate, claims.product, claims.producer, claims.star,
                  payload.days(claims.valid_from), payload.days(claims.valid_to), claims.issuer,
                  claims.decision_number, payload.days(claims.decision_date)]
        return hashlib.blake2b(marshal.dumps(fields), digest_size=16).digest()

    def get(self, key: bytes, claims: payload.Claims) -> tuple[payload.Claims, str] | None:
        entry = self.known.get(key)
        if not (isinstance(entry, tuple) and len(entry) == 6 and all(isinstance(x, str) for x in entry)):
            return None
        certificate, fragment, product, producer, issuer, number = entry
        if certificate != claims.certificate:
            return None
        return replace(claims, product=product, producer=producer, issuer=issuer, decision_number=number), fragment

    def put(self, key: bytes, short: payload.Claims, fragment: str) -> None:
        self.used[key] = (short.certificate, fragment, short.product, short.producer, short.issuer,
                          short.decision_number)


_CACHE_FORMAT = hashlib.blake2b(Path(payload.__file__).read_bytes(), digest_size=16).digest()


def stamp_svg(qr: str, signed: bool) -> str:
    """The printable stamp: the QR code and, under it, whether it carries a signature ("CHƯA KÝ" when not)."""
    size = int(qr.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])
    label = "OCOP · có chữ ký số" if signed else "OCOP · CHƯA KÝ"
    body = qr.split(">", 1)[1].rsplit("</svg>", 1)[0]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 5}" role="img" '
            f'aria-label="Tem OCOP: {label}"><rect width="{size}" height="{size + 5}" fill="#fff"/>{body}'
            f'<text x="{size / 2}" y="{size + 3}" font-size="3" text-anchor="middle" font-family="sans-serif">{label}</text></svg>')


# ---- files ---------------------------------------------------------------------------------------

def write(model: SiteModel, stamps: Stamps, dest: Path) -> None:
    """The trust list, status lists, resolver description, /01/ linksets and the service worker under dest
    (the folder merged into the built site, so that MkDocs never sees the dot-folder)."""
    names = {slug: name for slug, name in model.province_names.items()}
    national = stamps.signers.get(NATIONAL)
    _json(dest / TRUST_PATH, trust.build(stamps.keys, names, model.today, national))
    status_lists(model, dest)
    _json(dest / RESOLVER_PATH, resolver_description(model))
    shutil.copyfile(ASSETS / "ocop-sw.js", dest / SERVICE_WORKER)


def _json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def status_of_cert(cert: CertView) -> str:
    return cert.state if cert.state in ("revoked", "superseded") else "valid"


def status_lists(model: SiteModel, dest: Path) -> None:
    per_province: dict[str, dict[int, int]] = {slug: {} for slug in model.province_names if slug != NATIONAL}
    for cert in model.certs.values():
        place = status.index_of(cert.id)
        if place and place[0] in per_province:
            code = status.CODES[status_of_cert(cert)]
            if code:
                per_province[place[0]][place[1]] = code
    for slug, statuses in per_province.items():
        url = model.url(f"api/v1/status/{slug}.json")
        _json(dest / "api" / "v1" / "status" / f"{slug}.json", status.credential(url, model.url(""), statuses, model.today))


def resolver_description(model: SiteModel) -> dict:
    """/.well-known/gs1resolver (GS1-Conformant Resolver 1.2): this static site resolves GTINs (AI 01)."""
    return {
        "name": "Sổ đăng ký OCOP",
        "resolverRoot": model.site_url.rstrip("/"),
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedContextValuesEnumerated": [],
        "validatingSchema": "https://ref.gs1.org/standards/resolver/1.2.0/description-file-schema",
    }


def linkset(model: SiteModel, gtin: str, product_id: str, name: str, cert_id: str | None) -> dict:
    """RFC 9264 linkset of one GTIN: gs1:pip the product page, gs1:certificationInfo its verify page."""
    anchor = model.url(f"01/{gtin14(gtin)}")
    links: dict[str, Any] = {"anchor": anchor, "description": name}
    pip = [{"href": model.url(f"san-pham/{product_id}/"), "title": name, "type": "text/html", "hreflang": ["vi"]}]
    links[GS1_VOC + "pip"] = pip
    links[GS1_VOC + "defaultLink"] = pip
    if cert_id:
        links[GS1_VOC + "certificationInfo"] = [{"href": model.url(f"xac-minh/{cert_id}/"), "title": f"Giấy chứng nhận OCOP {cert_id}",
                                                 "type": "text/html", "hreflang": ["vi"]}]
    return {"linkset": [links]}
