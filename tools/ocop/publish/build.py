"""`ocop build`: validate → generate pages → mkdocs build --strict → Pagefind → plan documents."""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import cbor2
import jinja2

from ocop.authoring import cms, guide
from ocop.check import worktree
from ocop.check.pipeline import validate
from ocop.config import BuildConfig, mkdocs_config, repo_url_of, site_url_of
from ocop.findings import Finding, has_errors, make
from ocop.model.registry import Registry
from ocop.publish import documents, incremental, opendata
from ocop.publish.site import chrome, generator, history, model
from ocop.publish.stamps import site as stamps_site
from ocop.report import REPORTERS, Report

# Search bundles, one per kind of record (each page says what to index: templates/search_index.html). A query
# downloads the bundle's page list (~6 bytes a page), Pagefind's WASM and script, and one index chunk per
# word: products alone keep a query near 240 KB at 20,000 products; producers' and decisions' bundles are
# merged in when a search asks for them (search.js: a decision number merges only the decisions').
PAGEFIND_BUNDLES = {"pagefind": "san-pham/*/index.html", "pagefind-chu-the": "chu-the/*/index.html",
                    "pagefind-quyet-dinh": "quyet-dinh/*/index.html"}
# Postings per index chunk (Pagefind's default: 20,000, ~30-60 KB of folded words a chunk). Smaller chunks
# download less per word and add ~20 bytes a chunk to the page list: at 20,000 products 2,000 gave the
# fewest bytes for "ca phe" and "dak nong". Pagefind 1.5.2 reads it from the environment (marked unstable:
# tests/unit/publish/test_pagefind_chunks.py notices if a Pagefind upgrade ignores it).
PAGEFIND_CHUNK_SIZE = 2000


# Pagefind reads each searchable page's index markup alone from here (Generator.search_source), not the
# ~25 KB pages: the same bundles for a third of its CPU. Kept between builds: a rebuild writes the pages it makes.
# A page's source is one file, <folder>/<id>.html (a folder per page cost ~5 s at 10,000 products), so Pagefind
# gives it the URL /<folder>/<id>.html: search.js and page_url() read it as the page's /<folder>/<id>/.
SEARCH_SRC = "search-src"


def source_glob(page_glob: str) -> str:
    """The search sources of a bundle's pages: "san-pham/*/index.html" → "san-pham/*.html"."""
    return page_glob.removesuffix("/index.html") + ".html"


def source_of(key: str) -> str:
    """A page folder's search source: "san-pham/sp-x" → "san-pham/sp-x.html"."""
    return f"{key}.html"


class BuildError(Exception):
    """A step failed; the message is for the officer running the build (Vietnamese)."""


@dataclass
class BuildResult:
    ok: bool
    site: Path
    timings: dict[str, float] = field(default_factory=dict)
    documents: str = ""
    failed: list[Finding] = field(default_factory=list)  # plans whose documents could not be rendered
    memory: dict[str, float] = field(default_factory=dict)  # step → MB it added to the peak resident size


def build_site(config: BuildConfig, log: TextIO | None = None) -> BuildResult:
    """Build the whole public site of the registry at `config.root` into `config.out_dir`/site."""
    log = log or sys.stderr
    root = config.root.resolve()
    out = config.out_dir
    cfg = mkdocs_config(root)
    site_url = config.site_url or site_url_of(cfg)
    timings: dict[str, float] = {}
    memory: dict[str, float] = {}  # MB a step added to the peak (/proc clear_refs: Linux only)
    step = _stepper(timings, log, memory)

    previous = incremental.load(out)  # its file digests serve a full build too
    digests = incremental.FileDigests(root, previous.files if previous else {})
    listing = functools.cache(worktree.start_listing(root))  # one git listing, read by the digests and validation
    step("digest", lambda: digests.prime(listing()))  # before validation reads the records (prime says why)
    outcome = step("validate", lambda: validate(config.run(), listing=listing))
    if has_errors(outcome.findings):
        REPORTERS["text"](Report.of_findings(outcome.findings, outcome.files_checked), log)
    if has_errors(outcome.findings) and config.refuse_errors:
        log.write("ocop build: sổ đăng ký còn lỗi, không dựng trang web.\n")
        return BuildResult(False, out / "site", timings)
    rendered = step("documents", lambda: build_documents(root, outcome.registry, config)) if config.documents else None
    site_model = step("model", lambda: model.build(outcome.registry, config.today, site_url))
    changes = step("history", lambda: record_history(root, log))
    plan, manifest = step("plan", lambda: plan_build(config, cfg, site_url, site_model, changes, previous, digests,
                                                     log))
    incremental.forget(out)  # until this build ends, the output matches no manifest
    stamps = step("sign", lambda: stamps_site.prepare(site_model, certs=None if plan.full else signed_certs(plan, site_model),
                                                     cache=out / "cache" / "stamps.marshal"))
    _stamp_notes(stamps, log, plan.full)
    if plan.full:
        full_build(config, cfg, site_url, site_model, stamps, changes, step, outcome.registry, log)
    else:
        incremental_build(config, cfg, site_url, site_model, stamps, changes, step, outcome.registry, plan, log)
    step("manifest", lambda: finish_manifest(out, manifest))
    failed = rendered.failed if rendered else []
    if failed:  # the site is complete but for those plans' documents: say which, and fail the build
        REPORTERS["text"](Report.of_findings(failed, len(failed)), log)
    return BuildResult(not failed, out / "site", timings, _documents_note(rendered), failed, memory)


