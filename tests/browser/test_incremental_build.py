"""One-record rebuilds (publish/incremental.py): after the session's sample build, change a product (then add
one and delete one) and `ocop build` again into the same output; the site must equal a full build of the same
tree from scratch, file for file and byte for byte (Pagefind's filter files compared by content: see
test_pagefind_is_deterministic_but_for_filter_order)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
from pathlib import Path

import cbor2
import pytest
import yaml

from ocop.cli.build import config_of
from ocop.config import BuildConfig
from ocop.model import units
from ocop.publish import build as build_module
from ocop.publish import incremental
from ocop.publish.build import PAGEFIND_BUNDLES, SEARCH_SRC, PagefindRun, build_site, page_url, source_glob

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 23)
EDITED = "registry/dak-lak/products/sp-dak-lak-9001.yaml"  # the coffee: a producer, certificate, decision, GTIN
NEW_NAME = "Cà phê Robusta rang xay Ea Kao"
DECISION = "registry/dak-lak/decisions/2025/qd-dak-lak-2025-901.yaml"  # the coffee's recognition


@pytest.fixture(scope="module")
def reproducible() -> None:
    """build.json's "built" time from SOURCE_DATE_EPOCH, as reproducible builds set it."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1795000000"
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH")
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(scope="module")
def previous(sample_root: Path, sample_site, tmp_path_factory: pytest.TempPathFactory, reproducible) -> tuple[Path, Path, str]:
    """A copy of the sample registry (a git checkout) and of its session build (output folder, manifest
    included), to change and rebuild; and the site URL it was built for."""
    site, server = sample_site
    base = tmp_path_factory.mktemp("incremental")
    shutil.copytree(sample_root, base / "root", symlinks=True)
    shutil.copytree(site.parent, base / "out", symlinks=True)
    return base / "root", base / "out", server.url


def build(root: Path, out: Path, url: str, full: bool = False) -> str:
    log = io.StringIO()
    result = build_site(BuildConfig(root, TODAY, url, out, documents=False, use_cache=False, incremental=not full), log)
    assert result.ok, log.getvalue()
    return log.getvalue()


def reference(root: Path, tmp: Path, url: str) -> Path:
    """A full build of the same tree into a new folder."""
    out = tmp / "reference"
    shutil.rmtree(out, ignore_errors=True)
    build(root, out, url, full=True)
    return out / "site"


def differences(a: Path, b: Path) -> list[str]:
    """Every file that is in one site and not the other or whose bytes differ; search bundles compared by
    content (bundle_content)."""
    bundles = set(PAGEFIND_BUNDLES)
    found = []
    files_a, files_b = set(files(a, bundles)), set(files(b, bundles))
    found += [f"only in the rebuild: {rel}" for rel in sorted(files_a - files_b)]
    found += [f"only in the full build: {rel}" for rel in sorted(files_b - files_a)]
    found += [f"differs: {rel}" for rel in sorted(files_a & files_b) if (a / rel).read_bytes() != (b / rel).read_bytes()]
    for name in sorted(bundles):
        if bundle_content(a / name) != bundle_content(b / name):
            found.append(f"search bundle differs: {name}")
    return found


def files(site: Path, skip: set[str]) -> list[str]:
    out = []
    for base, dirs, names in os.walk(site):
        rel = Path(base).relative_to(site).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skip]
        out += [name if rel == "." else f"{rel}/{name}" for name in names]
    return out


def bundle_content(bundle: Path) -> dict[str, object]:
    """A Pagefind bundle with its filter files decoded and their values sorted, and every name derived from
    a filter's or the metadata's hash replaced by that content (Pagefind writes filter values in hash-map
    order: the same pages give other bytes and other file names from run to run)."""
    filters = {path.stem: _filter(path) for path in sorted((bundle / "filter").glob("*.pf_filter"))}
    content: dict[str, object] = {}
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        if path.is_dir() or rel.startswith("filter/"):
            continue
        if path.suffix == ".pf_meta":
            content["meta"] = _swap(_decode(path.read_bytes()), filters)
        elif rel == "pagefind-entry.json":
            entry = json.loads(path.read_text(encoding="utf-8"))
            for language in entry["languages"].values():
                language["hash"] = "meta"
            content[rel] = entry
        else:
            content[rel] = path.read_bytes()
    content["filters"] = sorted(map(repr, filters.values()))
    return content


