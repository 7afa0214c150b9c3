"""The trust list /.well-known/ocop-keys.json: every province's public keys and their validity, signed by
the national key as a JWS in flattened JSON serialization (RFC 7515 §7.2.2, alg EdDSA).

A verifier pins the national public keys (the verify page carries them) and accepts a province key only
from a trust list whose signature one of them verifies: a copy of the site elsewhere cannot add a key.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from ocop.model.keys import NATIONAL, PublicKey, b64u, unb64u
from ocop.publish.stamps.keys import Signer, verify_key


class TrustError(ValueError):
    """The trust list cannot be used (Vietnamese message)."""


@dataclass(frozen=True)
class Entry:
    key: PublicKey
    name: str  # who signs with it, as the verify page names them


def signer_name(province_name: str) -> str:
    """"Thành phố Hà Nội" → "UBND thành phố Hà Nội" (how an issuing authority is written)."""
    if not province_name:
        return ""
    return "UBND " + province_name[0].lower() + province_name[1:]


def entry_json(entry: Entry) -> dict:
    k = entry.key
    return {"kid": k.kid, "province": k.province, "name": entry.name, "alg": "EdDSA", "crv": "Ed25519",
            "public_key": b64u(k.public), "valid_from": k.valid_from.isoformat(), "valid_to": k.valid_to.isoformat(),
            "test": k.test}


def national_json(keys: list[PublicKey]) -> list[dict]:
    """The national keys a verifier pins (the verify page's copy)."""
    return [{"kid": k.kid, "public_key": b64u(k.public), "valid_from": k.valid_from.isoformat(),
             "valid_to": k.valid_to.isoformat(), "test": k.test} for k in keys if k.province == NATIONAL]


def build(keys: list[PublicKey], names: dict[str, str], issued: dt.date, national: Signer | None) -> dict:
    """The trust list document; unsigned ("signature": null) when no national private key is at hand."""
    entries = [entry_json(Entry(k, signer_name(names.get(k.province, k.province))))
               for k in sorted(keys, key=lambda k: (k.province, k.valid_from, k.kid)) if k.province != NATIONAL]
    body = json.dumps({"type": "ocop-trust-list", "version": 1, "issued": issued.isoformat(), "keys": entries},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    payload = b64u(body)
    if national is None:
        return {"protected": None, "payload": payload, "signature": None}
    protected = b64u(json.dumps({"alg": "EdDSA", "kid": national.key.kid}, separators=(",", ":")).encode())
    signature = national.sign(f"{protected}.{payload}".encode("ascii"))
    return {"protected": protected, "payload": payload, "signature": b64u(signature)}


def verify(document: dict, pinned: list[PublicKey], today: dt.date) -> dict[str, Entry]:
    """The province keys of a trust list whose JWS signature a pinned national key valid today verifies."""
    if not isinstance(document, dict) or not document.get("signature") or not document.get("protected"):
        raise TrustError("danh sách khóa tin cậy chưa được ký bằng khóa quốc gia")
    try:
        header = json.loads(unb64u(document["protected"]))
        national = next(k for k in pinned if k.kid == header.get("kid"))
    except (ValueError, StopIteration, TypeError, AttributeError) as err:
        raise TrustError("danh sách khóa tin cậy không do khóa quốc gia ký") from err
    if not national.valid_on(today):
        raise TrustError("khóa quốc gia ký danh sách khóa tin cậy đã hết hạn")
    try:
        verify_key(national.public).verify(unb64u(document["signature"]),
                                           f"{document['protected']}.{document['payload']}".encode("ascii"))
        body = json.loads(unb64u(document["payload"]))
    except (InvalidSignature, ValueError, TypeError) as err:
        raise TrustError("chữ ký của danh sách khóa tin cậy không hợp lệ") from err
    return {e["kid"]: _entry(e) for e in body.get("keys", []) if isinstance(e, dict)}


def _entry(e: dict) -> Entry:
    key = PublicKey(e["province"], e["kid"], unb64u(e["public_key"]), dt.date.fromisoformat(e["valid_from"]),
                    dt.date.fromisoformat(e["valid_to"]), e.get("test") is True)
    return Entry(key, e.get("name", ""))
