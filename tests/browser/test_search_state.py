"""Issue 15 §2–§5 on the built sample site: search that finds what people type, states recomputed on the
visitor's day, numbers that agree, and each record's history of changes."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

HAI_DUONG = {f"sp-hai-phong-{n}" for n in ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0009", "9001")}
DAK_NONG = {"sp-lam-dong-0003", "sp-lam-dong-0004", "sp-lam-dong-0006"}
BAT_TRANG = {"sp-ha-noi-0001", "sp-ha-noi-0002"}


def search(page, server, query: str) -> list[tuple[str, str]]:
    """(kind, record id) of every result of a query opened by its URL, all pages of results loaded."""
    page.goto(server.url + "tim-kiem/?q=" + query)
    return results(page)


def results(page) -> list[tuple[str, str]]:
    page.wait_for_function("() => { const s = document.getElementById('search-status').textContent;"
                           " return s && !s.startsWith('Đang'); }", timeout=15_000)
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0"
                           " || document.getElementById('search-status').textContent.startsWith('Không')")
    while page.locator("#search-more").is_visible():
        count = page.locator("#search-results li").count()
        page.click("#search-more")
        page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {count}")
    found = []
    for href in page.locator("#search-results li .result-head a").evaluate_all("as => as.map(a => a.href)"):
        kind, record = urlparse(href).path.strip("/").split("/")[-2:]
        found.append((kind, record))
    return found


def products(found: list[tuple[str, str]]) -> list[str]:
    return [record for kind, record in found if kind == "san-pham"]


@pytest.mark.parametrize("query", ["Đắk Nông", "dak nong"])
def test_legacy_province_finds_its_products_and_only_them(sample_site, page, query):
    _, server = sample_site
    assert set(products(search(page, server, query))) == DAK_NONG


def test_legacy_province_without_accents_finds_all_its_products_first(sample_site, page):
    _, server = sample_site
    found = products(search(page, server, "Hai Duong"))
    assert set(found[:len(HAI_DUONG)]) == HAI_DUONG, found


def test_ward_name_ranks_its_products_first(sample_site, page):
    _, server = sample_site
    found = search(page, server, "Bat Trang")
    assert set(products(found)) == BAT_TRANG  # the pottery village, never a basket that mentions "bát"
    assert found[0] == ("chu-the", "ct-ha-noi-0001") or found[0][1] in BAT_TRANG


def test_star_query_is_the_star_facet(sample_site, page, shot):
    _, server = sample_site
    found = products(search(page, server, "5 sao"))
    assert "sp-ha-noi-0001" in found and len(found) >= 2
    stars = page.locator("#search-results li .result-state .stars").all_inner_texts()
    assert stars and all(s == "★★★★★" for s in stars)
    assert page.locator("#search-results .result-chu-the, #search-results .result-quyet-dinh").count() == 0
    assert products(search(page, server, "ca phe 4 sao")) and all(
        s == "★★★★" for s in page.locator("#search-results li .result-state .stars").all_inner_texts())


def test_a_search_by_facets_alone_downloads_one_index_chunk(sample_site, page):
    """Pagefind answers an empty query by downloading every index chunk; search.js looks up the word every
    record page has instead (search_index.EVERY_PAGE): the same results for one small chunk."""
    site, server = sample_site
    assert len(list((site / "pagefind" / "index").glob("*.pf_index"))) > 1  # else this test proves nothing
    chunks: list[str] = []
    page.on("request", lambda r: chunks.append(r.url) if r.url.endswith(".pf_index") else None)
    found = products(search(page, server, "5 sao"))
    assert len(chunks) == 1, chunks
    five = {f.parent.name for f in (site / "san-pham").glob("*/index.html")
            if '<span data-pagefind-filter="sao">5 sao</span>' in f.read_text(encoding="utf-8")}
    assert "sp-ha-noi-0001" in found and set(found) == five  # every 5★ product, only those


def test_decision_number_finds_the_decision_first(sample_site, page):
    _, server = sample_site
    bundles: set[str] = set()
    page.on("request", lambda r: bundles.add(urlparse(r.url).path.split("/")[1]) if "/pagefind" in r.url else None)
    found = search(page, server, "915/QĐ-UBND")
    assert found[0] == ("quyet-dinh", "qd-lam-dong-2026-001")
    assert bundles == {"pagefind", "pagefind-quyet-dinh"}  # products and decisions; producers' bundle not fetched
    assert page.locator("#search-results li .kind").first.inner_text().lower() == "quyết định"


def test_results_show_clean_text_stars_and_a_state_never_the_folded_copy(sample_site, page, shot):
    _, server = sample_site
    found = search(page, server, "ca phe")
    assert ("san-pham", "sp-dak-lak-9001") in found and {kind for kind, _ in found} == {"san-pham"}
    page.click("#search-records")  # producers and decisions: their own bundle, merged in on demand
    page.wait_for_selector("#search-results li.result-chu-the")
    found = results(page)
    assert ("chu-the", "ct-dak-lak-9001") in found and ("san-pham", "sp-dak-lak-9001") in found
    assert page.locator("#search-records").is_hidden()
    text = page.locator("#search-results").inner_text()
    assert "Cà phê" in text and not re.search(r"\bca phe\b", text)  # what is shown is the record, accented
    first = page.locator("#search-results li.result-san-pham").first
    assert first.locator(".state").count() == 1 and first.locator(".result-summary").inner_text()
    summary = page.locator("#search-results li", has=page.locator("a[href$='san-pham/sp-dak-lak-9001/']"))
    assert summary.locator(".result-summary").inner_text() == "Hợp tác xã Cà phê Ea Kao · Ea Kao, Đắk Lắk"
    decision = search(page, server, "915/QĐ-UBND") and page.locator("#search-results li.result-quyet-dinh").first
    assert re.fullmatch(r"ngày \d\d/\d\d/\d{4} · .+", decision.locator(".result-summary").inner_text())
    shot(page, "search")
    assert page.guard.errors == []


def test_query_and_facets_live_in_the_url_and_back_undoes(sample_site, page, shot):
    _, server = sample_site
    everything = search(page, server, "ca phe")
    page.click("#search-facets summary")
    page.wait_for_selector("#search-f-tinh option[value='Tỉnh Lâm Đồng']", state="attached")
    page.select_option("#search-f-tinh", "Tỉnh Lâm Đồng")
    narrowed = results(page)
    assert parse_qs(urlparse(page.url).query) == {"q": ["ca phe"], "tinh": ["Tỉnh Lâm Đồng"]}
    assert narrowed and len(narrowed) < len(everything)
    assert all("lam-dong" in record for _, record in narrowed)
    shot(page, "search-facets")
    shared = page.url
    page.go_back()
    assert "tinh=" not in page.url
    page.wait_for_function("() => document.getElementById('search-f-tinh').value === ''")
    assert sorted(results(page)) == sorted(everything)
    page.goto(shared)  # a shared link opens the same search, its facet chosen
    assert sorted(results(page)) == sorted(narrowed)
    assert page.locator("#search-f-tinh").input_value() == "Tỉnh Lâm Đồng"


def test_home_search_box_leads_to_results(sample_site, page):
    _, server = sample_site
    page.goto(server.url)
    page.fill("#home-q", "Bát Tràng")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/tim-kiem/?q=*")
    assert set(products(results(page))) == BAT_TRANG


def test_catalogue_filters_live_in_the_url_and_agree_with_the_home_page(sample_site, page):
    _, server = sample_site
    page.goto(server.url)
    recognised = int(page.locator(".totals a strong").inner_text())
    three = page.locator("figure.chart").first.locator("g", has_text="3 sao").locator("title").text_content()
    page.click(".totals a")  # "N đang được công nhận" opens the catalogue filtered the same way
    page.wait_for_selector("#cat-body tr")
    assert page.locator("#cat-count").inner_text().startswith(f"{recognised} sản phẩm")
    page.select_option("#f-star", "3")
    assert parse_qs(urlparse(page.url).query) == {"trang-thai": ["cong-nhan"], "sao": ["3"]}
    assert page.locator("#cat-count").inner_text().startswith(three.split(": ")[1] + " sản phẩm")
    page.go_back()
    page.wait_for_function("() => document.getElementById('f-star').value === ''")
    assert page.locator("#cat-count").inner_text().startswith(f"{recognised} sản phẩm")
    states = page.locator("#f-state option").all_inner_texts()
    assert states[:2] == ["Tất cả", "Đang được công nhận"] and "Chưa có giấy chứng nhận" not in states
    assert page.locator("#f-star option").all_inner_texts() == ["Tất cả", "3 sao", "4 sao", "5 sao"]
    provinces = page.locator("#f-province option").all_inner_texts()[1:]
    assert "Tỉnh Đắk Lắk" in provinces and "Tỉnh Cà Mau" not in provinces  # none there: no option


def test_state_is_recomputed_on_the_visitors_day(sample_site, page, shot):
    """Built on 23/11/2026; seen on 10/01/2027, a certificate that ended on 05/12/2026 is expired."""
    _, server = sample_site
    page.goto(server.url + "san-pham/sp-ha-noi-0005/")
    assert page.locator(".verdict .state").first.inner_text() == "Sắp hết hạn"  # the build's day
    built = page.locator(".verdict [data-ocop-slot=sentence]").inner_text()
    page.clock.set_fixed_time(dt.datetime(2027, 1, 10, 9))
    for path in ("san-pham/sp-ha-noi-0005/", "xac-minh/cn-ha-noi-2023-0001/"):
        page.goto(server.url + path)
        verdict = page.locator(".verdict")
        assert verdict.locator("[data-ocop-slot=sentence]").inner_text() == "Đã hết hạn ngày 05/12/2026"
        assert verdict.locator(".state").first.inner_text() == "Hết hạn"
        assert "Sắp hết hạn" not in page.locator("main").inner_text()
    page.goto(server.url + "san-pham/sp-ha-noi-0005/")
    assert page.locator(".verdict .stars:visible").count() == 0  # no current star on a lapsed product
    assert "Hiện không còn được công nhận OCOP" in page.locator(".verdict").inner_text()
    assert page.locator("button.print:visible").count() == 0
    shot(page, "product-expired-2027-01-10")
    assert built.startswith("Sắp hết hạn: còn hiệu lực đến 05/12/2026")
    assert page.guard.errors == []


def test_catalogue_and_search_recompute_states_too(sample_site, page):
    _, server = sample_site
    page.clock.set_fixed_time(dt.datetime(2027, 1, 10, 9))
    page.goto(server.url + "danh-muc/")
    page.wait_for_selector("#cat-body tr")
    row = page.locator("#cat-body tr", has=page.locator("a[href$='san-pham/sp-ha-noi-0005/']"))
    page.fill("#f-q", "")
    assert row.locator(".state").inner_text() == "Hết hạn" and row.locator(".stars").inner_text() == ""
    found = search(page, server, "Hà Nội")
    assert ("san-pham", "sp-ha-noi-0005") in found
    item = page.locator("#search-results li", has=page.locator("a[href$='san-pham/sp-ha-noi-0005/']"))
    assert "Đã hết hạn ngày 05/12/2026" in item.inner_text()


def test_without_javascript_the_build_date_state_stays(sample_site, browser):
    _, server = sample_site
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "san-pham/sp-ha-noi-0005/")
        assert page.locator(".verdict .state").first.inner_text() == "Sắp hết hạn"
        assert page.locator(".verdict [data-ocop-slot=sentence]").inner_text() == \
            "Sắp hết hạn: còn hiệu lực đến 05/12/2026 (còn 12 ngày)"
    finally:
        context.close()


def test_browser_and_build_word_every_state_alike(sample_site, page, browser):
    """On the build's day the script must write what Python wrote (one wording, one set of thresholds)."""
    _, server = sample_site
    context = browser.new_context(java_script_enabled=False)
    try:
        static = context.new_page()
        for path in ("san-pham/sp-lam-dong-0006/", "san-pham/sp-dak-lak-9001/", "san-pham/sp-ha-noi-0005/",
                     "xac-minh/cn-hai-phong-2024-0001/", "san-pham/sp-hai-phong-0005/"):
            static.goto(server.url + path)
            page.goto(server.url + path)
            assert page.locator("[data-ocop-slot=sentence]").all_inner_texts() == \
                static.locator("[data-ocop-slot=sentence]").all_inner_texts()
            assert page.locator("[data-ocop-slot=badge]").all_inner_texts() == \
                static.locator("[data-ocop-slot=badge]").all_inner_texts()
    finally:
        context.close()
    page.goto(server.url + "san-pham/sp-lam-dong-0006/")
    assert page.locator(".verdict [data-ocop-slot=sentence]").inner_text().startswith(
        "Bị thu hồi ngày 15/04/2026 theo Quyết định 915/QĐ-UBND — lý do: Không đạt tiêu chí bắt buộc")


