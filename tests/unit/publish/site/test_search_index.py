"""What a record page gives the search index: folded words to match, the record's own text to show."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ocop.check.pipeline import load_registry
from ocop.publish.site import generator, model, search_index
from ocop_testing import REPO

FOLDED = re.compile(r"^[a-z0-9 ]*$")  # what search.js makes of a query (fold.js): no accents, no đ, lower case


@pytest.fixture(scope="module")
def sample() -> model.SiteModel:
    return model.build(load_registry(REPO, use_cache=False)[0], dt.date(2026, 11, 23), "https://ocop.example/")


def product_entry(sample: model.SiteModel, pid: str) -> dict:
    p = sample.products[pid]
    return search_index.product_search(p, "Hợp tác xã Gốm Lam Phong", "Thủ công mỹ nghệ")


def test_product_words_are_folded_and_weighted_name_first(sample: model.SiteModel):
    entry = product_entry(sample, "sp-ha-noi-0001")
    words = dict(entry["words"])
    assert entry["words"][0] == (1, search_index.EVERY_PAGE)
    assert words[10] == "binh gom men lam ve tay lam phong"
    assert words[4] == "hop tac xa gom lam phong"
    assert "bat trang" in words[3] and "gia lam" in words[3] and "ha noi" in words[3]
    assert all(FOLDED.match(text) for _, text in entry["words"]), entry["words"]


def test_product_shows_its_own_accented_text(sample: model.SiteModel):
    entry = product_entry(sample, "sp-ha-noi-0001")
    assert entry["title"] == "Bình gốm men lam vẽ tay Lam Phong"
    assert entry["meta"]["mo-ta"] == "Hợp tác xã Gốm Lam Phong · Bát Tràng, Gia Lâm, Hà Nội"
    assert re.fullmatch(r"(\d{8}|-)( (\d{8}|-)){3}", entry["meta"]["cert"])
    assert entry["filters"]["loai"] == "Sản phẩm" and entry["filters"]["sao"].endswith(" sao")


def test_legacy_province_is_matched_without_its_d(sample: model.SiteModel):
    """"dak nong" (what people type, folded) is in the words of a product addressed in 2004's Đắk Nông."""
    entry = product_entry(sample, "sp-lam-dong-0003")
    assert "dak nong" in dict(entry["words"])[3]
    assert "Đắk Nông" in entry["meta"]["mo-ta"]  # shown as written
    assert "dak nong" not in entry["meta"]["mo-ta"]


def test_no_type_word_and_no_shared_word_in_meta(sample: model.SiteModel):
    """Pagefind indexes meta too: type words ("Tỉnh", "Xã") and spelled-out dates would sit on every page."""
    for pid in sample.products:
        meta = product_entry(sample, pid)["meta"]
        assert not re.search(r"\b(Tỉnh|Thành phố|Xã|Huyện|ngày)\b", meta["mo-ta"]), meta


def test_decision_is_found_by_its_digits_and_shows_its_date_as_digits(sample: model.SiteModel):
    rec = sample.registry.get("decision", "qd-hai-phong-2022-001")
    entry = search_index.decision_search(rec, "UBND tỉnh Hải Dương", "Thành phố Hải Phòng")
    words = dict(entry["words"])
    number = rec.get("number")
    assert words[10] == "quyet dinh " + re.match(r"\d+", number).group(0)
    assert "ubnd tinh hai duong" in words[2]
    assert entry["title"] == f"Quyết định số {number}"
    assert entry["meta"] == {"mo-ta": "UBND tỉnh Hải Dương", "ngay": rec.get("date").replace("-", "")}


def test_producer_words_and_place():
    rec = load_registry(REPO, use_cache=False)[0].get("producer", "ct-ha-noi-0001")
    entry = search_index.producer_search(rec, rec.get("address"), "Thành phố Hà Nội")
    assert all(FOLDED.match(text) for _, text in entry["words"])
    assert entry["meta"]["mo-ta"].startswith("Bát Tràng")
    assert entry["filters"] == {"loai": "Chủ thể", "tinh": "Thành phố Hà Nội"}