def _decode(raw: bytes) -> object:
    data = gzip.decompress(raw)
    assert data.startswith(b"pagefind_dcd")
    return cbor2.loads(data[len(b"pagefind_dcd"):])


def _filter(path: Path) -> object:
    name, values = _decode(path.read_bytes())
    return [name, sorted(values, key=repr)]


def _swap(value: object, filters: dict[str, object]) -> object:
    """value with filter hashes replaced by their content; a list of [name, filter] pairs is sorted (Pagefind
    lists the filters in hash-map order too)."""
    return _swapped(value, filters)[0]


def _swapped(value: object, filters: dict[str, object]) -> tuple[object, int]:
    """(value, 1 when it is a filter, 2 when it is a list holding one)."""
    if isinstance(value, str) and value in filters:
        return filters[value], 1
    if not isinstance(value, list):
        return value, 0
    items = [_swapped(v, filters) for v in value]
    out = [v for v, _ in items]
    if any(level == 2 for _, level in items):
        return sorted(out, key=repr), 0
    return out, 2 if any(level == 1 for _, level in items) else 0


def edit_name(root: Path) -> None:
    path = root / EDITED
    raw = path.read_text(encoding="utf-8")
    assert "Cà phê Robusta rang mộc Ea Kao" in raw
    path.write_text(raw.replace("Cà phê Robusta rang mộc Ea Kao", NEW_NAME), encoding="utf-8")


def test_changed_product_rebuilds_to_the_full_build(previous: tuple[Path, Path, str], tmp_path: Path) -> None:
    root, out, url = previous
    before = out / "site" / "san-pham" / "sp-dak-lak-9001" / "index.html"
    untouched = out / "site" / "san-pham" / "sp-ha-noi-0001" / "index.html"
    mtime = untouched.stat().st_mtime_ns
    edit_name(root)
    log = build(root, out, url)
    assert "dựng lại một phần: 1 tệp hồ sơ thay đổi" in log, log
    # the name is in the product's search markup only (the producer's lists it, outside its search markup)
    assert "chỉ mục tìm kiếm dựng lại: pagefind\n" in log, log
    assert "từ đầu" not in log, log  # Pagefind wrote into the previous bundle (build.BundleRun)
    assert NEW_NAME in before.read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == mtime, "a page far from the change was written again"
    assert differences(out / "site", reference(root, tmp_path, url)) == []


def bundle_times(site: Path) -> dict[str, list[int]]:
    """Each search bundle's files' modification times (a bundle indexed again has new ones)."""
    return {name: sorted(p.stat().st_mtime_ns for p in (site / name).rglob("*") if p.is_file())
            for name in PAGEFIND_BUNDLES}


def test_a_change_outside_the_search_markup_indexes_nothing(previous: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A description is on the product's page but not in what search indexes: the page is written again, its
    producer's page is made again (within reach) but comes out the same and is left alone, and no bundle is
    indexed again; the site still equals a full build."""
    root, out, url = previous
    path = root / EDITED
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace("description: ", "description: Đóng gói mới. ", 1), encoding="utf-8")
    producer = out / "site" / "chu-the" / "ct-dak-lak-9001" / "index.html"
    before, times = producer.stat().st_mtime_ns, bundle_times(out / "site")
    log = build(root, out, url)
    assert "chỉ mục tìm kiếm dựng lại: không có\n" in log, log
    assert producer.stat().st_mtime_ns == before
    assert bundle_times(out / "site") == times
    assert "Đóng gói mới." in (out / "site" / "san-pham" / "sp-dak-lak-9001" / "index.html").read_text(encoding="utf-8")
    assert differences(out / "site", reference(root, tmp_path, url)) == []


def test_a_searchable_change_indexes_exactly_its_bundle(previous: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A decision's title is in the decision's search markup and nowhere else's: only the decisions' bundle is
    indexed again, and the site equals a full build."""
    root, out, url = previous
    path = root / DECISION
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace("title: Công nhận", "title: Quyết định công nhận", 1), encoding="utf-8")
    times = bundle_times(out / "site")
    log = build(root, out, url)
    assert "chỉ mục tìm kiếm dựng lại: pagefind-quyet-dinh\n" in log, log
    after = bundle_times(out / "site")
    assert [name for name in PAGEFIND_BUNDLES if after[name] != times[name]] == ["pagefind-quyet-dinh"]
    assert differences(out / "site", reference(root, tmp_path, url)) == []