def full_build(config: BuildConfig, cfg: Path, site_url: str, site_model: model.SiteModel, stamps: stamps_site.Stamps,
               changes: history.Histories, step: Callable, registry: Registry, log: TextIO) -> opendata.Published:
    """Every page, API file, bundle and dump, into a fresh site folder."""
    root, out = config.root.resolve(), config.out_dir
    records = out / "records"
    trash = discard(out, ("docs", "site", "records", SEARCH_SRC, *(f"{name}-bundle" for name in PAGEFIND_BUNDLES)))
    # every bundle from nothing (the site is fresh), started once generate has written the search sources
    indexer = bundle_runs(out, PAGEFIND_BUNDLES, set(), log) if config.pagefind else None
    with stopped_on_failure(indexer):
        step("generate", lambda: generator.generate(site_model, out / "docs", indexer.start if indexer else None,
                                                    records=records, qr_cache=out / "cache" / "site-qr.marshal",
                                                    photo_cache=out / "cache" / "photos", log=log, open_data=False,
                                                    template_cache=out / "cache" / "templates",
                                                    stamps=stamps, history=changes, repo_url=repo_url_of(cfg),
                                                    search_src=out / SEARCH_SRC if indexer else None))
        # one process while Pagefind indexes the record pages on the other core: measured at 20k products, forking
        # two API workers beside it made the build's tail 6.5 s longer, one process ~0.2 s
        published = step("api", lambda: opendata.publish(site_model, records, config.since_commit,
                                                         jobs=1 if indexer else None, changes=changes))
        guide.install(out / "docs")
        step("mkdocs", lambda: run_mkdocs(cfg, out / "docs", out / "site", site_url, generator.site_extra(site_model),
                                          out / "cache" / "templates"))
        step("admin", lambda: install_editor(out / "site", root, registry, log))
    if indexer:  # into the site MkDocs made
        step("pagefind (wait)", indexer.finish)
    merge_into(records, out / "site")  # renames instead of MkDocs copying ~70k files
    step("sitemap", lambda: opendata.finish(out / "site", site_model, published))
    if trash:
        trash.wait()
    return published


def plan_build(config: BuildConfig, cfg: Path, site_url: str, site_model: model.SiteModel,
               changes: history.Histories, previous: incremental.Manifest | None, digests: incremental.FileDigests,
               log: TextIO) -> tuple[incremental.Plan, incremental.Manifest]:
    """Full or incremental (and why), from the previous build's manifest and this build's inputs."""
    out = config.out_dir
    signers = stamps_site.prepare(site_model, certs=set()).signers  # finds the keys, signs nothing
    editor = cms.version() if (cms.DIST / "decap-cms.js").is_file() else "-"
    inputs = incremental.global_inputs(config, cfg, site_url, site_model, changes,
                                       ((slug, s.key.kid) for slug, s in signers.items()), editor)
    old = previous if config.incremental else None
    records, nodes = incremental.record_inputs(site_model.registry, changes, digests, previous)
    owned = incremental.owned_outputs(site_model)
    plan = (incremental.decide(old, inputs, records, nodes, owned, out / "site") if config.incremental
            else incremental.Plan("yêu cầu dựng lại toàn bộ (--full)"))
    if not plan.full and config.pagefind and not (out / SEARCH_SRC).is_dir():
        plan = incremental.Plan("nguồn chỉ mục tìm kiếm của bản dựng trước không còn")
    if plan.full:
        log.write(f"ocop build: dựng toàn bộ: {plan.reason}\n")
    else:
        log.write(f"ocop build: dựng lại một phần: {len(plan.changed)} tệp hồ sơ thay đổi, "
                  f"{len(plan.render)} trang và tệp API dựng lại, {len(plan.remove)} gỡ bỏ\n")
    bundles = dict(PAGEFIND_BUNDLES) if config.pagefind else {}
    return plan, incremental.Manifest(inputs, records, nodes, owned, bundles=bundles, files=digests.seen)


