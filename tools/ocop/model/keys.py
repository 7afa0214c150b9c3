"""The public keys that sign stamps: registry/keys/<province>.yaml read into typed entries.

A key id (kid) is the first 4 bytes of SHA-256 over the raw 32-byte Ed25519 public key, as 8 hex digits:
short enough for a stamp's QR code, and recomputed here so a record cannot claim another key's id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from ocop.model.registry import Registry

NATIONAL = "trung-uong"  # the national key signs the trust list; provinces' keys sign certificates


@dataclass(frozen=True)
class PublicKey:
    province: str
    kid: str
    public: bytes  # raw 32-byte Ed25519 public key
    valid_from: dt.date
    valid_to: dt.date
    test: bool = False
    test_private: bytes | None = None  # only for TEST keys of the sample registry

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def kid_of(public: bytes) -> str:
    return hashlib.sha256(public).digest()[:4].hex()


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def keys_of(registry: Registry) -> tuple[list[PublicKey], list[str]]:
    """Every well-formed key of every key file, and why the others were left out (Vietnamese)."""
    keys: list[PublicKey] = []
    problems: list[str] = []
    for slug, record in sorted(registry.keys.items()):
        if record.get("province") != slug:
            problems.append(f"{record.path}: province khác tên tệp «{slug}»; bỏ qua.")
            continue
        for entry in record.get("keys") or []:
            key = _entry(slug, entry)
            if isinstance(key, str):
                problems.append(f"{record.path}: {key}")
            else:
                keys.append(key)
    return keys, problems


def _entry(slug: str, entry: object) -> PublicKey | str:
    if not isinstance(entry, dict):
        return "một khóa không đúng dạng; bỏ qua."
    try:
        public = unb64u(str(entry.get("public_key")))
        private = unb64u(entry["test_private_key"]) if entry.get("test_private_key") else None
    except (ValueError, TypeError):
        return f"khóa {entry.get('kid')} không giải mã được; bỏ qua."
    start, end = _date(entry.get("valid_from")), _date(entry.get("valid_to"))
    if len(public) != 32 or start is None or end is None:
        return f"khóa {entry.get('kid')} thiếu khóa công khai 32 byte hoặc thời hạn; bỏ qua."
    if entry.get("kid") != kid_of(public):
        return f"mã khóa {entry.get('kid')} không khớp khóa công khai (phải là {kid_of(public)}); bỏ qua."
    test = entry.get("test") is True
    return PublicKey(slug, kid_of(public), public, start, end, test, private if test else None)