def test_added_and_deleted_records_rebuild_to_the_full_build(previous: tuple[Path, Path, str], tmp_path: Path) -> None:
    """A new product, and a revocation decision deleted (its certificate is no longer revoked): then the new
    product deleted again. Each rebuild equals a full build."""
    root, out, url = previous
    site = out / "site"
    source = root / "registry" / "ha-noi" / "products" / "sp-ha-noi-0002.yaml"
    added = source.with_name("sp-ha-noi-0888.yaml")
    data = source.read_text(encoding="utf-8").replace(source.stem, added.stem)
    added.write_text("".join(line for line in data.splitlines(keepends=True) if not line.startswith("gtin:")),
                     encoding="utf-8")  # a GTIN two products claim is an error
    revocation = unreferenced_decision(root)
    revocation.unlink()
    log = build(root, out, url)
    assert "dựng lại một phần: 2 tệp hồ sơ thay đổi" in log, log
    assert (site / "san-pham" / added.stem / "index.html").is_file()
    assert not (site / "quyet-dinh" / revocation.stem).exists()
    assert not (site / "api" / "v1" / "decisions" / f"{revocation.stem}.json").exists()
    assert added.stem in (site / "api" / "v1" / "catalogue.json").read_text(encoding="utf-8")
    assert differences(site, reference(root, tmp_path, url)) == []

    added.unlink()
    log = build(root, out, url)
    assert "dựng lại một phần: 1 tệp hồ sơ thay đổi" in log, log
    assert not (site / "san-pham" / added.stem).exists()
    assert differences(site, reference(root, tmp_path, url)) == []


def unreferenced_decision(root: Path) -> Path:
    """A decision no other record names (a revocation): deleting it leaves the registry valid."""
    named = set()
    found = {}
    for path in (root / "registry").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and path.parent.parent.name == "decisions":
            found[data["id"]] = path
        if isinstance(data, dict):
            named.update(_strings({k: v for k, v in data.items() if k != "id"}))
    lonely = sorted(path for record_id, path in found.items() if record_id not in named)
    assert lonely, "the sample registry has a revocation decision no record names"
    return lonely[0]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_a_rebuild_that_skips_a_page_is_caught(sample_root: Path, sample_site, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, reproducible) -> None:
    """The comparison above can fail: with no reach (only the changed record's own outputs made again), the
    producer's and decision's pages keep the old name, and the comparison names them."""
    site, server = sample_site
    root, out = tmp_path / "root", tmp_path / "out"
    shutil.copytree(sample_root, root, symlinks=True)
    shutil.copytree(site.parent, out, symlinks=True)
    edit_name(root)
    monkeypatch.setattr(incremental, "SITE_RADIUS", 0)
    build(root, out, server.url)
    found = differences(out / "site", reference(root, tmp_path, server.url))
    assert "differs: chu-the/ct-dak-lak-9001/index.html" in found, found
    assert not any("san-pham/sp-dak-lak-9001/" in line for line in found), found


def fresh_copy(sample_root: Path, sample_site, tmp_path: Path) -> tuple[Path, Path, str]:
    site, server = sample_site
    root, out = tmp_path / "root", tmp_path / "out"
    shutil.copytree(sample_root, root, symlinks=True)
    shutil.copytree(site.parent, out, symlinks=True)
    return root, out, server.url


