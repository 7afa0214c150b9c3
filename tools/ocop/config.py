"""Run settings, typed once by the CLI (or a test) and passed down: no stage parses a date or reads a flag.

Imports nothing else of `ocop`, so every stage may use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

CODE_ROOT = Path(__file__).resolve().parents[2]  # the code checkout: mkdocs.yml, schemas/, docs-src/
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


@dataclass(frozen=True)
class RunConfig:
    """One validation run.

    `paths` and `changed_since` select the files reported on (the cross-record rules still see what
    those files need); `base_ref` turns on the history rules (append-only decisions and certificates).
    """

    root: Path
    today: dt.date = field(default_factory=dt.date.today)
    paths: Sequence[str] = ()
    changed_since: str | None = None
    base_ref: str | None = None
    use_cache: bool = True
    scoped: bool = True  # with a selection, index only the records within reach of it

    @property
    def selects(self) -> bool:
        return bool(self.paths) or self.changed_since is not None


@dataclass(frozen=True)
class BuildConfig:
    """One `ocop build`: the site (and its documents) of the registry at `root`, as of `today`."""

    root: Path
    today: dt.date = field(default_factory=dt.date.today)
    site_url: str | None = None  # None: site_url of mkdocs.yml
    out: Path | None = None  # None: root/build
    pagefind: bool = True
    documents: bool = True
    use_cache: bool = True
    refuse_errors: bool = True  # a registry with errors builds no site
    since_commit: str | None = None  # the previous published build's commit: /du-lieu/delta.json counts from it
    incremental: bool = True  # make again only what changed since the build in `out` (publish/incremental.py)

    @property
    def out_dir(self) -> Path:
        return (self.out or self.root / "build").resolve()

    def run(self) -> RunConfig:
        return RunConfig(self.root, today=self.today, use_cache=self.use_cache)


def mkdocs_config(root: Path) -> Path:
    """The registry's own mkdocs.yml, else the code checkout's."""
    own = root / "mkdocs.yml"
    return own if own.is_file() else CODE_ROOT / "mkdocs.yml"


def site_url_of(config: Path) -> str:
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return str(data.get("site_url") or DEFAULT_SITE_URL)


def repo_url_of(config: Path) -> str:
    """The repository's web address (commit and pull request links): `repo_url`, else `extra.repo_url`
    (which Material does not turn into a statistics request to api.github.com). "" when not https."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    url = str(data.get("repo_url") or extra.get("repo_url") or "").rstrip("/")
    return url if url.startswith("https://") and not any(c in url for c in " \"'<>") else ""
