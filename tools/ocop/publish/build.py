"""`ocop build`: validate → generate pages → mkdocs build --strict → Pagefind → plan documents."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ocop.authoring import cms, guide
from ocop.check.pipeline import validate
from ocop.config import BuildConfig, mkdocs_config, repo_url_of, site_url_of
from ocop.findings import Finding, has_errors, make
from ocop.model.registry import Registry
from ocop.publish import documents, opendata
from ocop.publish.site import generator, history, model
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

    outcome = step("validate", lambda: validate(config.run()))
    if has_errors(outcome.findings):
        REPORTERS["text"](Report.of_findings(outcome.findings, outcome.files_checked), log)
    if has_errors(outcome.findings) and config.refuse_errors:
        log.write("ocop build: sổ đăng ký còn lỗi, không dựng trang web.\n")
        return BuildResult(False, out / "site", timings)
    rendered = step("documents", lambda: build_documents(root, outcome.registry, config)) if config.documents else None
    site_model = step("model", lambda: model.build(outcome.registry, config.today, site_url))
    stamps = step("sign", lambda: stamps_site.prepare(site_model))
    _stamp_notes(stamps, log)
    changes = step("history", lambda: record_history(root, log))
    records = out / "records"
    trash = discard(out, ("docs", "site", "records", *(f"{name}-bundle" for name in PAGEFIND_BUNDLES)))
    indexer = PagefindRuns(records, out) if config.pagefind else None
    step("generate", lambda: generator.generate(site_model, out / "docs", indexer.start if indexer else None,
                                                records=records, qr_cache=out / "cache" / "site-qr.marshal",
                                                photo_cache=out / "cache" / "photos", log=log, open_data=False,
                                                stamps=stamps, history=changes, repo_url=repo_url_of(cfg)))
    # one process while Pagefind indexes the record pages on the other core: measured at 20k products, forking
    # two API workers beside it made the build's tail 6.5 s longer, one process ~0.2 s
    published = step("api", lambda: opendata.publish(site_model, records, config.since_commit,
                                                     jobs=1 if indexer else None, changes=changes))
    guide.install(out / "docs")
    step("mkdocs", lambda: run_mkdocs(cfg, out / "docs", out / "site", site_url, generator.site_extra(site_model)))
    step("admin", lambda: install_editor(out / "site", root, outcome.registry, log))
    if indexer:  # before the move: Pagefind reads the pages from records/
        step("pagefind (wait)", lambda: indexer.finish(out / "site"))
    merge_into(records, out / "site")  # renames instead of MkDocs copying ~70k files
    step("sitemap", lambda: opendata.finish(out / "site", site_model, published))
    if trash:
        trash.wait()
    failed = rendered.failed if rendered else []
    if failed:  # the site is complete but for those plans' documents: say which, and fail the build
        REPORTERS["text"](Report.of_findings(failed, len(failed)), log)
    return BuildResult(not failed, out / "site", timings, _documents_note(rendered), failed, memory)


def _stamp_notes(stamps: stamps_site.Stamps, log: TextIO) -> None:
    signed = sum(1 for s in stamps.stamps.values() if s.signed)
    log.write(f"ocop build: {signed}/{len(stamps.stamps)} tem có chữ ký số"
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
    """Move the previous outputs aside and delete them in the background (deleting 100k files takes ~1 min)."""
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


def run_mkdocs(cfg: Path, docs: Path, site: Path, site_url: str, extra: dict[str, object]) -> None:
    """`mkdocs build --strict` in-process (saves the interpreter start; same checks)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # its per-file INFO lines drown the useful ones
    config = load_config(str(cfg), docs_dir=str(docs), site_dir=str(site), site_url=site_url, strict=True,
                         extra=extra)
    try:
        build(config)
    except MkDocsException as err:
        raise BuildError(f"mkdocs build --strict thất bại: {err}") from err


class PagefindRuns:
    """One PagefindRun per bundle of PAGEFIND_BUNDLES, started together, each moved to /<name>/ of the site."""

    def __init__(self, docs: Path, out: Path) -> None:
        self.runs = {name: PagefindRun(docs, out / f"{name}-bundle", glob) for name, glob in PAGEFIND_BUNDLES.items()}

    def start(self) -> None:
        for run in self.runs.values():
            run.start()

    def finish(self, site: Path) -> None:
        for name, run in self.runs.items():
            run.finish(site / name)


class PagefindRun:
    """Pagefind over the generated product pages, started as soon as they exist.

    It runs on build/docs (record pages are final HTML there) while the hub pages and MkDocs are built,
    then its bundle is moved into the site: on 2 cores this hides most of its ~25 s at 20k products.
    URLs come out the same as in the site (san-pham/<id>/).
    """

    def __init__(self, docs: Path, bundle: Path, glob: str = PAGEFIND_BUNDLES["pagefind"],
                 chunk_size: int = PAGEFIND_CHUNK_SIZE) -> None:
        self.docs, self.bundle, self.glob, self.chunk_size = docs, bundle, glob, chunk_size
        self.proc: subprocess.Popen | None = None
        self.log = bundle.with_suffix(".log")

    def start(self) -> None:
        if self.bundle.exists():
            shutil.rmtree(self.bundle)
        cmd = [sys.executable, "-m", "pagefind", "--site", str(self.docs), "--glob", self.glob,
               "--output-path", str(self.bundle), "--silent"]
        self.log = self.bundle.with_suffix(".log")
        with self.log.open("w") as log:  # a file, not a pipe: a full pipe would stall the indexer
            env = {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(self.chunk_size)}
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)

    def finish(self, dest: Path) -> None:
        if self.proc is None:
            raise BuildError("Pagefind chưa được chạy.")
        if self.proc.wait() != 0:
            raise BuildError(f"Pagefind thất bại: {self.log.read_text(errors='replace').strip()[-2000:]}")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(self.bundle), str(dest))


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
