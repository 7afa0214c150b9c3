"""The validation pipeline: discover → load + schema (per file, cached, parallel) → index → cross-record rules.

Per-file results are cached under build/cache keyed by the file's content hash and a fingerprint of
the schemas and checking code, so a warm run only re-reads bytes and re-runs the cross-record rules.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import subprocess
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import checks
from .checks import schema as schema_check
from .findings import Finding, has_errors, make, rule
from .load import MAX_FILE_BYTES, Document, load_document
from .registry import PROVINCES_FILE, Record, Registry, classify, discover

LAYOUT_PATH = rule("LAYOUT-PATH", "error", "Tệp đặt sai chỗ",
                   "Mỗi hồ sơ nằm trong registry/<tỉnh>/<loại>/[năm/]<mã>.yaml hoặc plans/<mã>.yaml.",
                   example="registry/ha-noi/san-pham/sp-ha-noi-0001.yaml (thư mục phải là products)",
                   fix="Chuyển tệp vào đúng thư mục; xem hướng dẫn bố cục trong README.", family="layout")
SYMLINK = rule("LAYOUT-SYMLINK", "error", "Liên kết tượng trưng trong kho",
               "Sổ đăng ký không đọc liên kết tượng trưng (symlink): chúng có thể trỏ ra ngoài kho.",
               example="registry/ha-noi/products/x.yaml -> /etc/passwd",
               fix="Thay liên kết bằng tệp thật.", family="layout")
CACHE_VERSION = "1"
PARALLEL_THRESHOLD = 3000
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


@dataclass
class Outcome:
    registry: Registry
    findings: list[Finding]
    files_checked: int
    selected: set[str] | None = None

    @property
    def failed(self) -> bool:
        return has_errors(self.findings)


def per_file(root: Path, relpath: str, raw: bytes | None) -> tuple[object, list[dict]]:
    """Load one file and check it against its schema. Returns (data, findings as dicts)."""
    location = classify(relpath)
    doc = load_document(root / relpath, relpath, raw)
    findings = list(doc.findings)
    if isinstance(doc.data, dict) and location.kind:
        findings.extend(schema_check.check_document(doc, location.kind, schema_check.schema_dir(root)))
    return doc.data, [f.to_dict() for f in findings]


def _per_file_batch(args: tuple[str, list[tuple[str, bytes]]]) -> list[tuple[str, object, list[dict]]]:
    root = Path(args[0])
    return [(rel, *per_file(root, rel, raw)) for rel, raw in args[1]]


def _fingerprint(root: Path) -> str:
    """Changes when schemas, rule data or checking code change, so the cache never serves a stale verdict."""
    h = hashlib.blake2b(CACHE_VERSION.encode(), digest_size=16)
    package = Path(__file__).resolve().parent
    sources = [*sorted(schema_check.schema_dir(root).glob("*.json")), *sorted(package.rglob("*.py")),
               *sorted(p for p in (package / "data").rglob("*") if p.is_file())]
    for path in sources:
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _stat_key(root: str, rel: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(os.path.join(root, rel), follow_symlinks=False)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class FileCache:
    """Per-file results keyed by path, trusted while (size, mtime, inode) is unchanged (as git's index does),
    else by content hash; plus the last whole-run findings, keyed by every input of the run."""

    def __init__(self, root: Path, enabled: bool) -> None:
        self.path = root / "build" / "cache" / "validate.marshal"
        self.enabled = enabled
        self.fingerprint = _fingerprint(root) if enabled else ""
        self.entries: dict[str, tuple] = {}  # rel -> (stat_key, digest, data, findings)
        self.run: tuple[bytes, list[dict]] | None = None
        self.dirty = False
        if enabled and self.path.exists():
            try:
                stored = marshal.loads(self.path.read_bytes())
                if stored.get("fingerprint") == self.fingerprint:
                    self.entries, self.run = stored["entries"], stored.get("run")
            except (ValueError, EOFError, TypeError, KeyError):
                self.entries = {}

    def by_stat(self, rel: str, stat_key: tuple | None) -> tuple[bytes, object, list[dict]] | None:
        entry = self.entries.get(rel)
        return (entry[1], entry[2], entry[3]) if entry and stat_key and entry[0] == stat_key else None

    def by_digest(self, rel: str, digest: bytes) -> tuple[object, list[dict]] | None:
        entry = self.entries.get(rel)
        return (entry[2], entry[3]) if entry and entry[1] == digest else None

    def put(self, rel: str, stat_key: tuple | None, digest: bytes, data: object, findings: list[dict]) -> None:
        self.entries[rel] = (stat_key, digest, data, findings)
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        if not (self.enabled and self.dirty):
            return
        keep = set(keep)
        entries = {k: v for k, v in self.entries.items() if k in keep}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(marshal.dumps({"fingerprint": self.fingerprint, "entries": entries, "run": self.run}))
        os.replace(tmp, self.path)


@dataclass
class Loaded:
    registry: Registry
    findings: list[Finding]
    files_read: int
    inputs_key: bytes  # identifies every input file's content: the key of the whole-run cache
    cache: FileCache


def load_registry(root: Path, use_cache: bool = True, jobs: int | None = None) -> tuple[Registry, list[Finding], int]:
    """Read every file once; return the index, per-file findings and the number of files read."""
    loaded = load(root, use_cache, jobs)
    loaded.cache.save(loaded.registry_files)  # type: ignore[attr-defined]
    return loaded.registry, loaded.findings, loaded.files_read


def load(root: Path, use_cache: bool = True, jobs: int | None = None) -> Loaded:
    root = root.resolve()
    root_str = str(root)
    files, links = discover(root)
    findings = [make("LAYOUT-SYMLINK", rel, 1, 1, f"«{rel}» là liên kết tượng trưng; sổ đăng ký không đọc nó.")
                for rel in links]
    cache = FileCache(root, use_cache)
    results: dict[str, tuple[object, list[dict]]] = {}
    inputs = hashlib.blake2b(digest_size=16)
    todo: list[tuple[str, bytes | None, tuple | None, bytes]] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # thousands of long-lived parsed documents make the cyclic GC dominate load time
    try:
        for rel in files:
            stat_key = _stat_key(root_str, rel)
            if not rel.endswith(".yaml"):
                inputs.update(f"{rel}\0{stat_key and stat_key[0]}\n".encode())  # media: existence and size
                continue
            hit = cache.by_stat(rel, stat_key)
            if hit is not None:
                digest, data, file_findings = hit
                results[rel] = (data, file_findings)
            else:
                raw = _read_bounded(os.path.join(root_str, rel))
                digest = hashlib.blake2b(raw, digest_size=16).digest() if raw is not None else b"big"
                hit2 = cache.by_digest(rel, digest) if raw is not None else None
                if hit2 is not None:
                    results[rel] = hit2
                    cache.put(rel, stat_key, digest, *hit2)
                else:
                    todo.append((rel, raw, stat_key, digest))
            inputs.update(rel.encode() + b"\0" + digest + b"\n")
        for rel, data, file_findings in _run_per_file(root, [(t[0], t[1]) for t in todo], jobs):
            results[rel] = (data, file_findings)
        for rel, raw, stat_key, digest in todo:
            if raw is not None:
                cache.put(rel, stat_key, digest, *results[rel])
        registry = _build_index(root, files, results, findings)
    finally:
        if gc_was_enabled:
            gc.enable()
    loaded = Loaded(registry, findings, len(results), inputs.digest(), cache)
    loaded.registry_files = list(results)  # type: ignore[attr-defined]
    return loaded


def _read_bounded(path: str) -> bytes | None:
    """The file's bytes, or None when it is over the size limit (the loader then reports FILE-SIZE)."""
    try:
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size > MAX_FILE_BYTES:
                return None
            return fh.read()
    except OSError:
        return None


def _run_per_file(root: Path, todo: list[tuple[str, bytes | None]], jobs: int | None):
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        for rel, raw in todo:
            yield (rel, *per_file(root, rel, raw))
        return
    size = max(200, len(todo) // (workers * 8))
    batches = [(str(root), todo[i:i + size]) for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch in pool.map(_per_file_batch, batches):
            yield from batch


def _build_index(root: Path, files: list[str], results: dict, findings: list[Finding]) -> Registry:
    registry = Registry(root=root)
    for rel in files:
        location = classify(rel)
        if rel == PROVINCES_FILE:
            data, file_findings = results.get(rel, (None, []))
            findings.extend(Finding.from_dict(f) for f in file_findings)
            registry.provinces_doc = Document(rel, root / rel, data)
            registry.provinces = (data or {}).get("provinces", []) if isinstance(data, dict) else []
            continue
        if location.kind is None:
            if not _is_allowed_other_file(rel):
                findings.append(make("LAYOUT-PATH", rel, 1, 1, f"Tệp «{rel}» không nằm ở vị trí của một loại hồ sơ nào."))
            continue
        data, file_findings = results[rel]
        findings.extend(Finding.from_dict(f) for f in file_findings)
        if not isinstance(data, dict):
            continue
        doc = Document(rel, root / rel, data)
        record_id = data.get("id") if isinstance(data.get("id"), str) else location.stem
        registry.add(Record(location.kind, record_id, data, doc, location))
    registry.index()
    return registry


def _is_allowed_other_file(rel: str) -> bool:
    parts = rel.split("/")
    if parts[-1] in ("README.md", ".gitkeep"):
        return True
    return len(parts) >= 4 and parts[0] == "registry" and parts[2] == "media" and rel.lower().endswith(MEDIA_SUFFIXES)


def changed_files(root: Path, ref: str) -> set[str]:
    """Files changed since a git ref (committed, staged, unstaged and untracked)."""
    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line]

    merge_base = git("merge-base", ref, "HEAD")[0]
    names = set(git("diff", "--name-only", "--no-renames", merge_base))
    names |= set(git("ls-files", "--others", "--exclude-standard"))
    return names


def validate(
    root: Path,
    paths: list[str] | None = None,
    changed_since: str | None = None,
    base_ref: str | None = None,
    today: str | None = None,
    use_cache: bool = True,
) -> Outcome:
    root = root.resolve()
    loaded = load(root, use_cache)
    ctx = checks.Context(root=root, base_ref=base_ref)
    if today:
        ctx.today = today
    run_key = _run_key(root, loaded.inputs_key, ctx)
    cached = loaded.cache.run
    if run_key is not None and cached is not None and cached[0] == run_key:
        findings = [Finding.from_dict(f) for f in cached[1]]
    else:
        findings = loaded.findings + checks.run_cross_record(loaded.registry, ctx)
        if run_key is not None:
            loaded.cache.run = (run_key, [f.to_dict() for f in findings])
            loaded.cache.dirty = True
    loaded.cache.save(loaded.registry_files)  # type: ignore[attr-defined]
    selected = _selection(root, paths, changed_since)
    if selected is not None:
        findings = [f for f in findings if _touches(f, selected)]
    findings.sort(key=Finding.sort_key)
    return Outcome(loaded.registry, findings, loaded.files_read, selected)


EXTRA_INPUTS = (".github/CODEOWNERS", ".github/ISSUE_TEMPLATE")


def _run_key(root: Path, inputs_key: bytes, ctx: checks.Context) -> bytes | None:
    """Everything the cross-record rules read besides the records; None when a git base is involved."""
    if ctx.base_ref:
        return None
    h = hashlib.blake2b(inputs_key + ctx.today.encode(), digest_size=16)
    for rel in EXTRA_INPUTS:
        path = root / rel
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                h.update(file.as_posix().encode() + file.read_bytes())
    return h.digest()


def _selection(root: Path, paths: list[str] | None, changed_since: str | None) -> set[str] | None:
    if not paths and not changed_since:
        return None
    selected: set[str] = set()
    if changed_since:
        selected |= changed_files(root, changed_since)
    for p in paths or []:
        absolute = Path(p).resolve()
        rel = absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else p
        if absolute.is_dir():
            prefix = "" if rel == "." else rel.rstrip("/") + "/"
            selected.add(prefix)  # a folder selects everything below it
        else:
            selected.add(rel)
    return selected


def _touches(finding: Finding, selected: set[str]) -> bool:
    files = [finding.file, *(r.file for r in finding.related)]
    return any(f in selected or any(s.endswith("/") and f.startswith(s) for s in selected if s) or "" in selected
               for f in files)
