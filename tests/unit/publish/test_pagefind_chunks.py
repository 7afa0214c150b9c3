"""The build's Pagefind runs cut the index into chunks of PAGEFIND_CHUNK_SIZE postings.

Pagefind 1.5.2 reads the size from PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE (its default is 20,000): if an
upgrade ignores it, a query at national scale downloads 30-60 KB per word again (build.py)."""

from __future__ import annotations

from pathlib import Path

from ocop.publish import build

WORDS = [f"tu{n:03d}" for n in range(300)]


def pages(site: Path) -> None:
    for n in range(40):  # each page: 60 distinct words, each word on 8 pages
        folder = site / "san-pham" / f"sp-{n:02d}"
        folder.mkdir(parents=True)
        words = " ".join(WORDS[(n * 7 + k) % len(WORDS)] for k in range(60))
        folder.joinpath("index.html").write_text(
            f'<!doctype html><html lang="vi"><body><div data-pagefind-body><p>{words}</p></div></body></html>',
            encoding="utf-8")


def chunks(site: Path, size: int, out: Path) -> int:
    out.mkdir()
    run = build.PagefindRun(site, out / "bundle", build.PAGEFIND_BUNDLES["pagefind"], chunk_size=size)
    run.start()
    run.finish(out / "pagefind")
    return len(list((out / "pagefind" / "index").glob("*.pf_index")))


def test_chunk_size_reaches_pagefind(tmp_path: Path):
    pages(tmp_path / "site")
    default = chunks(tmp_path / "site", 20_000, tmp_path / "default")
    small = chunks(tmp_path / "site", 200, tmp_path / "small")
    assert default == 1  # 2,400 postings fit one chunk of Pagefind's default size
    assert small >= 8, small  # ~2 postings each (page + position): a chunk every ~100 postings


def test_the_build_asks_for_small_chunks():
    assert 500 <= build.PAGEFIND_CHUNK_SIZE < 20_000