def signed_certs(plan: incremental.Plan, site_model: model.SiteModel) -> set[str]:
    """The certificates whose stamps the product pages made again show."""
    products = (site_model.products.get(pid) for pid in plan.selected("san-pham"))
    return {p.current.id for p in products if p and p.current}


def incremental_build(config: BuildConfig, cfg: Path, site_url: str, site_model: model.SiteModel,
                      stamps: stamps_site.Stamps, changes: history.Histories, step: Callable, registry: Registry,
                      plan: incremental.Plan, log: TextIO) -> opendata.Published:
    """Only the outputs that depend on changed records, and every aggregate, made in staging folders and
    moved into the previous site; search bundles whose search sources changed are indexed again, while the
    API, MkDocs and the sync run."""
    root, out = config.root.resolve(), config.out_dir
    site, records, hubs, sources = out / "site", out / "stage-records", out / "stage-site", out / "stage-search"
    trash = discard(out, ("stage-records", "stage-site", "stage-search",
                          *(f"{name}-bundle" for name in PAGEFIND_BUNDLES)))
    select = {folder: plan.selected(folder) for folder in incremental.PAGE_FOLDERS}
    step("generate", lambda: generator.generate(site_model, out / "docs", None, records=records,
                                                qr_cache=out / "cache" / "site-qr.marshal",
                                                photo_cache=out / "cache" / "photos", log=log, open_data=False,
                                                template_cache=out / "cache" / "templates",
                                                stamps=stamps, history=changes, repo_url=repo_url_of(cfg),
                                                select=select, search_src=sources if config.pagefind else None))
    # the search sources are final here: Pagefind runs on the other core while the API, MkDocs and the sync do
    indexer = step("search", lambda: reindex(site, out, sync_sources(out / SEARCH_SRC, sources, plan), log)
                   ) if config.pagefind else None
    with stopped_on_failure(indexer):
        published = step("api", lambda: opendata.publish(site_model, records, config.since_commit, jobs=1, changes=changes,
                                                         reuse=opendata.previous(site, plan.api_ids())))
        guide.install(out / "docs")
        step("mkdocs", lambda: run_mkdocs(cfg, out / "docs", hubs, site_url, generator.site_extra(site_model),
                                          out / "cache" / "templates"))
        step("admin", lambda: install_editor(hubs, root, registry, log))
        assert plan.previous is not None
        step("sync", lambda: sync_site(site, (hubs, records), plan, plan.previous))
        step("sitemap", lambda: opendata.finish(site, site_model, published))
    if indexer:
        step("pagefind (wait)", indexer.finish)
    leftovers = discard(out, ("stage-records", "stage-site", "stage-search"))  # what was not moved: unchanged
    for waiting in (trash, leftovers):
        if waiting:
            waiting.wait()
    return published


def sync_site(site: Path, stages: tuple[Path, ...], plan: incremental.Plan, old: incremental.Manifest) -> None:
    """Move the staged outputs into the site: owned outputs made again replace theirs where their bytes differ,
    outputs of records that are gone are removed, aggregates are replaced where their bytes differ and removed
    when no longer made. The last stage holds the owned outputs."""
    for key in sorted(plan.remove):
        _remove(site, key)
    for key in sorted(plan.render):
        _replace(site, stages[-1], key)
    made: set[str] = set()
    for stage in stages:  # MkDocs' output first: the records folder wins where both hold a file (as in full_build)
        for rel in incremental.files_under(stage):
            made.add(rel)
            target = site / rel
            source = stage / rel
            if target.is_file() and incremental.same_bytes(source, target):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for rel in set(old.aggregates) - made:  # no longer made (an empty legacy province's list, …)
        (site / rel).unlink(missing_ok=True)


