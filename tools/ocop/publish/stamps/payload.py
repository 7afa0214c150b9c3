"""The signed payload a stamp QR carries in its URL fragment: CBOR in a COSE_Sign1 (Ed25519), then Base45.

    COSE_Sign1 = 18([protected: bstr {1: -8 (EdDSA), 4: kid (4 bytes)}, unprotected: {}, payload: bstr, signature])
    payload    = [certificate, product, producer, star, valid_from, valid_to, issuer, decision_number, decision_date]

Dates are days since 1970-01-01. `certificate` is an integer yyyy*10000+nnnn when the id is the canonical
`cn-<province>-<yyyy>-<nnnn>` of the signing key's province (the key says which province), else the id as text.
The Base45 text (RFC 9285) has two characters a URL fragment cannot hold, space and %: they are written
%20 and %25, so the fragment stays in the QR alphanumeric set and the stamp stays at version 10 or lower
at error correction M. Texts are shortened until it does (`fit`): a stamp prints at 2 cm.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import base45
import cbor2
import segno
from segno import consts as qr_modes

EPOCH = dt.date(1970, 1, 1)
COSE_SIGN1_TAG = 18
ALG_EDDSA = -8
MAX_VERSION = 10
# Data bits of a version 10 QR code at error correction M (216 codewords), and the segment headers there:
# mode (4 bits) + character count (16 bits for bytes, 11 for alphanumerics at versions 10-26).
CAPACITY_BITS = 216 * 8
BYTE_HEADER, ALNUM_HEADER = 4 + 16, 4 + 11
_CANONICAL = re.compile(r"^cn-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<year>[0-9]{4})-(?P<seq>[0-9]{4})$")


class PayloadError(ValueError):
    """The fragment is not a stamp payload (Vietnamese message)."""


@dataclass(frozen=True)
class Claims:
    certificate: str
    product: str
    producer: str
    star: int
    valid_from: dt.date
    valid_to: dt.date
    issuer: str
    decision_number: str
    decision_date: dt.date | None


@dataclass(frozen=True)
class Signed:
    kid: str
    protected: bytes
    payload: bytes
    signature: bytes

    def signed_bytes(self) -> bytes:
        """COSE's Sig_structure: what the Ed25519 signature covers."""
        return sig_structure(self.protected, self.payload)


def days(day: dt.date | None) -> int | None:
    return None if day is None else (day - EPOCH).days


def from_days(value: object) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 0 <= value < 200_000:
        raise PayloadError("ngày trong dữ liệu tem không hợp lệ")
    return EPOCH + dt.timedelta(days=value)


def compact_id(cert_id: str, province: str) -> int | str:
    match = _CANONICAL.match(cert_id)
    if match and match["slug"] == province:
        return int(match["year"]) * 10000 + int(match["seq"])
    return cert_id


def expand_id(value: object, province: str) -> str:
    if isinstance(value, int) and 0 < value < 100_000_000:
        return f"cn-{province}-{value // 10000:04d}-{value % 10000:04d}"
    if isinstance(value, str) and value:
        return value
    raise PayloadError("mã giấy chứng nhận trong dữ liệu tem không hợp lệ")


def encode_claims(claims: Claims, province: str) -> bytes:
    return cbor2.dumps([compact_id(claims.certificate, province), claims.product, claims.producer, claims.star,
                        days(claims.valid_from), days(claims.valid_to), claims.issuer, claims.decision_number,
                        days(claims.decision_date)])


def decode_claims(payload: bytes, province: str) -> Claims:
    try:
        items = cbor2.loads(payload)
    except Exception as err:  # cbor2 raises several types on hostile input
        raise PayloadError("nội dung tem không phải CBOR hợp lệ") from err
    if not isinstance(items, list | tuple) or len(items) != 9:
        raise PayloadError("nội dung tem không đúng cấu trúc (cần 9 mục)")
    cert, product, producer, star, start, end, issuer, number, decided = items
    if not all(isinstance(t, str) for t in (product, producer, issuer, number)) or not isinstance(star, int):
        raise PayloadError("nội dung tem có mục sai kiểu")
    valid_from, valid_to = from_days(start), from_days(end)
    if valid_from is None or valid_to is None:
        raise PayloadError("tem thiếu thời hạn hiệu lực")
    return Claims(expand_id(cert, province), product, producer, star, valid_from, valid_to, issuer, number,
                  from_days(decided))