def test_a_record_saved_during_a_build_is_made_again_by_the_next(sample_root: Path, sample_site, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   reproducible) -> None:
    """The officer saves a product while a build runs, after validation read it: that build shows the old
    name, and the next one must see the file as changed (its digest was taken before validation)."""
    root, out, url = fresh_copy(sample_root, sample_site, tmp_path)
    real_build = build_module.model.build

    def save_then_build(*args, **kwargs):
        edit_name(root)  # after validation, before the manifest's digests
        return real_build(*args, **kwargs)

    monkeypatch.setattr(build_module.model, "build", save_then_build)
    build(root, out, url)
    monkeypatch.setattr(build_module.model, "build", real_build)
    page = out / "site" / "san-pham" / "sp-dak-lak-9001" / "index.html"
    assert NEW_NAME not in page.read_text(encoding="utf-8")  # this build rendered what it validated
    log = build(root, out, url)
    assert "dựng lại một phần: 1 tệp hồ sơ thay đổi" in log, log
    assert NEW_NAME in page.read_text(encoding="utf-8")
    assert differences(out / "site", reference(root, tmp_path, url)) == []


def test_a_theme_override_change_makes_a_full_build(sample_root: Path, sample_site, tmp_path: Path,
                                                     reproducible) -> None:
    """Record pages take their chrome from the theme's custom_dir, which a registry with its own mkdocs.yml
    holds under its root (not in the code's tree digest): changing it must rebuild every page."""
    root, out, url = fresh_copy(sample_root, sample_site, tmp_path)
    cfg = root / "mkdocs.yml"
    if not cfg.is_file():
        shutil.copy(REPO / "mkdocs.yml", cfg)
        shutil.copytree(REPO / "tools" / "ocop" / "publish" / "site" / "overrides",
                        root / "tools" / "ocop" / "publish" / "site" / "overrides", dirs_exist_ok=True)
        build(root, out, url)  # the registry's own config is itself a change: a full build first
    partial = root / "tools" / "ocop" / "publish" / "site" / "overrides" / "partials" / "copyright.html"
    partial.write_text(partial.read_text(encoding="utf-8") + "<!-- chân trang mới -->\n", encoding="utf-8")
    log = build(root, out, url)
    assert "dựng toàn bộ: đã thay đổi: giao diện" in log, log
    assert "chân trang mới" in (out / "site" / "san-pham" / "sp-dak-lak-9001" / "index.html").read_text(encoding="utf-8")


def test_global_change_makes_a_full_build(previous: tuple[Path, Path, str]) -> None:
    """Another build date changes every page's state: the build says so and builds everything (the last test
    of this module on `previous`)."""
    root, out, url = previous
    log = io.StringIO()
    result = build_site(BuildConfig(root, TODAY + dt.timedelta(days=1), url, out, documents=False, use_cache=False),
                        log)
    assert result.ok
    assert "dựng toàn bộ: đã thay đổi: ngày dựng (--today)" in log.getvalue()


def test_pagefind_is_deterministic_but_for_filter_order(sample_site, tmp_path: Path) -> None:
    """Pagefind 1.5.2 over the same pages: index chunks, fragments and scripts are byte-identical; the filter
    files hold the same values in hash-map order (upstream Pagefind issue 638), so their bytes and names
    may differ, and bundle_content (which the rebuild tests use) sees through that."""
    site, _server = sample_site
    name, glob = "pagefind", source_glob(PAGEFIND_BUNDLES["pagefind"])
    runs = []
    for n in range(2):
        run = PagefindRun(site.parent / SEARCH_SRC, tmp_path / f"bundle-{n}", glob)
        run.start()
        run.finish(tmp_path / f"{name}-{n}")
        runs.append(tmp_path / f"{name}-{n}")
    first, second = (bundle_content(r) for r in runs)
    assert first == second
    same = [p.relative_to(runs[0]).as_posix() for p in runs[0].rglob("*") if p.is_file()
            and p.parent.name in ("index", "fragment")]
    assert same and all((runs[0] / rel).read_bytes() == (runs[1] / rel).read_bytes() for rel in same)
    assert bundle_content(runs[0]) == bundle_content(site / name)  # the site's bundle is these sources' too