def sync_sources(sources: Path, stage: Path, plan: incremental.Plan) -> set[str]:
    """The search sources of the pages made again (staged by generate) replace theirs where their bytes differ;
    those of records that are gone are removed. Returns the source paths written or removed: what Pagefind
    reads, so a page whose bytes changed (a producer listing its products' states) but whose search markup
    did not leaves its bundle as it was."""
    touched: set[str] = set()
    for key in sorted(plan.remove):
        touched |= _remove(sources, source_of(key))
    for key in sorted(plan.render):
        touched |= _replace(sources, stage, source_of(key))
    return touched


def _remove(site: Path, key: str) -> set[str]:
    target = site / key
    if target.is_dir():
        gone = {f"{key}/{name}" for name in incremental.files_under(target)}
        shutil.rmtree(target)
        return gone
    if target.exists():
        target.unlink()
        return {key}
    return set()


def _replace(site: Path, stage: Path, key: str) -> set[str]:
    """One owned output (a page folder or a file) made again: left as it was when every byte is the same."""
    target, source = site / key, stage / key
    if not source.exists():  # no longer made (a province without expiring certificates)
        return _remove(site, key)
    if source.is_dir():
        new = set(incremental.files_under(source))
        old = set(incremental.files_under(target)) if target.is_dir() else set()
        differ = (new ^ old) | {rel for rel in new & old if not incremental.same_bytes(source / rel, target / rel)}
        changed = {f"{key}/{rel}" for rel in differ}
    else:
        changed = set() if target.is_file() and incremental.same_bytes(source, target) else {key}
    if not changed:
        shutil.rmtree(source) if source.is_dir() else source.unlink()
        return set()
    _remove(site, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    return changed


def reindex(site: Path, out: Path, touched: set[str], log: TextIO) -> BundleRuns:
    """Start Pagefind again for each bundle of PAGEFIND_BUNDLES one of whose search sources was written or
    removed (or that the site lacks); `finish` moves them into the site."""
    dirty = {name: glob for name, glob in PAGEFIND_BUNDLES.items() if not (site / name).is_dir()
             or any(incremental.glob_regex(source_glob(glob)).match(rel) for rel in touched)}
    log.write(f"ocop build: chỉ mục tìm kiếm dựng lại: {', '.join(sorted(dirty)) or 'không có'}\n")
    runs = bundle_runs(out, dirty, {rel for rel in touched if (out / SEARCH_SRC / rel).is_file()}, log)
    runs.start()
    return runs


def bundle_runs(out: Path, bundles: dict[str, str], written: set[str], log: TextIO) -> BundleRuns:
    """A BundleRun per bundle (name → its pages' glob) over the search sources, into <out>/site/<name>: over
    the previous bundle where the site has one (a rebuild), from nothing where it has none (a full build)."""
    return BundleRuns([BundleRun(out / SEARCH_SRC, out / "site" / name, out / f"{name}-bundle", source_glob(glob),
                                 written, log) for name, glob in bundles.items()])


@contextlib.contextmanager
def stopped_on_failure(runs: BundleRuns | None) -> Iterator[None]:
    """A step that fails stops the Pagefind runs: none is left writing into the output behind a failed build."""
    try:
        yield
    except BaseException:
        if runs:
            runs.stop()
        raise


def finish_manifest(out: Path, manifest: incremental.Manifest) -> None:
    """What this build made, for the next one to compare with (written last: a build that stops midway leaves none)."""
    site = out / "site"
    manifest.aggregates = incremental.aggregate_files(site, set(manifest.owned), set(manifest.bundles))
    manifest.dumps = {rel: incremental.file_digest(site / rel) for rel in opendata.reused_files(site)}
    manifest.save(out)


def _stamp_notes(stamps: stamps_site.Stamps, log: TextIO, every: bool = True) -> None:
    signed = sum(1 for s in stamps.stamps.values() if s.signed)
    log.write(f"ocop build: {signed}/{len(stamps.stamps)} tem {'' if every else 'của trang dựng lại '}có chữ ký số"
              f" (tỉnh có khóa: {', '.join(sorted(stamps.signers)) or 'không có'})\n")
    for note in stamps.notes:
        log.write(f"ocop build: {note}\n")


def record_history(root: Path, log: TextIO) -> history.Histories:
    """Every record's changes from git; a shallow clone is said here and on the pages."""
    found = history.collect(root)
    if not found.available:
        log.write("ocop build: thư mục không phải kho git: trang hồ sơ không có lịch sử thay đổi.\n")
    elif found.shallow:
        log.write("ocop build: kho là bản sao nông (shallow clone): lịch sử thay đổi chưa đầy đủ; "
                  "chạy `git fetch --unshallow` để có toàn bộ lịch sử.\n")
    return found


def install_editor(site: Path, root: Path, registry: Registry, log: TextIO) -> None:
    """The web editor (Decap CMS) under /admin/; a build without its npm package still publishes the site."""
    try:
        cms.install(site, root=root, registry=registry)
    except cms.CmsMissing as missing:
        log.write(f"ocop build: bỏ qua trình soạn thảo web /admin/: {missing}\n")


def merge_into(src: Path, dest: Path) -> None:
    """Move every entry of src into dest by rename, descending only where both hold the same folder."""
    for entry in src.iterdir():
        target = dest / entry.name
        if target.is_dir() and entry.is_dir():
            merge_into(entry, target)
        else:
            entry.rename(target)


def discard(out: Path, names: tuple[str, ...]) -> subprocess.Popen | None:
    """Move the previous outputs aside within out and delete them in the background (deleting 100k files
    takes ~1 min)."""
    present = [out / n for n in names if (out / n).exists()]
    if not present:
        return None
    trash = out / f".trash-{time.time_ns()}"
    trash.mkdir(parents=True)
    for path in present:
        path.rename(trash / path.name)
    return subprocess.Popen(["rm", "-rf", str(trash)])


def generate_docs(config: BuildConfig, log: TextIO | None = None) -> bool:
    """Only the docs folder, complete (record pages included): `mkdocs build` or a compatible generator
    can take it from there. `ocop build` is faster: it moves record pages into the site instead."""
    log = log or sys.stderr
    out = config.out_dir
    outcome = validate(config.run())
    if has_errors(outcome.findings):
        REPORTERS["text"](Report.of_findings(outcome.findings, outcome.files_checked), log)
        log.write("ocop site generate: sổ đăng ký còn lỗi, không sinh trang.\n")
        return False
    site_url = config.site_url or site_url_of(mkdocs_config(config.root))
    site_model = model.build(outcome.registry, config.today, site_url)
    generator.generate(site_model, out / "docs")
    guide.install(out / "docs")
    log.write(f"ocop site generate: {out / 'docs'}\n")
    return True


def _stepper(timings: dict[str, float], log: TextIO, memory: dict[str, float] | None = None) -> Callable:
    def step(name: str, func: Callable):
        before = _rss_reset()
        start = time.perf_counter()
        result = func()
        timings[name] = time.perf_counter() - start
        if memory is not None and before is not None:
            memory[name] = max(0.0, (_rss_peak() or before) - before)
        log.write(f"ocop build: {name} {timings[name]:.1f} s\n")
        return result
    return step


def _rss_reset() -> float | None:
    """This process's resident MB now, after resetting its peak (Linux: clear_refs 5), or None elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_mb("VmRSS")
    except OSError:
        return None


def _rss_peak() -> float | None:
    return _status_mb("VmHWM")


def _status_mb(key: str) -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return None


def run_mkdocs(cfg: Path, docs: Path, site: Path, site_url: str, extra: dict[str, object],
               template_cache: Path | None = None) -> None:
    """`mkdocs build --strict` in-process (saves the interpreter start; same checks); Material's templates
    compiled once into `template_cache` (chrome.keep_compiled)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException
    from mkdocs.plugins import BasePlugin

    class KeepCompiled(BasePlugin):
        def on_env(self, env: jinja2.Environment, /, *, config: object, files: object) -> jinja2.Environment:
            chrome.keep_compiled(env, template_cache)
            return env

    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # its per-file INFO lines drown the useful ones
    config = load_config(str(cfg), docs_dir=str(docs), site_dir=str(site), site_url=site_url, strict=True,
                         extra=extra)
    config.plugins["ocop-keep-compiled"] = KeepCompiled()  # registers its on_env (PluginCollection.__setitem__)
    try:
        build(config)
    except MkDocsException as err:
        raise BuildError(f"mkdocs build --strict thất bại: {err}") from err


class PagefindRun:
    """Pagefind over the files of `docs` that `glob` matches (the build: the search sources), started as soon
    as they exist; it runs while the API, hub pages and MkDocs are built, then its bundle is moved into the
    site. Pagefind's URL of a file is its path (search_url; page_url reads a source's as its page's)."""

    def __init__(self, docs: Path, bundle: Path, glob: str = source_glob(PAGEFIND_BUNDLES["pagefind"]),
                 chunk_size: int = PAGEFIND_CHUNK_SIZE) -> None:
        self.docs, self.bundle, self.glob, self.chunk_size = docs, bundle, glob, chunk_size
        self.proc: subprocess.Popen | None = None
        self.log = bundle.with_suffix(".log")

    def start(self, keep: bool = False) -> None:
        """Pagefind in the background; with `keep`, into the bundle folder as it is (see BundleRun)."""
        if self.bundle.exists() and not keep:
            shutil.rmtree(self.bundle)
        # --keep-index-url: a result's URL is its file's path as it is (a source named <id>.html whose id ends
        # in "index" keeps its whole name): search_url says the same, search.js and page_url read it
        cmd = [sys.executable, "-m", "pagefind", "--site", str(self.docs), "--glob", self.glob,
               "--output-path", str(self.bundle), "--keep-index-url", "--silent"]
        self.log = self.bundle.with_suffix(".log")
        with self.log.open("w") as log:  # a file, not a pipe: a full pipe would stall the indexer
            env = {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(self.chunk_size)}
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)

    def wait(self) -> None:
        if self.proc is None:
            raise BuildError("Pagefind chưa được chạy.")
        if self.proc.wait() != 0:
            raise BuildError(f"Pagefind thất bại: {self.log.read_text(errors='replace').strip()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def finish(self, dest: Path) -> None:
        self.wait()
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(self.bundle), str(dest))