def protected_header(kid: str) -> bytes:
    return cbor2.dumps({1: ALG_EDDSA, 4: bytes.fromhex(kid)})


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def cose_sign1(kid: str, payload: bytes, sign: Callable[[bytes], bytes]) -> bytes:
    protected = protected_header(kid)
    signature = sign(sig_structure(protected, payload))
    # untagged: the context (a stamp URL's fragment) says what it is, and every byte counts (RFC 9052 §4.2)
    return cbor2.dumps([protected, {}, payload, signature])


def parse_cose(data: bytes) -> Signed:
    try:
        item = cbor2.loads(data)
    except Exception as err:
        raise PayloadError("dữ liệu tem không phải COSE_Sign1") from err
    if isinstance(item, cbor2.CBORTag) and item.tag == COSE_SIGN1_TAG:
        item = item.value
    if not (isinstance(item, list | tuple) and len(item) == 4 and isinstance(item[0], bytes) and isinstance(item[2], bytes)
            and isinstance(item[3], bytes)):
        raise PayloadError("dữ liệu tem không phải COSE_Sign1")
    protected, _unprotected, payload, signature = item
    try:
        header = cbor2.loads(protected)
    except Exception as err:
        raise PayloadError("tiêu đề COSE hỏng") from err
    if not isinstance(header, dict) or header.get(1) != ALG_EDDSA or not isinstance(header.get(4), bytes):
        raise PayloadError("tem không ký bằng Ed25519 hoặc thiếu mã khóa")
    return Signed(header[4].hex(), protected, payload, signature)


B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ESCAPED = [c.replace("%", "%25").replace(" ", "%20") for c in B45]