def test_record_history_lists_changes_field_by_field(sample_site, page, shot):
    _, server = sample_site
    page.goto(server.url + "san-pham/sp-dak-lak-9001/")
    section = page.locator("section.history")
    assert section.locator("h2").inner_text() == "Lịch sử thay đổi"
    changes = section.locator("ol.changes > li")
    assert changes.count() == 2
    newest, first = changes.nth(0), changes.nth(1)
    assert "yêu cầu hợp nhất #12" in newest.inner_text() and "Trưởng nhóm Đắk Lắk" in newest.inner_text()
    assert newest.locator("a", has_text="#12").get_attribute("href") == \
        "https://github.com/ocop-vn/ocop-registry/pull/12"
    assert re.fullmatch(r"https://github\.com/ocop-vn/ocop-registry/commit/[0-9a-f]{40}",
                        newest.locator("a").first.get_attribute("href"))
    cells = newest.locator("tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["Mô tả", "Cà phê Robusta rang mộc, túi 500 g.",
                     "Cà phê Robusta chín đỏ, rang mộc, đặc sản của buôn Kao; túi 500 g."]
    assert newest.locator("tbody tr").count() == 1
    assert "Tạo hồ sơ" in first.inner_text() and "#3" in first.inner_text()
    assert "bản sao nông" not in section.inner_text()
    section.scroll_into_view_if_needed()
    shot(page, "history")
    page.goto(server.url + "chu-the/ct-dak-lak-9001/")
    assert page.locator("section.history ol.changes > li").count() == 1
