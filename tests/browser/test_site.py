"""The built sample site in headless Chromium: charts, catalogue filters, search, states, QR, XSS, offline."""

from __future__ import annotations

import json
import subprocess

import pytest

pytestmark = pytest.mark.browser


def test_home_renders_with_charts(sample_site, page, shot):
    _, server = sample_site
    page.goto(server.url)
    assert page.locator("h1").first.inner_text() == "Sổ đăng ký mở sản phẩm OCOP"
    assert page.locator("figure.chart svg").count() == 4
    assert page.locator("figure.chart rect").count() >= 3
    assert page.locator(".sample-banner").first.is_visible()
    shot(page, "home")
    assert page.guard.errors == []


def test_catalogue_filters_narrow_results(sample_site, page, shot):
    _, server = sample_site
    page.goto(server.url + "danh-muc/")
    page.wait_for_selector("#cat-body tr")
    total = page.locator("#cat-body tr").count()
    assert total >= 3
    page.select_option("#f-province", label="Tỉnh Đắk Lắk")
    narrowed = page.locator("#cat-body tr").count()
    assert 1 <= narrowed < total
    assert all("Đắk Lắk" in t for t in page.locator("#cat-body tr td:nth-child(3)").all_inner_texts())
    page.select_option("#f-province", value="")
    page.fill("#f-q", "vai thieu")
    assert all("vải thiều" in t.lower() for t in page.locator("#cat-body tr td:first-child").all_inner_texts())
    page.fill("#f-q", "")
    page.select_option("#f-star", value="4")
    assert all(t.strip() == "★★★★" for t in page.locator("#cat-body tr td:nth-child(4)").all_inner_texts())
    page.select_option("#f-star", value="")
    shot(page, "catalogue")
    assert page.guard.errors == []


@pytest.mark.parametrize("query, expected", [("ca phe", "cà phê"), ("dak lak", "cà phê")])  # đ typed as d
def test_search_is_accent_insensitive(sample_site, page, shot, query, expected):
    _, server = sample_site
    page.goto(server.url + "tim-kiem/")
    page.fill("#search-q", query)
    page.wait_for_selector("#search-results li a", timeout=10_000)
    titles = [t.lower() for t in page.locator("#search-results li a").all_inner_texts()]
    assert any(expected in t for t in titles), titles
    if query == "ca phe":
        shot(page, "search")
    assert page.guard.errors == []


def test_product_page_state_and_qr(sample_site, page, shot):
    _, server = sample_site
    url = server.url + "san-pham/sp-dak-lak-9001/"
    page.goto(url)
    assert page.locator("h1").inner_text() == "Cà phê Robusta rang mộc Ea Kao"
    assert page.locator(".verdict .state").first.inner_text() == "Hiệu lực"  # 2025-09-15 + 36 months, seen 2026-11-23
    assert "9901/QĐ-UBND" in page.locator("dl.facts").inner_text()
    qr = shot(page, "product").with_name("product-qr.png")
    page.locator(".stamp .qr img").screenshot(path=str(qr))  # tem.svg, its label cropped off
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(qr)], capture_output=True, text=True, check=True)
    # the stamp of its certificate: no signing key for Đắk Lắk, so unsigned (no "#…"); host in capitals (QR alphanumerics)
    assert decoded.stdout.strip() == (server.url + "xac-minh/cn-dak-lak-2025-9001").replace("http://", "HTTP://")
    page.goto(server.url + "xac-minh/cn-dak-lak-2025-9001/")
    assert page.locator(".verdict-big .state").inner_text() == "Hiệu lực"


def test_photos_are_the_sites_own_copies(sample_site, page):
    """Product pages and the catalogue show the re-encoded copies (anh/), never the contributed files."""
    _, server = sample_site
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.goto(server.url + "san-pham/sp-ha-noi-0001/")
    photo = page.locator(".photos img").first
    assert "/anh/" in photo.get_attribute("src") and "/media/" not in page.content()
    assert page.evaluate(loaded, photo.element_handle())
    page.goto(server.url + "danh-muc/")
    page.wait_for_selector("#cat-body tr")
    page.fill("#f-q", "binh gom men lam ve tay lam phong")
    thumb = page.locator("#cat-body tr td:first-child a img.thumb").first
    assert thumb.get_attribute("src").endswith("-nho.jpg")
    page.wait_for_function(loaded, arg=thumb.element_handle())
    assert page.locator("#cat-body tr td:first-child").first.inner_text().strip() == "Bình gốm men lam vẽ tay Lam Phong"
    assert page.guard.errors == []