@functools.cache
def _pairs() -> list[str]:
    """Every 2-byte value's 3 Base45 characters (RFC 9285), already escaped for the fragment: encoding a stamp is
    then one lookup per 2 bytes (the `base45` package, used to read, costs ~100 µs a stamp; 25,000 are signed)."""
    return [_ESCAPED[v % 45] + _ESCAPED[v // 45 % 45] + _ESCAPED[v // 2025] for v in range(65536)]


def to_fragment(cose: bytes) -> str:
    """Base45 of the COSE bytes, with space and % written %20 and %25 (a URL fragment cannot hold them)."""
    pairs = _pairs()
    out = [pairs[cose[i] << 8 | cose[i + 1]] for i in range(0, len(cose) - 1, 2)]
    if len(cose) % 2:
        last = cose[-1]
        out.append(_ESCAPED[last % 45] + _ESCAPED[last // 45])
    return "".join(out)


def from_fragment(fragment: str) -> bytes:
    text = fragment.removeprefix("#").replace("%20", " ").replace("%25", "%")
    try:
        return base45.b45decode(text)
    except Exception as err:  # base45 raises ValueError or KeyError on a bad character
        raise PayloadError("phần sau dấu # không phải Base45 hợp lệ") from err


_ALNUM = re.compile(r"^[0-9A-Z $%*+./:-]*$")
_ORIGIN = re.compile(r"^(https?://[A-Za-z0-9.:-]+)(/.*)?$", re.S)


def segments(url: str) -> list[tuple[str, str]]:
    """The QR segments of a URL: scheme and host in capitals as alphanumerics (both are case-insensitive),
    the path in bytes, a Base45 fragment as alphanumerics. GS1 Digital Link codes do the same."""
    head, sep, fragment = url.partition("#")
    match = _ORIGIN.match(head)
    parts = [(match[1].upper(), "alphanumeric"), ((match[2] or "") + sep, "byte")] if match else [(head + sep, "byte")]
    if fragment:
        parts.append((fragment, "alphanumeric" if _ALNUM.match(fragment) else "byte"))
    return [(text, mode) for text, mode in parts if text]


def qr_code(url: str) -> segno.QRCode:
    """The stamp's QR code: mixed segments, error correction M (raised when it costs no version), fixed mask."""
    modes = {"alphanumeric": qr_modes.MODE_ALPHANUMERIC, "byte": qr_modes.MODE_BYTE}
    return segno.make([(text, modes[mode]) for text, mode in segments(url)], error="m", mask=4, micro=False)


def segment_bits(text: str, mode: str) -> int:
    if mode == "alphanumeric":
        return ALNUM_HEADER + 11 * (len(text) // 2) + 6 * (len(text) % 2)
    return BYTE_HEADER + 8 * len(text.encode("utf-8"))


def qr_bits(prefix: str, fragment: str) -> int:
    """Bits the stamp QR needs at version 10 (where the count fields are longest of versions 1-10)."""
    return sum(segment_bits(text, mode) for text, mode in segments(prefix + fragment))


def fits(prefix: str, fragment: str) -> bool:  # prefix ends with "#"
    return qr_bits(prefix, fragment) <= CAPACITY_BITS


SHORTENED = ("issuer", "product", "producer")  # the texts `fit` shortens (see `shorten`)
SIGNATURE_ESCAPES = 4  # room kept for %20/%25 in the signature's Base45 (about 4 of its 96 characters)


def fit(claims: Claims, province: str, kid: str, prefix: str, sign: Callable[[bytes], bytes]) -> tuple[Claims, str]:
    """The claims, texts shortened as little as needed, and the fragment: prefix + fragment fits version 10-M.

    The size is estimated with a blank signature (its Base45 has no escapes) plus room for a few escapes,
    so the costly part, signing, runs once for nearly every stamp; a miss shortens a little more.
    """
    fixed = qr_bits(prefix, "")
    spare = 0
    while True:
        payload = encode_claims(claims, province)
        blank_cose = cose_sign1(kid, payload, _blank)
        blank_bits = fixed + segment_bits(to_fragment(blank_cose), "alphanumeric")
        over = blank_bits + 11 * (SIGNATURE_ESCAPES + spare) - CAPACITY_BITS
        if over <= 0:
            fragment = to_fragment(cose_sign1(kid, payload, sign))
            if fixed + segment_bits(fragment, "alphanumeric") <= CAPACITY_BITS:
                return claims, fragment
            spare += 2
            continue
        per_byte = (blank_bits - fixed) / len(blank_cose)  # 8.25 bits, more with escapes
        shorter = shorten(claims, max(1, int(over / per_byte)))
        if shorter == claims:
            raise PayloadError("không thể thu gọn dữ liệu tem vào mã QR phiên bản 10")
        claims = shorter


def _blank(_data: bytes) -> bytes:
    return bytes(64)


def shorten(claims: Claims, nbytes: int) -> Claims:
    """Drop at least `nbytes` UTF-8 bytes, a character at a time, least useful first: the issuer (the key
    already names who signed), then the longer of product and producer names down to 10 characters, then
    the decision's symbol (…/QĐ-UBND; its number stays), then the names again."""
    texts = {name: getattr(claims, name) for name in SHORTENED}
    sizes = {name: len(text.encode("utf-8")) for name, text in texts.items()}
    number = claims.decision_number
    while nbytes > 0:
        names = "product" if sizes["product"] >= sizes["producer"] else "producer"
        if texts["issuer"]:
            field = "issuer"
        elif len(texts[names]) > 10 or "/" not in number:
            field = names
        else:
            shorter = number.split("/")[0]
            nbytes -= len(number.encode("utf-8")) - len(shorter.encode("utf-8"))
            number = shorter
            continue
        if not texts[field]:
            break  # nothing left to drop: `fit` gives up
        dropped = len(texts[field][-1].encode("utf-8"))
        nbytes -= dropped
        sizes[field] -= dropped
        texts[field] = texts[field][:-1]
    return replace(claims, decision_number=number, **{k: v.rstrip() for k, v in texts.items()})