class BundleRun:
    """Pagefind again over one bundle's search sources, into its previous bundle (moved out of the site).

    Pagefind names fragments and index chunks by a hash of their content and does not write one whose file
    exists: over the previous bundle it writes only what changed (at 20,000 products most of its time was
    compressing and creating ~20,000 fragment files). What it leaves must be exactly a full build's:
    - the old index chunks, filters and metadata are removed first (a few hundred files: written again);
    - a fragment name is 7 hex digits of a hash: a page's new fragment could share the name of a fragment
      of the previous bundle and be left unwritten with the old content. So every page whose search source
      was written in this build must have a fragment Pagefind wrote now (a name the previous bundle lacked);
      if one has not, the bundle is made again from nothing;
    - afterwards, fragments the new metadata no longer names are removed.
    """

    def __init__(self, sources: Path, dest: Path, work: Path, glob: str, written: set[str], log: TextIO) -> None:
        self.dest, self.work, self.log = dest, work, log
        self.run = PagefindRun(sources, work, glob)
        rx = incremental.glob_regex(glob)
        self.urls = {search_url(rel) for rel in written if rx.match(rel)}  # pages that need a fresh fragment
        self.before: set[str] | None = None  # fragment names of the previous bundle; None: made from nothing

    def start(self) -> None:
        self.before = fragment_names(self.dest) if self.dest.is_dir() else None
        if self.before is None and self.dest.is_dir():  # said, not silent: every rebuild would be slower
            self.log.write(f"ocop build: {self.dest.name}: không đọc được chỉ mục cũ: dựng lại chỉ mục từ đầu\n")
        if self.before is not None:
            self.dest.rename(self.work)
            _clear_derived(self.work, self.before)
        self.run.start(keep=self.before is not None)

    def finish(self) -> None:
        self.run.wait()
        if self.before is not None:
            after = fragment_names(self.work)
            fresh = after - self.before if after is not None else set()
            if after is None or not self.urls <= fragment_urls(self.work, fresh):
                self.log.write(f"ocop build: {self.dest.name}: trang đổi nguồn tìm kiếm nhưng không có mảnh mới: "
                               "dựng lại chỉ mục từ đầu\n")
                self.run.start()  # from nothing (a name shared with an old fragment, or a change Pagefind ignores)
                self.run.wait()
            else:
                for name in self.before - after:
                    (self.work / "fragment" / f"{name}.pf_fragment").unlink(missing_ok=True)
        if self.dest.exists():
            shutil.rmtree(self.dest)
        os.replace(self.work, self.dest)


