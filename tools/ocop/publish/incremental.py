"""One-record rebuilds: what a build was made from, and which outputs a new build must make again.

Every `ocop build` ends by writing <out>/cache/build-manifest.marshal (and removes it when it starts):
- `inputs`: digests of everything that reaches every page (code, templates and assets; schemas; mkdocs.yml;
  docs-src; registry/provinces.yaml and keys; the signing keys found; the build date, site URL and options;
  package, Python and zlib versions; whether git history is there; the model's site-wide facts). Any
  difference → a full build, and the build says which input changed.
- `records`: per record file, a digest of its bytes, its history (the commits that touched it) and the
  photos it names; `files`: per file, its stat and digest (a git blob id; trusted while the stat is unchanged;
  the stat is () where git's index gave the digest).
- `nodes`: per record file, its id and the ids it refers to (check/scope.py's reference keys).
- `owned`: per output records own (a record's page folder and API file; a GTIN's page; a province's lists),
  the record ids it was made from.
- `aggregates`: every other file of the site (hub pages, indexes, dumps, sitemap…): always made again.
- `bundles`: the search bundles (name → glob); `dumps`: digests of the files a rebuild reuses.

A record page shows facts of records a few references away (a producer lists its products' states, which
follow from their certificates and those certificates' revocation decisions: 3 steps). A rebuild makes again
every owned output whose owners lie within SITE_RADIUS references (both ways, old and new references) of a
changed, added or deleted record file, removes the outputs of records that are gone, and makes every aggregate
again. tests/browser/test_incremental_build.py compares such rebuilds with full builds, byte for byte.
"""

from __future__ import annotations

import filecmp
import hashlib
import importlib.metadata
import marshal
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ocop.check import scope
from ocop.check.cache import stat_key
from ocop.check.worktree import Listing, blob_id
from ocop.config import CODE_ROOT, BuildConfig
from ocop.model.gs1 import gtin14, gtin_valid
from ocop.model.registry import Registry
from ocop.model.schemas import schema_dir
from ocop.publish.opendata.facts import API, PLURAL, publishable
from ocop.publish.site.history import Histories
from ocop.publish.site.model import SAFE_ID, SiteModel, text

VERSION = "3"  # bump when the manifest's shape or meaning changes (3: file digests are git blob ids)
MANIFEST = "build-manifest.marshal"
SITE_RADIUS = 4  # the longest chain a page reads is 3 (see above); one more for safety
# record page folders, and the list pages of a province (its products; its certificates ending): each page is
# owned by the records it lists, so a change renders only its own province's lists again
PAGE_FOLDERS = ("san-pham", "chu-the", "quyet-dinh", "xac-minh", "01", "tinh", "tinh/cu", "het-han")
PACKAGES = ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin", "jinja2", "vietnam-provinces", "segno",
            "pillow", "cryptography", "cbor2", "pyyaml", "markdown", "pymdown-extensions")


@dataclass
class Manifest:
    inputs: dict[str, str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, scope.Node] = field(default_factory=dict)
    owned: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aggregates: list[str] = field(default_factory=list)
    bundles: dict[str, str] = field(default_factory=dict)
    dumps: dict[str, str] = field(default_factory=dict)  # files a rebuild reuses (site path) → digest
    files: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)  # path → (stat or (): git vouched, digest)

    def save(self, out: Path) -> None:
        path = manifest_path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps({"version": VERSION, **self.__dict__}))
        os.replace(tmp, path)


def manifest_path(out: Path) -> Path:
    return out / "cache" / MANIFEST


def load(out: Path) -> Manifest | None:
    """The previous build's manifest, or None when there is none or it cannot be read."""
    path = manifest_path(out)
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, dict) or data.pop("version", None) != VERSION:
        return None
    try:
        manifest = Manifest(**data)
    except TypeError:
        return None
    # its paths are removed and replaced under the site: a manifest naming anything outside it is not ours
    paths = [*manifest.owned, *manifest.aggregates, *manifest.dumps]
    return manifest if all(isinstance(p, str) and _inside(p) for p in paths) else None


def _inside(rel: str) -> bool:
    """A relative path that stays below the folder it is joined to."""
    return bool(rel) and not rel.startswith("/") and "\\" not in rel and ".." not in rel.split("/")


def forget(out: Path) -> None:
    """A build under way: until it ends, the output matches no manifest."""
    manifest_path(out).unlink(missing_ok=True)


# ---- inputs --------------------------------------------------------------------------------------