def test_search_sources_index_as_the_pages_do(sample_site, tmp_path: Path) -> None:
    """Pagefind over the search sources (build.SEARCH_SRC: each page's index markup alone) gives what it gives
    over the whole pages: the same words, the same filters, the same results' meta. The one difference: over a
    whole page Pagefind also takes the page's first image as `image` meta and indexes its address and alt text
    (search.js shows neither), so fragments are compared without it and the words only it adds are allowed."""
    site, _server = sample_site
    for name, glob in PAGEFIND_BUNDLES.items():
        runs = {}
        for kind, pages, files in (("pages", site, glob), ("sources", site.parent / SEARCH_SRC, source_glob(glob))):
            run = PagefindRun(pages, tmp_path / f"{name}-{kind}-bundle", files)
            run.start()
            run.finish(tmp_path / f"{name}-{kind}")
            runs[kind] = tmp_path / f"{name}-{kind}"
        pages, sources = (_without_images(r) for r in runs.values())
        assert pages["fragments"] and pages["fragments"] == sources["fragments"], name
        assert pages["filters"] == sources["filters"], name
        image_text = re.sub(r"\W", "", units.fold(" ".join(pages["alts"])))  # Pagefind splits it its way
        assert sources["words"] <= pages["words"], name
        assert all(word in image_text for word in pages["words"] - sources["words"]), name
        assert len(list((site.parent / SEARCH_SRC).glob(source_glob(glob)))) == len(list(site.glob(glob))), name


def _without_images(bundle: Path) -> dict[str, object]:
    """The indexed words, the filters, the fragments by URL less Pagefind's own image meta, and that meta's
    texts (Pagefind indexes the image's address and alt text as meta text too)."""
    fragments, alts, url_of = {}, [], {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{"):])
        alts += [fragment["meta"].pop(key, "") for key in ("image", "image_alt")]
        # a source's URL read as its page's, as search.js reads it; over the pages themselves Pagefind keeps
        # "index.html" (PagefindRun's --keep-index-url): "/san-pham/x/index.html" is the page "/san-pham/x/"
        fragment["url"] = page_url(fragment["url"].replace("/index.html", ".html"))
        fragments[fragment["url"]] = fragment
        url_of[path.stem] = fragment["url"]
    # a filter value lists pages by their place in the metadata's page list, whose order follows the fragments'
    # names (hashes of content that holds the URL): compared as the pages' URLs
    (meta,) = (_decode(p.read_bytes()) for p in bundle.glob("*.pf_meta"))
    pages = [url_of[page[0]] for page in meta[1]]
    filters = sorted(repr([name, sorted([value, sorted(pages[i] for i in numbers)] for value, numbers in values)])
                     for name, values in (_filter(p) for p in (bundle / "filter").glob("*.pf_filter")))
    words = {entry[0] for p in (bundle / "index").glob("*.pf_index") for entry in _decode(p.read_bytes())[0]}
    return {"fragments": fragments, "filters": filters, "words": words, "alts": alts}


def test_bundle_glob_matches_like_pagefind() -> None:
    rx = incremental.glob_regex("{chu-the,quyet-dinh}/*/index.html")
    assert rx.match("chu-the/ct-ha-noi-0001/index.html") and rx.match("quyet-dinh/qd-x/index.html")
    assert not rx.match("san-pham/sp-ha-noi-0001/index.html") and not rx.match("chu-the/a/b/index.html")
    assert incremental.glob_regex("san-pham/**/*.html").match("san-pham/a/b/index.html")
    sources = incremental.glob_regex(source_glob(PAGEFIND_BUNDLES["pagefind"]))
    assert sources.match("san-pham/sp-ha-noi-0001.html") and not sources.match("san-pham/a/b.html")


def test_full_flag_turns_incremental_off() -> None:
    from ocop.cli.main import build_parser

    parser = build_parser()
    assert config_of(parser.parse_args(["build", "--full"])).incremental is False
    assert config_of(parser.parse_args(["build"])).incremental is True
