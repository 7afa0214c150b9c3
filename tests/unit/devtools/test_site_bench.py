"""The bench sorts what the search page fetched by kind of Pagefind file (its per-file lines)."""

from __future__ import annotations

import pytest

from ocop.devtools import site_bench


@pytest.mark.parametrize(("url", "kind"), [
    ("http://h/pagefind/pagefind-entry.json?ts=1", "entry"),
    ("http://h/pagefind/pagefind.vi_fbd589bee3.pf_meta", "meta"),
    ("http://h/pagefind/wasm.unknown.pagefind", "wasm"),
    ("http://h/pagefind/index/vi_891cb99.pf_index", "index"),
    ("http://h/pagefind/filter/vi_85e12a6.pf_filter", "filter"),
    ("http://h/pagefind-quyet-dinh/fragment/vi_1621244.pf_fragment", "fragment"),
    ("http://h/pagefind/pagefind.js", "js"),
    ("http://h/pagefind/pagefind-worker.js", "js"),
    ("http://h/pagefind/pagefind-ui.css", "other"),
])
def test_file_kind(url: str, kind: str):
    assert site_bench.file_kind(url) == kind

