"""Status lists /api/v1/status/<province>.json in the manner of the W3C Bitstring Status List v1.0.

One list per province, 2 bits per certificate (statusPurpose "message", statusSize 2): 0 in force, 1 revoked,
2 superseded. A certificate's place needs no field of its own: `cn-<province>-<yyyy>-<nnnn>` sits at index
(yyyy - 2000) × 10000 + nnnn, so the stamp stays short. The bitstring is GZIP-compressed and written in
base64url with the multibase prefix "u"; index 0 is the most significant bit of the first byte.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import re

STATUS_SIZE = 2
FIRST_YEAR, YEARS, PER_YEAR = 2000, 100, 10000
ENTRIES = YEARS * PER_YEAR  # 1,000,000 entries: 250 KB raw, a few hundred bytes compressed
CODES = {"valid": 0, "revoked": 1, "superseded": 2}
MESSAGES = [{"status": "0x0", "message": "còn hiệu lực"}, {"status": "0x1", "message": "đã thu hồi"},
            {"status": "0x2", "message": "đã được thay thế"}]
_ID = re.compile(r"^cn-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<year>[0-9]{4})-(?P<seq>[0-9]{4})$")


def index_of(cert_id: str) -> tuple[str, int] | None:
    """(province, index) of a certificate in its province's list; None for an id not of the canonical form."""
    match = _ID.match(cert_id)
    if not match or not FIRST_YEAR <= int(match["year"]) < FIRST_YEAR + YEARS:
        return None
    return match["slug"], (int(match["year"]) - FIRST_YEAR) * PER_YEAR + int(match["seq"])


def encode(statuses: dict[int, int]) -> str:
    bits = bytearray(ENTRIES * STATUS_SIZE // 8)
    for index, value in statuses.items():
        for bit in range(STATUS_SIZE):
            if value >> (STATUS_SIZE - 1 - bit) & 1:
                pos = index * STATUS_SIZE + bit
                bits[pos // 8] |= 0x80 >> (pos % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    text = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def value_at(bits: bytes, index: int) -> int:
    value = 0
    for bit in range(STATUS_SIZE):
        pos = index * STATUS_SIZE + bit
        value = value << 1 | (bits[pos // 8] >> (7 - pos % 8) & 1)
    return value


def credential(url: str, issuer: str, statuses: dict[int, int], updated: dt.date) -> dict:
    """A BitstringStatusListCredential (without a proof: the trust list is what is signed)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer, "validFrom": f"{updated.isoformat()}T00:00:00Z",
        "as_of": updated.isoformat(),  # as every file of /api/v1/: the day the statuses hold for
        "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": "message",
                              "statusSize": STATUS_SIZE, "statusMessage": MESSAGES, "encodedList": encode(statuses)},
    }