class BundleRuns:
    def __init__(self, runs: list[BundleRun]) -> None:
        self.runs = runs

    def start(self) -> None:
        for run in self.runs:
            run.start()

    def finish(self) -> None:
        for run in self.runs:
            run.finish()

    def stop(self) -> None:
        for run in self.runs:
            run.run.stop()


def search_url(rel: str) -> str:
    """The URL Pagefind gives a file it indexes (PagefindRun keeps "index.html"): "/san-pham/x.html"."""
    return "/" + rel


def page_url(url: str) -> str:
    """The page a search result's URL stands for, as search.js's link() reads it: a search source's
    "/san-pham/x.html" → the page "/san-pham/x/"."""
    return url.removesuffix(".html") + "/" if url.endswith(".html") else url


def _decoded(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(PAGEFIND_MAGIC):
        raise ValueError(f"{path}: not a Pagefind file")
    return data[len(PAGEFIND_MAGIC):]


PAGEFIND_MAGIC = b"pagefind_dcd"  # every compressed file of a bundle starts with it
# A bundle file that is missing, damaged or not Pagefind's (ValueError covers bad JSON and UTF-8); a file of
# another shape is caught by the checks below, not by catching what a bug in this code would raise.
UNREADABLE = (OSError, EOFError, zlib.error, ValueError, cbor2.CBORDecodeError)
FRAGMENT_NAME = re.compile(r"[A-Za-z0-9_-]+")  # "vi_3f13ec8": a fragment name or language hash that is no path


def fragment_names(bundle: Path) -> set[str] | None:
    """The fragment names the bundle's metadata lists (every language's), or None when it cannot be read."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        languages = entry.get("languages") if isinstance(entry, dict) else None
        hashes = [lang.get("hash") for lang in languages.values() if isinstance(lang, dict)] \
            if isinstance(languages, dict) else []
        if not hashes or not all(isinstance(h, str) and FRAGMENT_NAME.fullmatch(h) for h in hashes):
            return None
        names: list[object] = []
        for language_hash in hashes:
            meta = cbor2.loads(_decoded(bundle / f"pagefind.{language_hash}.pf_meta"))
            pages = meta[1] if isinstance(meta, list) and len(meta) > 1 and isinstance(meta[1], list) else None
            if pages is None:
                return None
            names.extend(page[0] if isinstance(page, list) and page else None for page in pages)
    except UNREADABLE:
        return None
    return set(names) if all(isinstance(n, str) and FRAGMENT_NAME.fullmatch(n) for n in names) else None


def fragment_urls(bundle: Path, names: set[str]) -> set[str]:
    """The URLs of the named fragments (none that cannot be read)."""
    urls = set()
    for name in names:
        try:
            fragment = json.loads(_decoded(bundle / "fragment" / f"{name}.pf_fragment"))
        except UNREADABLE:
            continue
        if isinstance(fragment, dict) and isinstance(fragment.get("url"), str):
            urls.add(fragment["url"])
    return urls


def _clear_derived(bundle: Path, fragments: set[str]) -> None:
    """Leave the previous bundle's fragments (those its metadata names) and nothing Pagefind derives from all
    pages: index chunks, filters and metadata are written again."""
    for folder in ("index", "filter"):
        shutil.rmtree(bundle / folder, ignore_errors=True)
    for meta in bundle.glob("*.pf_meta"):
        meta.unlink()
    keep = {f"{name}.pf_fragment" for name in fragments}
    folder = bundle / "fragment"
    for name in os.listdir(folder) if folder.is_dir() else []:
        if name not in keep:
            (folder / name).unlink()


def build_documents(root: Path, registry: Registry, config: BuildConfig) -> documents.Rendered:
    """Render plan documents (build/plans/) and last year's periodic reports (build/reports/) first, so the
    plan pages can link them."""
    rendered = documents.build_all(root, registry=registry, as_of=config.today.isoformat())  # build/plans/, where the plan pages look
    from ocop.publish.documents import periodic_document  # imported on use, like the plans' renderers

    written, failed = periodic_document.build_all(registry, root / "build" / "reports", config.today)
    rendered.written += written
    rendered.failed += [make("DOC-RENDER", "registry/provinces.yaml", 1, 1,
                             f"Không xuất được Báo cáo định kỳ ({slug}): {type(err).__name__}: {err}")
                        for slug, err in failed]
    return rendered


def _documents_note(rendered: documents.Rendered | None) -> str:
    if rendered is None:
        return ""
    return f"{len(rendered.written)} tệp" + (f", {len(rendered.failed)} Kế hoạch lỗi" if rendered.failed else "")
