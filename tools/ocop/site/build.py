"""`ocop build`: validate → generate pages → mkdocs build --strict → Pagefind → plan documents."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..authoring import cms, guide
from ..findings import has_errors
from ..report import REPORTERS
from ..validate import validate
from . import generator, model

REPO = Path(__file__).resolve().parents[3]  # the code checkout (mkdocs.yml lives at its root)
PAGEFIND_GLOB = "san-pham/*/index.html"  # only product pages are searched: the index stays small


class BuildError(Exception):
    """A step failed; the message is for the officer running the build (Vietnamese)."""


@dataclass
class BuildResult:
    ok: bool
    site: Path
    timings: dict[str, float] = field(default_factory=dict)
    documents: str = ""


def config_file(root: Path) -> Path:
    own = root / "mkdocs.yml"
    return own if own.is_file() else REPO / "mkdocs.yml"


def site_url_of(config: Path) -> str:
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return str(data.get("site_url") or "http://127.0.0.1:8000/")


def build_site(root: Path, today: dt.date | None = None, site_url: str | None = None, out: Path | None = None,
               pagefind: bool = True, documents: bool = True, use_cache: bool = True,
               log: TextIO | None = None, refuse_errors: bool = True) -> BuildResult:
    """Build the whole public site of the registry at `root` into `out`/site (default root/build/site)."""
    log = log or sys.stderr
    root = root.resolve()
    today = today or dt.date.today()
    out = (out or root / "build").resolve()
    cfg = config_file(root)
    site_url = site_url or site_url_of(cfg)
    timings: dict[str, float] = {}
    step = _stepper(timings, log)

    outcome = step("validate", lambda: validate(root, today=today.isoformat(), use_cache=use_cache))
    if has_errors(outcome.findings):
        REPORTERS["text"](outcome.findings, outcome.files_checked, log)
    if has_errors(outcome.findings) and refuse_errors:
        log.write("ocop build: sổ đăng ký còn lỗi, không dựng trang web.\n")
        return BuildResult(False, out / "site", timings)
    docs_note = step("documents", lambda: build_documents(root, outcome.registry, today, log)) if documents else ""
    site_model = step("model", lambda: model.build(outcome.registry, today, site_url))
    records = out / "records"
    trash = discard(out, ("docs", "site", "records", "pagefind-bundle"))
    indexer = PagefindRun(records, out / "pagefind-bundle") if pagefind else None
    step("generate", lambda: generator.generate(site_model, out / "docs", indexer.start if indexer else None,
                                                records=records, qr_cache=out / "cache" / "site-qr.marshal"))
    guide.install(out / "docs")
    step("mkdocs", lambda: run_mkdocs(cfg, out / "docs", out / "site", site_url, site_model.sample))
    step("admin", lambda: install_editor(out / "site", root, outcome.registry, log))
    if indexer:  # before the move: Pagefind reads the pages from records/
        step("pagefind (wait)", lambda: indexer.finish(out / "site" / "pagefind"))
    merge_into(records, out / "site")  # renames instead of MkDocs copying ~70k files
    if trash:
        trash.wait()
    return BuildResult(True, out / "site", timings, docs_note)


def install_editor(site: Path, root: Path, registry: object, log: TextIO) -> None:
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


def generate_docs(root: Path, today: dt.date | None = None, site_url: str | None = None, out: Path | None = None,
                  log: TextIO | None = None) -> bool:
    """Only the docs folder, complete (record pages included): `mkdocs build` or a compatible generator
    can take it from there. `ocop build` is faster: it moves record pages into the site instead."""
    log = log or sys.stderr
    root = root.resolve()
    out = (out or root / "build").resolve()
    outcome = validate(root, today=(today or dt.date.today()).isoformat())
    if has_errors(outcome.findings):
        REPORTERS["text"](outcome.findings, outcome.files_checked, log)
        log.write("ocop site generate: sổ đăng ký còn lỗi, không sinh trang.\n")
        return False
    site_model = model.build(outcome.registry, today or dt.date.today(), site_url or site_url_of(config_file(root)))
    generator.generate(site_model, out / "docs")
    guide.install(out / "docs")
    log.write(f"ocop site generate: {out / 'docs'}\n")
    return True


def _stepper(timings: dict[str, float], log: TextIO) -> Callable:
    def step(name: str, func: Callable):
        start = time.perf_counter()
        result = func()
        timings[name] = time.perf_counter() - start
        log.write(f"ocop build: {name} {timings[name]:.1f} s\n")
        return result
    return step


def run_mkdocs(cfg: Path, docs: Path, site: Path, site_url: str, sample: bool) -> None:
    """`mkdocs build --strict` in-process (saves the interpreter start; same checks)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)  # its per-file INFO lines drown the useful ones
    config = load_config(str(cfg), docs_dir=str(docs), site_dir=str(site), site_url=site_url, strict=True,
                         extra={"sample_data": sample, "generator": False})
    try:
        build(config)
    except MkDocsException as err:
        raise BuildError(f"mkdocs build --strict thất bại: {err}") from err


class PagefindRun:
    """Pagefind over the generated product pages, started as soon as they exist.

    It runs on build/docs (record pages are final HTML there) while the hub pages and MkDocs are built,
    then its bundle is moved into the site: on 2 cores this hides most of its ~25 s at 20k products.
    URLs come out the same as in the site (san-pham/<id>/).
    """

    def __init__(self, docs: Path, bundle: Path) -> None:
        self.docs, self.bundle = docs, bundle
        self.proc: subprocess.Popen | None = None
        self.log = bundle.with_suffix(".log")

    def start(self) -> None:
        if self.bundle.exists():
            shutil.rmtree(self.bundle)
        cmd = [sys.executable, "-m", "pagefind", "--site", str(self.docs), "--glob", PAGEFIND_GLOB,
               "--output-path", str(self.bundle), "--silent"]
        self.log = self.bundle.with_suffix(".log")
        with self.log.open("w") as log:  # a file, not a pipe: a full pipe would stall the indexer
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)

    def finish(self, dest: Path) -> None:
        if self.proc is None:
            raise BuildError("Pagefind chưa được chạy.")
        if self.proc.wait() != 0:
            raise BuildError(f"Pagefind thất bại: {self.log.read_text(errors='replace').strip()[-2000:]}")
        if dest.exists():
            shutil.rmtree(dest)
        shutil.move(str(self.bundle), str(dest))


def build_documents(root: Path, registry: object, today: dt.date, log: TextIO) -> str:
    """Render plan documents (build/plans/) first so the plan pages can link them, when the package offers it."""
    try:
        documents = importlib.import_module("ocop.documents")
    except ImportError:
        return ""
    func = getattr(documents, "build_all", None)
    if not callable(func):
        return ""
    offered = inspect.signature(func).parameters
    kwargs = {k: v for k, v in (("registry", registry), ("as_of", today.isoformat())) if k in offered}
    try:
        written = func(root, **kwargs)
    except Exception as err:  # the site must still build when a document renderer is missing a tool
        log.write(f"ocop build: không tạo được văn bản kế hoạch ({type(err).__name__}: {err})\n")
        return "lỗi"
    return f"{len(written or [])} tệp"