@pytest.mark.parametrize(("day", "digits"), [("2023-04-03", "20230403"), ("", "-"), (None, "-"), ("2023-4-3", "-")])
def test_compact_day(day, digits):
    assert search_index.compact_day(day) == digits


def test_written_places_keep_numbered_wards_and_skip_missing_parts():
    address = {"ward": {"name": "Phường 5"}, "province": {"name": "Thành phố Hồ Chí Minh"}, "district": "x"}
    assert search_index.written_places(address) == "Phường 5, Hồ Chí Minh"
    assert search_index.written_places(None) == ""


def test_record_pages_carry_the_index_markup(tmp_path):
    """The generated page: folded words in the Pagefind body, the record's text in meta, no "¦" copies."""
    registry = load_registry(REPO, use_cache=False)[0]
    generator.generate(model.build(registry, dt.date(2026, 11, 23), "https://ocop.example/"), tmp_path / "docs")
    page = (tmp_path / "docs" / "san-pham" / "sp-ha-noi-0001" / "index.html").read_text(encoding="utf-8")
    body = re.search(r"<div data-pagefind-body hidden>(.*?)</div>", page, re.S).group(1)
    assert re.findall(r'data-pagefind-weight="(\d+)"', body)[:2] == ["1", "10"]
    assert all(FOLDED.match(t) for t in re.findall(r">([^<]*)</p>", body))
    assert '<span data-pagefind-meta="title">Bình gốm men lam vẽ tay Lam Phong</span>' in page
    assert 'data-pagefind-meta="mo-ta">' in page and "¦" not in page


def test_search_sources_hold_each_searchable_page_s_markup_alone(tmp_path):
    """What Pagefind reads (build.SEARCH_SRC): the page's marked index markup, as <folder>/<id>.html for the page
    <folder>/<id>/ (build.source_of), for the searched folders only."""
    from ocop.publish import build

    registry = load_registry(REPO, use_cache=False)[0]
    src = tmp_path / "search-src"
    generator.generate(model.build(registry, dt.date(2026, 11, 23), "https://ocop.example/"), tmp_path / "docs",
                       search_src=src)
    for folder in ("san-pham", "chu-the", "quyet-dinh"):
        pages = sorted(p.parent.relative_to(tmp_path / "docs").as_posix()
                       for p in (tmp_path / "docs" / folder).glob("*/index.html"))
        assert pages and [build.source_of(key) for key in pages] == sorted(
            p.relative_to(src).as_posix() for p in (src / folder).iterdir())
    page = (tmp_path / "docs" / "san-pham" / "sp-ha-noi-0001" / "index.html").read_text(encoding="utf-8")
    source = (src / build.source_of("san-pham/sp-ha-noi-0001")).read_text(encoding="utf-8")
    marked = page[page.index(search_index.SOURCE_START):page.index(search_index.SOURCE_END)]
    assert source == search_index.source_page(marked) and "data-pagefind-body" in marked and "<nav" not in source
    assert not (src / "xac-minh").exists()  # verify pages are not searched


def test_places_are_looked_up_once_per_address_and_unusual_ones_every_time():
    address = {"ward": {"level": "ward", "code": "00583", "version": "2004", "name": "Xã Bát Tràng"},
               "province": {"level": "province", "code": "01", "version": "2004", "name": "Thành phố Hà Nội"}}
    first = search_index.search_places(address)
    assert "Bát Tràng" in first and search_index.search_places(dict(address)) == first
    assert search_index._address_key(address) in search_index._PLACES
    odd = {**address, "ward": {"level": "ward", "code": 583, "name": "Xã Bát Tràng"}}  # not text: not cached
    assert search_index._address_key(odd) is None
    assert search_index.search_places(odd) == search_index.bare_places(model.place_names(odd))
