"""A rebuild's Pagefind runs into the previous bundle (build.BundleRun): Pagefind writes only the fragments
and chunks it lacks, and what is left must be what a run from nothing gives, file for file and byte for byte
(pages without filters: Pagefind writes those in hash-map order)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ocop.publish import build

GLOB = build.source_glob(build.PAGEFIND_BUNDLES["pagefind"])  # the build's search sources: san-pham/<id>.html


def page(site: Path, n: int, words: str, head: str = "") -> str:
    rel = build.source_of(f"san-pham/sp-{n:02d}")
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(f'<!doctype html><html lang="vi"><head>{head}</head><body><div data-pagefind-body>'
                            f"<h1>Trang {n}</h1><p>{words}</p></div></body></html>", encoding="utf-8")
    return rel


def pages(site: Path) -> None:
    for n in range(30):
        page(site, n, f"ca phe so {n} dak nong {n % 7}")


def bundle_from_nothing(site: Path, dest: Path) -> Path:
    run = build.PagefindRun(site, dest.with_name(dest.name + "-work"), GLOB)
    run.start()
    run.finish(dest)
    return dest


def files(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def again(site: Path, bundle: Path, written: set[str]) -> str:
    """BundleRun over the previous bundle; its log."""
    log = io.StringIO()
    run = build.BundleRun(site, bundle, bundle.with_name("work"), GLOB, written, log)
    run.start()
    run.finish()
    return log.getvalue()


def test_reused_bundle_equals_a_bundle_from_nothing(tmp_path: Path) -> None:
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    before = files(bundle)
    kept = bundle / "fragment" / sorted(p.name for p in (bundle / "fragment").iterdir())[0]
    inode = kept.stat().st_ino
    changed = page(site, 3, "tra shan tuyet moc chau")
    added = page(site, 40, "mat ong rung")
    (site / build.source_of("san-pham/sp-07")).unlink()
    log = again(site, bundle, {changed, added})
    assert "từ đầu" not in log, log
    expected = files(bundle_from_nothing(site, tmp_path / "reference"))
    assert files(bundle) == expected
    assert files(bundle) != before
    survivors = [p for p in (bundle / "fragment").iterdir() if p.stat().st_ino == inode]
    assert survivors, "an unchanged page's fragment was written again: nothing was reused"


def test_a_changed_page_without_a_new_fragment_is_indexed_from_nothing(tmp_path: Path) -> None:
    """A page whose search source changed must get a fragment written now; here its bytes change outside what
    Pagefind indexes (the same fragment, the same name: what a fragment sharing the name of an old one looks
    like), so the bundle is made again from nothing, and still equals one made from nothing."""
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    changed = page(site, 5, "ca phe so 5 dak nong 5", head="<title>khác</title>")
    log = again(site, bundle, {changed})
    assert "dựng lại chỉ mục từ đầu" in log, log
    assert files(bundle) == files(bundle_from_nothing(site, tmp_path / "reference"))


def test_an_unreadable_previous_bundle_is_indexed_from_nothing(tmp_path: Path) -> None:
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    (bundle / "pagefind-entry.json").write_text("{", encoding="utf-8")
    (bundle / "fragment" / "vi_stale.pf_fragment").write_bytes(b"stale")
    changed = page(site, 2, "banh trang")
    log = again(site, bundle, {changed})
    assert "không đọc được chỉ mục cũ" in log, log  # said: reuse lost on every rebuild would be a silent cost
    assert files(bundle) == files(bundle_from_nothing(site, tmp_path / "reference"))


def test_fragment_names_reject_a_name_that_is_a_path(tmp_path: Path) -> None:
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    names = build.fragment_names(bundle)
    assert names and all(build.FRAGMENT_NAME.fullmatch(n) for n in names) and len(names) == 30
    assert not build.FRAGMENT_NAME.fullmatch("../../x") and not build.FRAGMENT_NAME.fullmatch("a/b")


def test_search_url_is_pagefinds_and_page_url_reads_a_source_s_as_its_page_s() -> None:
    assert build.search_url(build.source_of("san-pham/sp-01")) == "/san-pham/sp-01.html"
    assert build.page_url("/san-pham/sp-ha-noi-index.html") == "/san-pham/sp-ha-noi-index/"
    assert build.page_url("/san-pham/index.html") == "/san-pham/index/"
    assert build.page_url("/san-pham/sp-01.html") == "/san-pham/sp-01/" == build.page_url("/san-pham/sp-01/")
    assert build.source_glob("chu-the/*/index.html") == "chu-the/*.html"


def test_pagefind_gives_a_source_the_url_search_url_says(tmp_path: Path) -> None:
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    names = build.fragment_names(bundle)
    assert names is not None
    expected = {build.search_url(build.source_of(f"san-pham/sp-{n:02d}")) for n in range(30)}
    assert build.fragment_urls(bundle, names) == expected
    for odd in ("sp-ha-noi-index", "index"):  # ids ending in "index" keep their whole name (--keep-index-url)
        page(site, 0, "mat ong")
        (site / build.source_of("san-pham/sp-00")).rename(site / build.source_of(f"san-pham/{odd}"))
        again = bundle_from_nothing(site, tmp_path / f"pagefind-{odd}")
        urls = build.fragment_urls(again, build.fragment_names(again) or set())
        assert build.search_url(build.source_of(f"san-pham/{odd}")) in urls, sorted(urls)[:3]


@pytest.mark.parametrize("entry", [
    {"languages": {"vi": {"hash": "../../../etc/x"}}},  # a language hash that is a path: never opened
    {"languages": {"vi": {"hash": 7}}},
    {"languages": []},
    [],
])
def test_fragment_names_refuse_metadata_of_another_shape(tmp_path: Path, entry: object) -> None:
    site = tmp_path / "src"
    pages(site)
    bundle = bundle_from_nothing(site, tmp_path / "pagefind")
    (bundle / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    assert build.fragment_names(bundle) is None


def test_a_failing_step_stops_the_pagefind_runs(tmp_path: Path) -> None:
    """Full build and rebuild alike: a step that fails while Pagefind runs leaves no Pagefind behind it."""
    out = tmp_path / "out"
    pages(out / build.SEARCH_SRC)
    runs = build.bundle_runs(out, build.PAGEFIND_BUNDLES, set(), io.StringIO())
    with pytest.raises(RuntimeError), build.stopped_on_failure(runs):
        runs.start()
        raise RuntimeError("bước dựng thất bại")
    procs = [run.run.proc for run in runs.runs]
    assert procs and all(proc is not None and proc.poll() is not None for proc in procs)


def test_a_full_build_s_runs_make_each_bundle_from_nothing_into_the_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pages(out / build.SEARCH_SRC)
    runs = build.bundle_runs(out, {"pagefind": build.PAGEFIND_BUNDLES["pagefind"]}, set(), io.StringIO())
    runs.start()
    (out / "site").mkdir()
    runs.finish()
    assert files(out / "site" / "pagefind") == files(bundle_from_nothing(out / build.SEARCH_SRC, tmp_path / "ref"))