def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def _tree_digest(folder: Path, skip: tuple[str, ...] = ("__pycache__", "node_modules")) -> str:
    """Names and bytes of every file under folder (sorted), skipping caches."""
    h = hashlib.blake2b(digest_size=16)
    if folder.is_file():
        h.update(folder.read_bytes())
        return h.hexdigest()
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in skip)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(base) / name
            h.update(path.relative_to(folder).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def _config_folders(cfg: Path) -> list[str]:
    """Digests of what mkdocs.yml names besides itself: the theme's custom_dir (record pages take their chrome
    from it) and hooks, resolved from the config's folder as MkDocs does — under the registry's own root when
    it has its own mkdocs.yml, where the code's tree digest does not look."""
    import yaml

    data = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    named = [theme.get("custom_dir"), *(data.get("hooks") or [])]
    found = []
    for name in named:
        if isinstance(name, str) and name:
            path = (cfg.parent / name).resolve()
            found.append(f"{name}:{_tree_digest(path) if path.exists() else '-'}")
    return found


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found)


def global_inputs(config: BuildConfig, cfg: Path, site_url: str, model: SiteModel, history: Histories,
                  signers: Iterable[tuple[str, str]], editor: str) -> dict[str, str]:
    """What every page depends on; any change to one of them makes a full build."""
    root = config.root.resolve()
    registry = root / "registry"
    keys = registry / "keys"
    return {
        # devtools (bench, synth, fuzz) sits above publish: nothing it holds can reach a page (lint-imports)
        "mã nguồn (tools/ocop)": _tree_digest(CODE_ROOT / "tools" / "ocop", skip=("__pycache__", "devtools")),
        "lược đồ (schemas)": _tree_digest(schema_dir(root)),
        "cấu hình trang (mkdocs.yml)": _tree_digest(cfg),
        "giao diện (theme.custom_dir, hooks của mkdocs.yml)": _digest(*_config_folders(cfg)),
        "hướng dẫn (docs-src)": _tree_digest(CODE_ROOT / "docs-src") if (CODE_ROOT / "docs-src").is_dir() else "-",
        "bảng tỉnh (registry/provinces.yaml)": _tree_digest(registry / "provinces.yaml")
        if (registry / "provinces.yaml").is_file() else "-",
        "khóa công khai (registry/keys)": _tree_digest(keys) if keys.is_dir() else "-",
        "khóa ký tem": _digest(*sorted(f"{p}:{kid}" for p, kid in signers)),
        "ngày dựng (--today)": config.today.isoformat(),
        "địa chỉ trang (site_url)": site_url,
        "tùy chọn dựng": _digest(str(config.pagefind), str(config.documents), str(config.since_commit),
                                 str(config.refuse_errors)),
        "phiên bản thư viện": _digest(_versions(), editor, sys.version, zlib.ZLIB_RUNTIME_VERSION),
        "lịch sử git": _digest(str(history.available), str(history.shallow)),
        "thông tin chung của sổ": _digest(str(model.sample), model.national_agency, model.report_url,
                                          repr(sorted(model.province_names.items())),
                                          repr(sorted((k, repr(v)) for k, v in model.agencies.items()))),
    }


class FileDigests:
    """Digests of files' bytes, as git blob ids.

    Taken, cheapest first: from git's index for a file git vouches for as unchanged (check/worktree.py: one
    `git ls-files`/`git diff-files` in C instead of reading 62,000 files); from the previous manifest while
    a file's stat is unchanged and not too fresh (check/cache.py's rule, git's too); else by reading it. The
    index's id is of the content git stores, which its eol settings or filters may have normalised: then the
    two ways give one file two digests, and the only cost is that record's pages made again once."""

    def __init__(self, root: Path, known: dict[str, tuple[tuple[int, ...], str]]) -> None:
        self.root, self.known = os.fspath(root), known
        self.now = time.time_ns()
        self.seen: dict[str, tuple[tuple[int, ...], str]] = {}
        self.memo: dict[str, str] = {}  # each file's digest as first taken in this build

    def prime(self, listing: Listing, folder: str = "registry") -> None:
        """Digest every file under `folder` before validation reads the records: a file saved while the build
        runs then differs from its manifest digest, and the next build makes its pages again (digested after
        validation, the manifest would hold the new bytes and the site the old ones, for good). `listing` is
        git's (check/worktree.py; a walk of the disk without git), taken before validation too and given to
        it: what git vouches for is not read, and the stat it took of any other file is not taken again."""
        inside = f"{folder}/"
        for rel, oid in listing.vouched.items():
            if rel.startswith(inside):
                self.memo[rel] = oid
                self.seen[rel] = ((), oid)  # no stat key: kept for record_inputs, never trusted by stat
        for rel in listing.files:
            if rel.startswith(inside) and rel not in self.memo:
                self.memo[rel] = self._digest(rel, listing.stats.get(rel))

    def __call__(self, rel: str) -> str:
        if rel in self.memo:
            return self.memo[rel]
        digest = self.memo[rel] = self._digest(rel)
        return digest

    def _digest(self, rel: str, st: os.stat_result | None = None) -> str:
        path = f"{self.root}/{rel}"  # plain strings: pathlib costs seconds over 62,000 files
        try:
            st = st or os.stat(path)
        except OSError:
            return "-"
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device in the tree would block the read (validation names it)
            return "-"
        key = stat_key(st, self.now)
        before = self.known.get(rel)
        if key is not None and before is not None and tuple(before[0]) == key:
            self.seen[rel] = before
            return before[1]
        try:
            with open(path, "rb") as fh:
                digest = blob_id(fh.read()).hex()
        except OSError:
            return "-"
        if key is not None:
            self.seen[rel] = (key, digest)
        return digest