def test_xss_fixture_runs_no_script(xss_site, page):
    _, server = xss_site
    for path in ("", "danh-muc/", "san-pham/sp-hai-phong-0001/", "chu-the/ct-hai-phong-0001/",
                 "quyet-dinh/qd-hai-phong-2024-001/", "xac-minh/cn-hai-phong-2024-0001/", "tinh/hai-phong/"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(server.url + "san-pham/sp-hai-phong-0001/")
    assert page.locator("h1").inner_text() == "<script>alert(1)</script> Cà phê <img src=x onerror=alert(2)>"
    assert page.locator("a[href^='javascript:']").count() == 0
    # the page's own scripts only: files of the site (src) and inert JSON-LD data without a raw "<"
    # (in Material's <article>: Material keeps one inline script of its own in <main>, outside it)
    own = "article script:not([src]):not([type='application/ld+json'])"
    assert page.locator(f"{own}, main img[src='x'], main iframe").count() == 0
    for data in page.locator("main script[type='application/ld+json']").all_text_contents():
        assert "<" not in data and json.loads(data)["name"].startswith("<script>")
    assert "<b>đặc sản</b>" in page.locator("main").inner_text()
    page.goto(server.url + "danh-muc/")
    page.wait_for_selector("#cat-body tr")
    assert "<script>" in page.locator("#cat-body").inner_text()
    assert page.guard.dialogs == []
    assert page.guard.errors == []


def test_contributor_pages_lead_to_the_git_free_guide_and_the_editor(sample_site, page):
    site, server = sample_site
    page.goto(server.url + "dong-gop/")
    page.get_by_role("link", name="Đăng ký không cần Git").first.click()
    page.wait_for_url("**/huong-dan-dang-ky/")
    images = page.locator("article img")
    assert images.count() >= 1
    assert all(page.evaluate("img => img.complete && img.naturalWidth > 0", img.element_handle())
               for img in images.all())
    # the editor ships inside the site with a config generated from the schemas (nothing fetched at view time)
    assert (site / "admin" / "decap-cms.js").is_file()
    assert "collections:" in (site / "admin" / "config.yml").read_text("utf-8")
    assert page.guard.errors == []


def test_rules_page_shows_rule_texts_about_markup_as_text(sample_site, page):
    """TEXT-MARKUP's own description names <script> and <img onerror>: it must read as text, and the page
    must go on to the last rule (a live <script> there cut the page off)."""
    _, server = sample_site
    page.goto(server.url + "quy-tac/")
    assert page.locator("#sync-forms").count() == 1
    assert "<script>" in page.locator("#text-markup ~ p").first.inner_text()
    assert page.guard.errors == [] and page.guard.dialogs == []


def test_every_rule_has_its_own_page_and_annotations_link_to_it(sample_site, page):
    """/quy-tac/<ID>/ for every rule of the catalogue; the URL the GitHub reporter writes is that page."""
    from ocop.check.catalogue import all_rules
    from ocop.findings import Finding
    from ocop.report import Report

    site, server = sample_site
    rules = all_rules()
    assert rules and all((site / "quy-tac" / r.id / "index.html").is_file() for r in rules)
    finding = Finding("TEXT-MARKUP", "warning", "registry/x.yaml", 1, 1, "m")
    url = Report.of_findings([finding], 1, site_url=server.url).rule_url("TEXT-MARKUP")
    page.goto(url)
    assert page.locator("h1").inner_text().startswith("TEXT-MARKUP")
    assert "<script>" in page.locator("article").inner_text()  # its example of rejected markup, as text
    page.get_by_role("link", name="Tất cả quy tắc kiểm tra").click()
    assert page.url.rstrip("/").endswith("/quy-tac")
    assert page.guard.errors == [] and page.guard.dialogs == []


def test_revoked_product_does_not_look_certified(sample_site, page):
    """A shopper scanning an old package must not read a revoked star as a current one, nor print a stamp."""
    _, server = sample_site
    page.goto(server.url + "san-pham/sp-lam-dong-0006/")
    verdict = page.locator(".verdict").inner_text()
    assert "Hiện không còn được công nhận OCOP" in verdict and "915/QĐ-UBND" in verdict
    assert page.locator(".verdict .stars:visible").count() == 0  # the recognised reading is written, hidden
    assert page.locator("button.print:visible").count() == 0
    page.goto(server.url + "san-pham/sp-dak-lak-9001/")  # valid: the stamp says until when
    assert page.locator("button.print:visible").count() == 1
    assert "Hiệu lực đến" in page.locator(".stamp").inner_text()
    assert page.guard.errors == []


@pytest.mark.parametrize("path", ["", "danh-muc/", "san-pham/sp-dak-lak-9001/", "san-pham/sp-lam-dong-0006/",
                                  "het-han/", "tim-kiem/", "xac-minh/cn-dak-lak-2025-9001/"])
def test_pages_fit_a_phone(sample_site, page, path):
    """The QR code is scanned with a phone: no page may be wider than its screen (wide tables scroll inside)."""
    _, server = sample_site
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_not_found_page_is_vietnamese_and_points_to_search(sample_site, page):
    site, server = sample_site
    page.goto(server.url + "404.html")
    assert page.locator("article h1").inner_text() == "Không tìm thấy trang"
    assert page.locator("article a[href$='tim-kiem/']").count() == 1
    assert "Not found" not in (site / "404.html").read_text("utf-8")
