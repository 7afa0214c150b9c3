"""Signed stamps in Debian Chromium: the verify page checks the QR's payload with WebCrypto Ed25519 against the
signed trust list, shows the verdict, and still does after the network is gone (service worker)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import cairosvg
import pytest

from ocop.check.pipeline import load_registry
from ocop.model.gs1 import gtin_valid
from ocop.publish.site import model as site_model
from ocop.publish.stamps import reader
from ocop.publish.stamps import site as stamps_site

from .conftest import TODAY

pytestmark = pytest.mark.browser


def stamp_url_of_page(site: Path, product: str, tmp_path: Path) -> str:
    """The URL a phone reads from the stamp the product page offers (tem.svg → PNG → zxing-cpp)."""
    png = tmp_path / f"{product}.png"
    png.write_bytes(cairosvg.svg2png(url=str(site / "san-pham" / product / "tem.svg"), output_width=480))
    return reader.read_qr(png)


def stamps_of(root: Path, server_url: str) -> stamps_site.Stamps:
    """The same signatures the build made (Ed25519 is deterministic): stamps of certificates no page shows."""
    model = site_model.build(load_registry(root)[0], TODAY, server_url)
    return stamps_site.prepare(model, environ={})


def verdict(page) -> str:
    page.wait_for_selector("#stamp-check[data-verdict]", timeout=15000)
    return page.inner_text("#stamp-check")


def test_verify_page_green_then_offline(page, sample_site, tmp_path: Path, shot):
    site, server = sample_site
    url = stamp_url_of_page(site, "sp-ha-noi-0010", tmp_path)
    assert url.lower().startswith(server.url + "xac-minh/cn-ha-noi-2024-0001#")
    page.goto(url)
    text = verdict(page)
    assert page.get_attribute("#stamp-check", "data-verdict") == "valid", text
    assert "Chữ ký hợp lệ — do UBND thành phố Hà Nội ký (khóa THỬ NGHIỆM, dữ liệu mẫu); 3 sao; hiệu lực đến" in text
    assert "Dữ liệu trạng thái cập nhật ngày 23/11/2026" in text
    shot(page, "stamp-valid")
    page.wait_for_function("""async () => {
        const reg = await navigator.serviceWorker.ready; const cache = await caches.open('ocop-xac-minh-v1');
        const keys = (await cache.keys()).map(r => r.url);
        return navigator.serviceWorker.controller !== null || (reg.active && keys.some(k => k.includes('ocop-keys.json'))
            && keys.some(k => k.includes('/api/v1/status/ha-noi.json')) && keys.some(k => k.endsWith('/cn-ha-noi-2024-0001/')));
    }""", timeout=15000)
    page.reload()  # now under the service worker's control
    verdict(page)
    page.context.set_offline(True)
    page.reload()
    text = verdict(page)
    assert page.get_attribute("#stamp-check", "data-verdict") == "valid", text
    assert "Dữ liệu trạng thái cập nhật ngày 23/11/2026" in text
    # offline, a forged payload on the same (cached) page is red
    head, fragment = page.url.split("#", 1)
    forged = fragment[:40] + ("1" if fragment[40] != "1" else "2") + fragment[41:]
    page.goto(f"{head}#{forged}")
    page.reload()
    text = verdict(page)
    assert page.get_attribute("#stamp-check", "data-verdict") == "invalid"
    assert "Chữ ký không hợp lệ" in text or "Không đọc được dữ liệu trên tem" in text
    page.context.set_offline(False)
    assert page.guard.errors == [] or all("Failed to fetch" in e or "ERR_INTERNET_DISCONNECTED" in e for e in page.guard.errors)


def test_revoked_unsigned_and_digital_link(page, sample_site, sample_root: Path, tmp_path: Path, shot):
    site, server = sample_site
    stamps = stamps_of(sample_root, server.url)
    page.goto(stamps.stamps["cn-ha-noi-2022-0003"].url)
    text = verdict(page)
    assert page.get_attribute("#stamp-check", "data-verdict") == "invalid"
    assert "Giấy chứng nhận cn-ha-noi-2022-0003 đã bị thu hồi." in text
    shot(page, "stamp-revoked")
    unsigned = next(s for cid, s in stamps.stamps.items() if not s.signed and cid.startswith("cn-lam-dong-"))
    assert "#" not in unsigned.url
    page.goto(unsigned.url)
    assert "Tem chưa ký" in verdict(page)
    # the GS1 Digital Link stamp of a product with a GTIN: /01/<gtin>#payload, checked on that page
    dl = stamp_url_of_page(site, "sp-ha-noi-0001", tmp_path)
    assert "/01/08939999900010#" in dl.lower()
    page.goto(dl)
    text = verdict(page)
    assert page.get_attribute("#stamp-check", "data-verdict") == "valid", text
    # without a fragment the Digital Link page goes to the product page
    page.goto(server.url + "01/08939999900010/")
    page.wait_for_url("**/san-pham/sp-ha-noi-0001/")


def test_linksets_follow_the_resolver_description(sample_site):
    site, server = sample_site
    description = json.loads((site / ".well-known" / "gs1resolver").read_text(encoding="utf-8"))
    for key in ("name", "resolverRoot", "supportedPrimaryKeys", "supportedLinkType", "linkTypeDefaultCanBeLinkset"):
        assert key in description
    assert description["resolverRoot"] == server.url.rstrip("/") and description["supportedPrimaryKeys"] == ["01"]
    namespaces = {t["namespace"] for t in description["supportedLinkType"]}
    linksets = sorted((site / "01").glob("*/linkset.json"))
    assert len(linksets) == 3
    for path in linksets:
        gtin = path.parent.name
        assert len(gtin) == 14 and gtin_valid(gtin)
        (entry,) = json.loads(path.read_text(encoding="utf-8"))["linkset"]
        assert entry["anchor"] == f"{description['resolverRoot']}/01/{gtin}"
        types = {k for k in entry if k.startswith("http")}
        assert {"https://gs1.org/voc/pip", "https://gs1.org/voc/certificationInfo"} <= types
        assert all(any(t.startswith(ns) for ns in namespaces) for t in types)
        for link_type in ("https://gs1.org/voc/pip", "https://gs1.org/voc/certificationInfo"):
            (link,) = entry[link_type]
            assert link["href"].startswith(server.url) and link["type"] == "text/html"
            assert (site / link["href"][len(server.url):] / "index.html").is_file()


def test_trust_list_and_status_lists_are_published(sample_site):
    site, _server = sample_site
    document = json.loads((site / ".well-known" / "ocop-keys.json").read_text(encoding="utf-8"))
    assert document["signature"] and document["protected"]
    status = json.loads((site / "api" / "v1" / "status" / "ha-noi.json").read_text(encoding="utf-8"))
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["credentialSubject"]["encodedList"].startswith("u") and status["validFrom"].startswith(str(TODAY))
    assert (site / "ocop-sw.js").is_file() and dt.date.fromisoformat(status["validFrom"][:10]) == TODAY