def record_inputs(registry: Registry, history: Histories, digests: FileDigests, old: Manifest | None = None
                  ) -> tuple[dict[str, str], dict[str, scope.Node]]:
    """Per record file: a digest of its bytes, its history and the photos it names; and its references
    (the previous build's, while the file's bytes are the same)."""
    found: dict[str, str] = {}
    nodes: dict[str, scope.Node] = {}
    known = old.files if old else {}
    old_nodes = old.nodes if old else {}
    for kind in registry.records.values():
        for record in kind.values():
            rel = record.path
            content = digests(rel)
            # a change is a commit (its sha) and what it did; the fields it shows follow from the blobs
            changes = history.by_path.get(rel) or []
            parts = [content, "|".join(f"{c.commit}:{c.action}" for c in changes)]
            for photo in record.get("photos") or [] if record.kind == "product" else []:
                if isinstance(photo, str):
                    parts.append(f"{photo}\0{digests(photo)}")
            found[rel] = _digest(*parts)
            before = known.get(rel)
            same = before is not None and before[1] == content and rel in old_nodes
            nodes[rel] = old_nodes[rel] if same else (record.id, scope.links_of(record.data))
    return found, nodes


# ---- outputs a record owns ----------------------------------------------------------------------

def owned_outputs(model: SiteModel) -> dict[str, tuple[str, ...]]:
    """Every output one record (or one GTIN's products) is made from: page folders and API files."""
    registry = model.registry
    owned: dict[str, tuple[str, ...]] = {}
    for pid in model.products:
        owned[f"san-pham/{pid}"] = (pid,)
    for kind, folder in (("producer", "chu-the"), ("decision", "quyet-dinh")):
        for rec in registry.all(kind):
            if SAFE_ID.match(rec.id):
                owned[f"{folder}/{rec.id}"] = (rec.id,)
    for cid in model.certs:
        owned[f"xac-minh/{cid}"] = (cid,)
    claims: dict[str, list[str]] = {}
    for pid in sorted(model.products):
        gtin = model.products[pid].record.get("gtin")
        if isinstance(gtin, str) and gtin_valid(gtin):
            claims.setdefault(gtin14(gtin), []).append(pid)
    for gtin, pids in claims.items():
        owned[f"01/{gtin}"] = tuple(pids)
    for kind in PLURAL:
        for rec in publishable(model, kind):
            owned[f"{API}/{PLURAL[kind]}/{rec.id}.json"] = (rec.id,)
    owned.update(province_lists(model))
    return owned


def province_lists(model: SiteModel) -> dict[str, tuple[str, ...]]:
    """tinh/<slug> (its products), tinh/cu/<2004 code> (the products addressed there), het-han/<slug> (its
    products and their certificates, or certificates of the province without a product): a key for every
    province, whether or not it has a page today (a page appears or goes when one of its owners changes)."""
    by_province = {slug: [product.id for product in products]  # grouped as generator.province_pages groups them
                   for slug, products in model.products_of_province().items()}
    owned: dict[str, tuple[str, ...]] = {}
    for p in model.registry.provinces:
        slug = text(p.get("slug")) if isinstance(p, dict) else ""
        if SAFE_ID.match(slug):
            owned[f"tinh/{slug}"] = tuple(sorted(by_province.get(slug, [])))
    legacy: dict[str, list[str]] = {}
    for p in model.products.values():
        if p.legacy_province:
            legacy.setdefault(p.legacy_province[0], []).append(p.id)
    for code, ids in legacy.items():
        if re.fullmatch(r"[0-9]{2}", code):
            owned[f"tinh/cu/{code}"] = tuple(sorted(ids))
    expiring: dict[str, list[str]] = {}
    for c in model.certs.values():
        product = model.products.get(text(c.record.get("product")))
        slug = text(product.record.get("province")) if product else text(c.record.get("province"))
        expiring.setdefault(slug, []).append(c.id)
    for slug in by_province.keys() | expiring.keys():
        if SAFE_ID.match(slug):
            owned[f"het-han/{slug}"] = tuple(sorted({*by_province.get(slug, []), *expiring.get(slug, [])}))
    return owned


