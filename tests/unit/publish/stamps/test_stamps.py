"""Signed stamps without a browser: the payload round trip and what must fail, the QR version, the trust
list, the status lists, and `ocop verify` on a PNG rendered from a stamp's SVG."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import cairosvg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ocop.check.pipeline import load_registry
from ocop.cli.main import main
from ocop.model.keys import PublicKey, b64u, kid_of
from ocop.publish.site import generator
from ocop.publish.site import model as site_model
from ocop.publish.stamps import payload, status, trust, verify
from ocop.publish.stamps import site as stamps_site
from ocop.publish.stamps.keys import raw_public, signers
from ocop_testing import REPO

TODAY = dt.date(2026, 11, 23)
SITE = "https://ocop-vn.github.io/ocop-registry/"  # mkdocs.yml's site_url: the longest prefix a stamp carries here
CLAIMS = payload.Claims("cn-ha-noi-2024-0001", "Chè Shan tuyết cổ thụ Suối Giàng", "Hợp tác xã Nông nghiệp Chè Suối Giàng",
                        4, dt.date(2024, 3, 1), dt.date(2027, 3, 1), "UBND Hà Nội", "5445/QĐ-UBND", dt.date(2024, 2, 20))


def make_key(province: str, start: dt.date = dt.date(2020, 1, 1), end: dt.date = dt.date(2035, 12, 31)):
    private = Ed25519PrivateKey.generate()
    public = raw_public(private)
    return private, PublicKey(province, kid_of(public), public, start, end)


def trusted(*keys: PublicKey) -> dict[str, trust.Entry]:
    return {k.kid: trust.Entry(k, f"UBND {k.province}") for k in keys}


def signed_fragment(private, key: PublicKey, claims: payload.Claims = CLAIMS, prefix: str = SITE + "xac-minh/cn-ha-noi-2024-0001#") -> str:
    return payload.fit(claims, key.province, key.kid, prefix, private.sign)[1]


def judge(fragment: str, keys: dict, status_of=lambda _id: "valid", expected=frozenset({"cn-ha-noi-2024-0001"}), today=TODAY):
    return verify.check(fragment, keys, today, status_of, expected)


def test_round_trip_gives_a_green_verdict_with_the_claims():
    private, key = make_key("ha-noi")
    verdict = judge(signed_fragment(private, key), trusted(key))
    assert verdict.ok and verdict.reason == "valid"
    assert verdict.message == "Chữ ký hợp lệ — do UBND ha-noi ký; 4 sao; hiệu lực đến 01/03/2027."
    claims = verdict.claims
    assert (claims.certificate, claims.star, claims.valid_from, claims.valid_to, claims.decision_date) == (
        "cn-ha-noi-2024-0001", 4, dt.date(2024, 3, 1), dt.date(2027, 3, 1), dt.date(2024, 2, 20))
    assert CLAIMS.product.startswith(claims.product) and claims.product  # shortened, never emptied
    assert CLAIMS.decision_number.startswith(claims.decision_number) and claims.decision_number


@pytest.mark.parametrize("position", [0, 20, 60, -40, -1])
def test_one_changed_byte_fails(position: int):
    private, key = make_key("ha-noi")
    raw = bytearray(payload.from_fragment(signed_fragment(private, key)))
    raw[position] ^= 0x01
    verdict = judge(payload.to_fragment(bytes(raw)), trusted(key))
    assert not verdict.ok
    assert verdict.reason in ("bad-signature", "malformed", "unknown-key")


def test_a_changed_claim_under_the_same_signature_fails():
    private, key = make_key("ha-noi")
    signed = payload.parse_cose(payload.from_fragment(signed_fragment(private, key)))
    forged_payload = signed.payload.replace(b"\x04", b"\x05", 1)  # 4 stars → 5 (the star is the first 0x04 byte)
    assert forged_payload != signed.payload
    forged = payload.cose_sign1(key.kid, forged_payload, lambda _data: signed.signature)
    assert judge(payload.to_fragment(forged), trusted(key)).reason == "bad-signature"


def test_another_provinces_key_fails():
    hanoi_private, hanoi = make_key("ha-noi")
    other_private, other = make_key("lam-dong")
    keys = trusted(hanoi, other)
    # Hà Nội's certificate signed with Lâm Đồng's key (a key trusted for Lâm Đồng only)
    verdict = judge(signed_fragment(other_private, other), keys)
    assert not verdict.ok and verdict.reason == "wrong-province"
    # Lâm Đồng's own certificate, genuine, stuck on Hà Nội's page
    theirs = CLAIMS.__class__(**{**CLAIMS.__dict__, "certificate": "cn-lam-dong-2024-0001"})
    verdict = judge(signed_fragment(other_private, other, theirs), keys)
    assert not verdict.ok and verdict.reason == "other-certificate"
    assert verdict.claims.certificate == "cn-lam-dong-2024-0001"
    assert judge(signed_fragment(hanoi_private, hanoi), keys).ok


def test_unknown_and_expired_keys_fail():
    private, key = make_key("ha-noi", dt.date(2020, 1, 1), dt.date(2025, 12, 31))
    fragment = signed_fragment(private, key)
    assert judge(fragment, trusted(key), today=dt.date(2025, 6, 1)).ok
    assert judge(fragment, trusted(key)).reason == "key-expired"
    _, stranger = make_key("ha-noi")
    assert judge(fragment, trusted(stranger)).reason == "unknown-key"


@pytest.mark.parametrize(("state", "today", "reason"), [
    ("revoked", TODAY, "revoked"), ("superseded", TODAY, "superseded"),
    ("valid", dt.date(2027, 3, 2), "expired"), ("valid", dt.date(2024, 2, 29), "not-yet-valid")])
def test_status_and_dates_make_it_red(state: str, today: dt.date, reason: str):
    private, key = make_key("ha-noi")
    verdict = judge(signed_fragment(private, key), trusted(key), lambda _id: state, today=today)
    assert not verdict.ok and verdict.reason == reason


def test_unsigned_and_garbage():
    assert judge("", {}).reason == "unsigned"
    assert judge("not base45 ~~", {}).reason == "malformed"
    assert judge(payload.to_fragment(b"\xa0"), {}).reason == "malformed"


@pytest.mark.parametrize("prefix", [SITE + "xac-minh/cn-ha-noi-2024-0001#", SITE + "01/08939999900010#",
                                    "http://127.0.0.1:65535/xac-minh/cn-ha-noi-2024-0001#"])
def test_the_stamp_qr_stays_at_version_10_or_lower_at_m(prefix: str):
    private, key = make_key("ha-noi")
    url = prefix + signed_fragment(private, key, prefix=prefix)
    code = payload.qr_code(url)
    assert code.version <= 10 and code.error in ("M", "Q", "H")
    assert payload.fits(prefix, url.split("#", 1)[1])
    # a longer text cannot slip past `fit`
    long = CLAIMS.__class__(**{**CLAIMS.__dict__, "product": "Sản phẩm " * 40})
    url = prefix + payload.fit(long, "ha-noi", key.kid, prefix, private.sign)[1]
    assert payload.qr_code(url).version <= 10


def test_trust_list_signed_by_the_national_key_and_nothing_else():
    national_private, national = make_key("trung-uong")
    _province_private, province = make_key("ha-noi")
    found, _notes = signers([national], TODAY, {"OCOP_SIGNING_KEY_TRUNG_UONG": pem(national_private)})
    document = trust.build([national, province], {"ha-noi": "Thành phố Hà Nội"}, TODAY, found["trung-uong"])
    entries = trust.verify(document, [national], TODAY)
    assert list(entries) == [province.kid] and entries[province.kid].name == "UBND thành phố Hà Nội"
    # a copy elsewhere adding its own key cannot re-sign the list
    body = json.loads(payload_json(document))
    _, forger = make_key("ha-noi")
    body["keys"].append({**body["keys"][0], "kid": forger.kid, "public_key": b64u(forger.public)})
    tampered = {**document, "payload": b64u(json.dumps(body).encode())}
    with pytest.raises(trust.TrustError):
        trust.verify(tampered, [national], TODAY)
    with pytest.raises(trust.TrustError):  # unsigned
        trust.verify(trust.build([province], {}, TODAY, None), [national], TODAY)
    with pytest.raises(trust.TrustError):  # signed by a key nobody pinned
        trust.verify(document, [province], TODAY)


def pem(private) -> str:
    from cryptography.hazmat.primitives import serialization
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()


def payload_json(document: dict) -> bytes:
    from ocop.model.keys import unb64u
    return unb64u(document["payload"])


def test_a_private_key_that_does_not_match_is_refused(tmp_path: Path):
    _, key = make_key("ha-noi")
    wrong, _ = make_key("ha-noi")
    found, notes = signers([key], TODAY, {"OCOP_SIGNING_KEY_HA_NOI": pem(wrong)})
    assert found == {} and "không khớp" in notes[0]
    path = tmp_path / "k.pem"
    right_private, right = make_key("ha-noi")
    path.write_text(pem(right_private))
    found, _ = signers([right], TODAY, {"OCOP_SIGNING_KEY_HA_NOI": str(path)})
    assert found["ha-noi"].key == right


def test_status_list_round_trip():
    assert status.index_of("cn-ha-noi-2024-0007") == ("ha-noi", 240007)
    assert status.index_of("cn-ha-noi-1999-0007") is None and status.index_of("sp-ha-noi-0001") is None
    values = {240007: 1, 240008: 2, 0: 2, status.ENTRIES - 1: 1}
    bits = status.decode(status.credential("u", "i", values, TODAY)["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == status.ENTRIES * status.STATUS_SIZE
    assert {i: status.value_at(bits, i) for i in (*values, 240006, 240009)} == {**values, 240006: 0, 240009: 0}


# ---- the sample registry: signed stamps, `ocop verify` --------------------------------------------

@pytest.fixture(scope="module")
def sample():
    registry = load_registry(REPO, use_cache=False)[0]
    model = site_model.build(registry, TODAY, SITE)
    return model, stamps_site.prepare(model, environ={})


def test_sample_registry_signs_with_its_test_key(sample):
    _model, stamps = sample
    assert set(stamps.signers) == {"ha-noi", "trung-uong"} and all(s.key.test for s in stamps.signers.values())
    hanoi = [s for cid, s in stamps.stamps.items() if cid.startswith("cn-ha-noi-")]
    others = [s for cid, s in stamps.stamps.items() if not cid.startswith("cn-ha-noi-")]
    assert hanoi and all(s.signed for s in hanoi)
    assert others and not any(s.signed or "#" in s.url for s in others)  # "chưa ký": no fragment
    dl = [s for s in hanoi if "/01/0893999990001" in s.url]
    assert dl, "a product with a GTIN has a GS1 Digital Link stamp"
    versions = {payload.qr_code(s.url).version for s in hanoi}
    assert max(versions) <= 10, versions


def test_signed_stamps_are_kept_between_builds_and_are_the_same(sample, tmp_path: Path, monkeypatch):
    """A second build takes every stamp from the cache (Ed25519 is deterministic: the same bytes); a changed
    claim, another key or a cache it cannot read signs again; a full build keeps only its certificates."""
    model, first = sample
    cache = tmp_path / "stamps.marshal"
    assert stamps_site.prepare(model, environ={}, cache=cache).stamps == first.stamps
    fits: list[str] = []
    real_fit = payload.fit
    monkeypatch.setattr(payload, "fit", lambda claims, *args: fits.append(claims.certificate) or real_fit(claims, *args))
    assert stamps_site.prepare(model, environ={}, cache=cache).stamps == first.stamps
    assert fits == []  # nothing signed again

    cert = model.certs["cn-ha-noi-2024-0001"]
    claims = stamps_site.claims_of(model, cert)
    assert claims is not None
    signer = first.signers["ha-noi"]
    signed = stamps_site.SignedCache.load(cache)
    key = signed.key(signer.key.public, "ha-noi", first.stamps[cert.id].url.split("#")[0] + "#", claims)
    assert signed.get(key, claims) is not None
    other = stamps_site.SignedCache.key(make_key("ha-noi")[1].public, "ha-noi", SITE + "#", claims)
    renamed = stamps_site.SignedCache.key(signer.key.public, "ha-noi", SITE + "#",
                                          dataclasses.replace(claims, product=claims.product + " mới"))
    assert len({key, other, renamed, signed.key(signer.key.public, "ha-noi", SITE + "#", claims)}) == 4

    signed_ids = sorted(cid for cid, s in first.stamps.items() if s.signed)
    kept = stamps_site.SignedCache.load(cache).known
    assert len(kept) == len(signed_ids)
    stale = {**kept, b"0" * 16: kept[key]}  # an entry no certificate of this build has
    from ocop.check.cache import write_marshal
    write_marshal(cache, {b"format": stamps_site._CACHE_FORMAT, **stale})
    only = stamps_site.prepare(model, environ={}, certs={cert.id}, cache=cache)  # a rebuild: merges, keeps all
    assert only.stamps == {cert.id: first.stamps[cert.id]} and stamps_site.SignedCache.load(cache).known == stale
    assert stamps_site.prepare(model, environ={}, cache=cache).stamps == first.stamps
    assert stamps_site.SignedCache.load(cache).known == kept  # a full build keeps only its certificates
    assert fits == []

    other = next(k for k in kept if k != key)  # another certificate's entry under this one's key: not taken
    write_marshal(cache, {b"format": stamps_site._CACHE_FORMAT, **kept, key: kept[other]})
    assert stamps_site.prepare(model, environ={}, cache=cache).stamps == first.stamps
    assert fits == [cert.id]
    fits.clear()

    cache.write_bytes(cache.read_bytes()[:-10])  # cut short: named, ignored, every stamp signed again
    again = stamps_site.prepare(model, environ={}, cache=cache)
    assert again.stamps == first.stamps and any("bộ nhớ đệm tem" in note for note in again.notes)
    assert sorted(fits) == signed_ids


def render_png(svg: str, path: Path) -> Path:
    path.write_bytes(cairosvg.svg2png(bytestring=svg.encode(), output_width=480))
    return path


def test_ocop_verify_reads_a_png_of_the_stamp(sample, tmp_path: Path, capsys: pytest.CaptureFixture):
    _model, stamps = sample
    valid = stamps.stamps["cn-ha-noi-2024-0001"].url
    png = render_png(generator.qr_svg(valid), tmp_path / "tem.png")
    assert main(["--root", str(REPO), "verify", str(png), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.startswith("HỢP LỆ: Chữ ký hợp lệ — do UBND thành phố Hà Nội ký (khóa THỬ NGHIỆM, dữ liệu mẫu); 3 sao; hiệu lực đến")
    revoked = render_png(generator.qr_svg(stamps.stamps["cn-ha-noi-2022-0003"].url), tmp_path / "thu-hoi.png")
    assert main(["--root", str(REPO), "verify", str(revoked), "--today", TODAY.isoformat()]) == 1
    assert "đã bị thu hồi" in capsys.readouterr().out
    unsigned = stamps.stamps["cn-lam-dong-2024-0001"].url if "cn-lam-dong-2024-0001" in stamps.stamps else next(
        s.url for s in stamps.stamps.values() if not s.signed)
    assert main(["--root", str(REPO), "verify", unsigned, "--today", TODAY.isoformat()]) == 1
    assert "Tem chưa ký" in capsys.readouterr().out
    forged = valid[:-3] + ("AAA" if not valid.endswith("AAA") else "BBB")
    assert main(["--root", str(REPO), "verify", forged, "--today", TODAY.isoformat()]) == 1
    blank = tmp_path / "trang.png"
    blank.write_bytes(cairosvg.svg2png(bytestring=b'<svg xmlns="http://www.w3.org/2000/svg" width="50" height="50"/>'))
    assert main(["--root", str(REPO), "verify", str(blank)]) == 2
    assert main(["--root", str(REPO), "verify", "https://example.com/khong-phai-tem"]) == 2


def test_worked_example_of_the_docs(sample):
    """docs-src/tem-ky-so.md's example is what the build signs (Ed25519 is deterministic) and it verifies."""
    _model, stamps = sample
    doc = (REPO / "docs-src" / "tem-ky-so.md").read_text(encoding="utf-8")
    url = doc.split("URL trên tem (QR phiên bản 10, mức M):\n", 1)[1].split("\n", 1)[0]
    assert url == stamps.stamps["cn-ha-noi-2024-0001"].url
    assert payload.qr_code(url).version == 10 and payload.qr_code(url).error == "M"
    cose = doc.split("COSE_Sign1 (132 byte):\n", 1)[1].split("\n", 1)[0]
    assert payload.from_fragment(url.split("#", 1)[1]).hex() == cose


def test_fragment_encoding_is_rfc_9285_base45():
    import os as _os

    import base45
    for size in (0, 1, 2, 3, 63, 64, 131, 132):
        data = _os.urandom(size)
        expected = base45.b45encode(data).decode().replace("%", "%25").replace(" ", "%20")
        assert payload.to_fragment(data) == expected
        assert payload.from_fragment(expected) == data
    assert payload.to_fragment(b"ietf!") == "QED8WEX0"  # RFC 9285 §4.3


def test_the_printable_stamp_says_whether_it_is_signed(tmp_path: Path):
    url = "http://127.0.0.1:8000/xac-minh/cn-lam-dong-2024-0001"
    unsigned = stamps_site.stamp_svg(generator.qr_svg(url), False)
    assert "CHƯA KÝ" in unsigned and "có chữ ký số" in stamps_site.stamp_svg(generator.qr_svg(url), True)
    assert reader_text(render_png(unsigned, tmp_path / "u.png")) == "HTTP://127.0.0.1:8000/xac-minh/cn-lam-dong-2024-0001"


def reader_text(png: Path) -> str:
    from ocop.publish.stamps import reader
    return reader.read_qr(png)
