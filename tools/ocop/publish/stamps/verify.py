"""The verdict on a stamp: decode the fragment, check the signature against the trust list, then the
certificate's dates and status. The verify page's script (assets/verify.js) follows the same steps."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from ocop.domain.lifecycle import vn_date
from ocop.publish.stamps import payload, status
from ocop.publish.stamps.keys import verify_key
from ocop.publish.stamps.trust import Entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str  # valid, unsigned, malformed, unknown-key, key-expired, bad-signature, wrong-province,
    #              other-certificate, revoked, superseded, expired, not-yet-valid
    message: str  # Vietnamese, one sentence
    claims: payload.Claims | None = None
    signer: Entry | None = None


def check(fragment: str, trusted: dict[str, Entry], today: dt.date,
          status_of: Callable[[str], str | None], expected: frozenset[str] | None = None) -> Verdict:
    """`status_of(certificate id)` → "valid" | "revoked" | "superseded" | None (unknown); `expected`: the
    certificate ids the page or URL the stamp was read from stands for (None: any)."""
    if not fragment.strip("#"):
        return Verdict(False, "unsigned", "Tem chưa ký: mã QR không mang chữ ký số, nên không xác minh được "
                                          "tem là thật; chỉ tra được thông tin công khai của giấy chứng nhận.")
    try:
        signed = payload.parse_cose(payload.from_fragment(fragment))
    except payload.PayloadError as err:
        return Verdict(False, "malformed", f"Không đọc được dữ liệu trên tem: {err}.")
    entry = trusted.get(signed.kid)
    if entry is None:
        return Verdict(False, "unknown-key", f"Khóa ký {signed.kid} không có trong danh sách khóa tin cậy: tem không do cơ quan nào được công nhận ký.")
    try:
        verify_key(entry.key.public).verify(signed.signature, signed.signed_bytes())
    except InvalidSignature:
        return Verdict(False, "bad-signature", "Chữ ký không hợp lệ: dữ liệu trên tem đã bị sửa hoặc không do khóa đã công bố ký.", signer=entry)
    if not entry.key.valid_on(today):
        return Verdict(False, "key-expired", f"Khóa ký {signed.kid} của {entry.name} chỉ có hiệu lực "
                                             f"{vn_date(entry.key.valid_from)} – {vn_date(entry.key.valid_to)}.", signer=entry)
    try:
        claims = payload.decode_claims(signed.payload, entry.key.province)
    except payload.PayloadError as err:
        return Verdict(False, "malformed", f"Không đọc được dữ liệu trên tem: {err}.", signer=entry)
    return _claims_verdict(claims, entry, today, status_of, expected)


def _claims_verdict(claims: payload.Claims, entry: Entry, today: dt.date, status_of: Callable[[str], str | None],
                    expected: frozenset[str] | None) -> Verdict:
    place = status.index_of(claims.certificate)
    if place and place[0] != entry.key.province:
        return Verdict(False, "wrong-province", f"Giấy chứng nhận {claims.certificate} không thuộc {entry.name}: tem ký bằng khóa của tỉnh khác.", claims, entry)
    if expected is not None and claims.certificate not in expected:
        return Verdict(False, "other-certificate", f"Tem mang giấy chứng nhận {claims.certificate}, không phải giấy chứng nhận của trang này.", claims, entry)
    state = status_of(claims.certificate)
    if state == "revoked":
        return Verdict(False, "revoked", f"Giấy chứng nhận {claims.certificate} đã bị thu hồi.", claims, entry)
    if state == "superseded":
        return Verdict(False, "superseded", f"Giấy chứng nhận {claims.certificate} đã được thay thế bằng giấy chứng nhận mới.", claims, entry)
    if today > claims.valid_to:
        return Verdict(False, "expired", f"Giấy chứng nhận {claims.certificate} đã hết hiệu lực từ ngày {vn_date(claims.valid_to)}.", claims, entry)
    if today < claims.valid_from:
        return Verdict(False, "not-yet-valid", f"Giấy chứng nhận {claims.certificate} chỉ có hiệu lực từ ngày {vn_date(claims.valid_from)}.", claims, entry)
    test = " (khóa THỬ NGHIỆM, dữ liệu mẫu)" if entry.key.test else ""
    return Verdict(True, "valid", f"Chữ ký hợp lệ — do {entry.name} ký{test}; {claims.star} sao; hiệu lực đến {vn_date(claims.valid_to)}.", claims, entry)


@dataclass(frozen=True)
class StampUrl:
    fragment: str
    certificate: str | None  # /xac-minh/<id>
    gtin: str | None  # /01/<gtin>


def parse_url(url: str) -> StampUrl | None:
    """What a stamp URL names: a verify page (…/xac-minh/<id>) or a GS1 Digital Link (…/01/<gtin>)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) >= 2 and segments[-2] == "xac-minh":
        return StampUrl(parts.fragment, segments[-1], None)
    if len(segments) >= 2 and segments[-2] == "01" and segments[-1].isdigit():
        return StampUrl(parts.fragment, None, segments[-1])
    return None