# ---- the decision --------------------------------------------------------------------------------

@dataclass
class Plan:
    """What an incremental build makes again; `reason` is set (Vietnamese) when it must be a full build."""

    reason: str = ""
    changed: list[str] = field(default_factory=list)  # record files changed, added or deleted
    render: set[str] = field(default_factory=set)  # owned outputs to make again
    remove: set[str] = field(default_factory=set)  # owned outputs of records that are gone
    previous: Manifest | None = None

    @property
    def full(self) -> bool:
        return bool(self.reason)

    def selected(self, folder: str) -> set[str]:
        """Keys (ids, GTINs, slugs) of `folder`'s owned outputs to make again."""
        prefix = folder + "/"
        return {key[len(prefix):] for key in self.render if key.startswith(prefix) and "/" not in key[len(prefix):]}

    def api_ids(self) -> set[str]:
        return {key.rsplit("/", 1)[1].removesuffix(".json") for key in self.render if key.startswith(API + "/")}


def decide(old: Manifest | None, inputs: dict[str, str], records: dict[str, str], nodes: dict[str, scope.Node],
           owned: dict[str, tuple[str, ...]], site: Path) -> Plan:
    """Compare the previous build with this one: a full build (and why), or what to make again."""
    if old is None:
        return Plan("chưa có bản dựng trước (hoặc bản ghi của nó không đọc được)")
    if not site.is_dir():
        return Plan("thư mục trang web của bản dựng trước không còn")
    for name, digest in inputs.items():
        if old.inputs.get(name) != digest:
            return Plan(f"đã thay đổi: {name}")
    for rel, digest in old.dumps.items():
        path = site / rel
        if not path.is_file() or file_digest(path) != digest:
            return Plan(f"tệp của bản dựng trước đã bị sửa hoặc mất: {rel}")
    changed = sorted({rel for rel in records.keys() | old.records.keys() if records.get(rel) != old.records.get(rel)})
    union = dict(nodes)  # old and new references: a record that stopped naming another still reaches it
    for rel in changed:
        before, now = old.nodes.get(rel), nodes.get(rel)
        if before and now:
            union[rel] = (now[0], tuple(sorted({*now[1], *before[1]})))
        elif before:
            union[rel] = before
    near = scope.neighbourhood(union, changed, SITE_RADIUS) if changed else set()
    affected = {union[rel][0] for rel in near}
    render = {key for key, owners in owned.items()
              if key not in old.owned or not affected.isdisjoint(owners) or not affected.isdisjoint(old.owned[key])}
    return Plan("", changed, render, set(old.owned) - set(owned), old)


# ---- files ---------------------------------------------------------------------------------------

def files_under(folder: Path) -> Iterator[str]:
    """Every file under folder, as POSIX paths relative to it."""
    for base, _dirs, files in os.walk(folder):
        rel = os.path.relpath(base, folder)
        for name in files:
            yield name if rel == "." else f"{Path(rel).as_posix()}/{name}"


def aggregate_files(site: Path, owned: set[str], bundles: set[str]) -> list[str]:
    """Every file of the built site that no record owns and no search bundle holds (record page folders
    and bundles are not walked)."""
    found = []
    for base, dirs, files in os.walk(site):
        rel = Path(base).relative_to(site).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirs[:] = [d for d in dirs if prefix + d not in owned and not (not prefix and d in bundles)]
        found.extend(prefix + name for name in files if prefix + name not in owned)
    return sorted(found)


def file_digest(path: Path) -> str:
    return _tree_digest(path)


def same_bytes(a: Path, b: Path) -> bool:
    return filecmp.cmp(a, b, shallow=False)  # sizes first, then chunk by chunk (not two whole reads)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Pagefind's --glob as a regex over site paths: {a,b} alternatives, * within a folder, ** across."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "{":
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(x) for x in pattern[i + 1:end].split(",")) + ")")
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


__all__ = ["FileDigests", "Manifest", "Plan", "decide", "global_inputs", "load", "owned_outputs", "record_inputs"]
