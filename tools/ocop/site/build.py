"""`ocop build`: validate → generate pages → mkdocs build --strict → Pagefind → plan documents."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

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
               log: TextIO = sys.stderr) -> BuildResult:
    """Build the whole public site of the registry at `root` into `out`/site (default root/build/site)."""
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
        log.write("ocop build: sổ đăng ký còn lỗi, không dựng trang web.\n")
        return BuildResult(False, out / "site", timings)
    docs_note = step("documents", lambda: build_documents(root, outcome.registry, today, log)) if documents else ""
    site_model = step("model", lambda: model.build(outcome.registry, today, site_url))
    step("generate", lambda: generator.generate(site_model, out / "docs"))
    step("mkdocs", lambda: run_mkdocs(cfg, out / "docs", out / "site", site_url, site_model.sample))
    if pagefind:
        step("pagefind", lambda: run_pagefind(out / "site"))
    return BuildResult(True, out / "site", timings, docs_note)


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


def run_pagefind(site: Path) -> None:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", PAGEFIND_GLOB, "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"Pagefind thất bại: {done.stderr.strip() or done.stdout.strip()}")


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
