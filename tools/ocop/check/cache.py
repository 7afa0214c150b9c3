"""The validation cache under build/cache: per-file verdicts (small, read every run) and parsed data
(sharded by province folder, read only when the cross-record rules or a caller need records).

Keyed by a fingerprint of everything a verdict can depend on: the schemas, the rule data, the province
table, the unit code lists and all code of the stages below the checks (`VERDICT_PACKAGES`), found from
the package layout, so moving or adding a module never leaves a stale verdict.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ocop.check.scope import Node
from ocop.model.schemas import schema_dir

CACHE_VERSION = "7"  # 7: verdicts sharded by province, a summary of the files git vouches for
PACKAGE = Path(__file__).resolve().parents[1]
# Every stage a verdict can depend on; publishing, authoring, reporting and the CLI cannot change one.
VERDICT_PACKAGES = ("load", "findings", "model", "domain", "check")


def verdict_sources(root: Path) -> list[Path]:
    """Every file besides the records that a verdict can depend on: schemas, rule data, checking code."""
    code = sorted(Path(p) for name in VERDICT_PACKAGES for p in _files_below(PACKAGE / name))
    return [*sorted(schema_dir(root).glob("*.json")), PACKAGE / "config.py", *code]


def _files_below(folder: Path) -> Iterator[str]:
    """Code and data files of the package (the rule data lives in domain/data/), not compiled caches."""
    for parent, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in names:
            path = os.path.join(parent, name)
            if os.path.isfile(path):
                yield path


def _fingerprint(root: Path, provinces_raw: bytes, known: dict | None = None) -> tuple[str, dict]:
    """Changes when schemas, rule data, checking code, the unit code lists or the province table change,
    so the cache never serves a stale verdict. Also returns the sources' record (see _sources_digest)."""
    h = hashlib.blake2b(CACHE_VERSION.encode() + provinces_raw, digest_size=16)
    h.update(_units_package_version().encode())
    h.update(_distribution("PIL", "pillow").encode())  # reads the photos' headers
    digest, record = sources_digest(verdict_sources(root), known, time.time_ns())
    h.update(digest)
    return h.hexdigest(), record


def sources_digest(paths: list[Path], known: dict | None, now_ns: int) -> tuple[bytes, dict]:
    """A digest of the files' paths and bytes, and the record to keep for the next run: the digest with
    each file's stat key. The digest of `known` is taken again, without reading a file, when every file has
    the stat key recorded there and none is too fresh to trust (`stat_key`, as git trusts its index)."""
    keys: dict[str, tuple | None] = {}
    for path in paths:
        try:
            keys[path.as_posix()] = stat_key(os.stat(path), now_ns)
        except OSError:
            keys[path.as_posix()] = None
    if known and None not in keys.values() and known.get("keys") == keys and isinstance(known.get("digest"), bytes):
        return known["digest"], known
    h = hashlib.blake2b(digest_size=16)
    for path in paths:
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.digest(), {"keys": keys, "digest": h.digest()}


def _units_package_version() -> str:
    """The installed vietnam-provinces distribution (its dist-info folder name), without importing it or
    importlib.metadata: both would cost more than a warm run's whole budget."""
    return _distribution("vietnam_provinces", "vietnam_provinces")


def _distribution(module: str, dist: str) -> str:
    """An installed distribution's dist-info folder name (its version), found beside its top-level module."""
    spec = importlib.util.find_spec(module)
    package = Path(spec.origin).parent if spec and spec.origin else None
    found = sorted(p.name for p in package.parent.glob(f"{dist}-*.dist-info")) if package else []
    return found[-1] if found else "unknown"


RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same timestamp


def stat_key(st: os.stat_result | None, now_ns: int) -> tuple[int, int, int, int] | None:
    """What git's index compares; None (hash the content next time) when the timestamps are too fresh to
    be trusted, as git does for "racily clean" entries: an edit in the same tick would keep them."""
    if st is None or now_ns - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class FileCache:
    """Per-file verdicts keyed by path, trusted while (size, mtime, ctime, inode) is unchanged and not too
    fresh to trust (as git's index does), else by content hash or, for a file git vouches for, by its blob
    id; plus the last whole-run findings, keyed by every input of the run, and a summary of the files git
    vouched for (`tree`).

    The verdicts are sharded by province folder and each shard is read when a file in it is looked up: a run
    whose git index is the one summarised (`tree`) looks up only the files git does not vouch for (one
    changed product: its province's shard). The parsed data is larger and read only when the cross-record
    rules run or a caller wants the registry, sharded the same way. Each datum carries the content hash it
    was parsed from and is used only if that still matches the verdict.
    """

    def __init__(self, root: Path, enabled: bool, provinces_raw: bytes = b"") -> None:
        self.folder = folder = root / "build" / "cache"
        self.verdict_folder, self.data_folder = folder / "validate-verdicts", folder / "validate-data"
        self.run_path = folder / "validate-run.marshal"  # the last whole run's findings, apart: a few KB
        self.tree_path, self.nodes_path = folder / "validate-tree.marshal", folder / "validate-nodes.marshal"
        self.sources_path = folder / "validate-sources.marshal"  # the checking code's digest, by its files' stat
        self.enabled = enabled
        self.problems: list[str] = []  # damaged or foreign cache files found (each ignored, and told)
        self.fingerprint, self.fresh_sources = "", None
        if enabled:
            known = self._read(self.sources_path)
            self.fingerprint, sources = _fingerprint(root, provinces_raw, known)
            self.fresh_sources = sources if sources is not known else None
        self.entries: dict[str, tuple] = {}  # rel -> (stat_key, digest, findings, node, blob id), of the shards read
        self.entry_shards: set[str] = set()  # the verdict shards read into entries
        self.all_entries = not enabled  # every shard read (or none to read)
        self.dirty_entries: set[str] = set()  # verdict shards to write
        self.run: tuple[bytes, list[dict]] | None = None
        self.shards: dict[str, dict[str, tuple[bytes, object]]] = {}  # shard -> rel -> (digest, data), read on use
        self.fresh_data: dict[str, tuple[bytes, object]] = {}
        self.fresh_tree: tuple[dict, Callable[[], dict]] | None = None  # a summary and its graph, to write
        self.run_dirty = False
        self.writer: int | None = None  # the child process writing a save started in the background
        if enabled:
            run = self._read(self.run_path)
            self.run = run["run"] if run and run.get("fingerprint") == self.fingerprint else None

    @property
    def dirty(self) -> bool:
        return bool(self.dirty_entries or self.fresh_data)

    def _read(self, path: Path) -> dict | None:
        stored = read_marshal(path)
        if isinstance(stored, str):
            name = path.relative_to(self.folder).as_posix() if path.is_relative_to(self.folder) else path.name
            problem = f"bỏ qua bộ nhớ đệm {name} ({stored}); kiểm tra lại các tệp từ đầu"
            self.problems.append(problem)
            sys.stderr.write(f"ocop: {problem}\n")
            return None
        return stored

    def _stored(self, path: Path) -> dict | None:
        """A cache file written for this fingerprint, else None."""
        stored = self._read(path) if self.enabled else None
        return stored if stored and stored.get("fingerprint") == self.fingerprint else None

    def read_all_entries(self) -> None:
        """Every verdict shard, at once (a run that looks most files up)."""
        if self.all_entries:
            return
        names = sorted(os.listdir(self.verdict_folder)) if self.verdict_folder.is_dir() else []
        for name in names:
            if name.endswith(".marshal"):
                self._merge_entries(self._stored(self.verdict_folder / name))
        self.all_entries = True

    def _merge_entries(self, stored: dict | None) -> None:
        if stored and isinstance(stored.get("shard"), str) and stored["shard"] not in self.entry_shards:
            self.entry_shards.add(stored["shard"])
            for rel, entry in stored["entries"].items():
                self.entries.setdefault(rel, entry)  # an entry put in this run is newer

    def _entry(self, rel: str) -> tuple | None:
        if not self.all_entries:
            name = _shard_of(rel)
            if name not in self.entry_shards:
                stored = self._stored(self.verdict_folder / _shard_file(name))
                self._merge_entries(stored if stored and stored.get("shard") == name else None)
                self.entry_shards.add(name)
        return self.entries.get(rel)

    def any_entries(self) -> bool:
        """Whether some verdict may be cached (else hashing a file to look it up is wasted)."""
        return self.enabled and (bool(self.entries) or self.verdict_folder.is_dir())

    def by_stat(self, rel: str, stat_key: tuple | None) -> tuple[bytes, list[dict], Node | None] | None:
        entry = self._entry(rel) if stat_key else None
        return (entry[1], entry[2], entry[3]) if entry and entry[0] == stat_key else None

    def by_digest(self, rel: str, digest: bytes) -> tuple[list[dict], Node | None] | None:
        entry = self._entry(rel)
        return (entry[2], entry[3]) if entry and entry[1] == digest else None

    def by_blob(self, rel: str, blob: bytes) -> tuple[bytes, list[dict], Node | None] | None:
        """By the git blob id (SHA-1) of the content, for a file git vouches for. The content hash stays
        BLAKE2b: SHA-1 is trusted here only as git's index reports it (git hashes with collision detection,
        so a crafted colliding file never gets an index entry), never for bytes hashed by this module."""
        entry = self._entry(rel)
        return (entry[1], entry[2], entry[3]) if entry and entry[4] == blob else None

    def put(self, rel: str, stat_key: tuple | None, digest: bytes, findings: list[dict], node: Node | None,
            data: object = None, parsed: bool = False, blob: bytes | None = None) -> None:
        self._entry(rel)  # its shard is read first: it is written again whole
        self.entries[rel] = (stat_key, digest, findings, node, blob)
        self.dirty_entries.add(_shard_of(rel))
        if parsed:
            self.keep_data(rel, data)

    def keep_data(self, rel: str, data: object, digest: bytes | None = None) -> None:
        """Keep data parsed from the bytes with this digest (default: the verdict's own, just computed)."""
        entry = self._entry(rel)
        if entry and (digest is None or digest == entry[1]):
            self.fresh_data[rel] = (entry[1], data)

    def data(self, rel: str, blob: bytes | None = None) -> tuple[bool, object]:
        """(found, parsed data) of a file, if the data on record was parsed from its current content: the
        verdict's (looked up in this run), or, for a file git vouches for, the content with that blob id."""
        entry = self._entry(rel)
        if entry is None or (blob is not None and entry[4] != blob):
            return False, None
        stored = self.fresh_data.get(rel) or self._shard(_shard_of(rel)).get(rel)
        return (True, stored[1]) if stored and stored[0] == entry[1] else (False, None)

    def _shard(self, name: str) -> dict[str, tuple[bytes, object]]:
        if name not in self.shards:
            self.shards[name] = self._stored(self.data_folder / _shard_file(name)) or {}
            self.shards[name].pop("fingerprint", None)
        return self.shards[name]

    def tree(self, index_key: bytes) -> dict | None:
        """The summary of the files git vouched for in a run over this index listing (see pipeline.Vouched)."""
        stored = self._stored(self.tree_path)
        return stored if stored and stored.get("index") == index_key else None

    def tree_nodes(self, summary: dict) -> dict | None:
        """The references of the files a summary covers (scope.Graph.text), kept apart: only a selection
        needs them."""
        stored = self._stored(self.nodes_path)
        if stored and stored.get("index") == summary["index"] and stored.get("names") == summary["names"]:
            return stored.get("graph")
        return None

    def keep_tree(self, summary: dict, graph: Callable[[], dict]) -> None:
        """Keep a summary, and its graph, made when written (in the background writer, if there is one)."""
        self.fresh_tree = ({**summary, "fingerprint": self.fingerprint},
                           lambda: {"fingerprint": self.fingerprint, "index": summary["index"],
                                    "names": summary["names"], "graph": graph()})

    def keep_run(self, run: tuple[bytes, list[dict]]) -> None:
        self.run, self.run_dirty = run, True

    def save(self, keep: Iterable[str], background: bool = False) -> None:
        """Write what changed. The cache is only an optimisation: a read-only or full disk, or another
        run writing at the same moment, costs the next run time, never this run's verdict.

        `background`: marshal and write from a forked child while this process goes on (the cross-record
        rules run meanwhile on the other core; a cold national run writes ~45 MB, ~0.4 s). The next save
        waits for it; so does `wait`, which every caller reaches through a final save."""
        self.wait()
        if not (self.enabled and (self.dirty or self.run_dirty or self.fresh_tree or self.fresh_sources)):
            return
        try:
            writes = self._writes(set(keep))
            if background and can_fork():
                self.writer = _write_in_child(writes)
            else:
                for path, value in writes:
                    write_marshal(path, value)
        except OSError:
            pass

    def wait(self) -> None:
        """Until a background save has written its files (its success is not this run's concern)."""
        if self.writer is not None:
            os.waitpid(self.writer, 0)
            self.writer = None

    def _writes(self, keep: set[str]) -> list[tuple[Path, object]]:
        """The files to write for what changed; the in-memory state is updated as if they were written."""
        writes: list[tuple[Path, object]] = []
        if self.fresh_data:
            self.data_folder.mkdir(parents=True, exist_ok=True)
            touched: dict[str, dict[str, tuple[bytes, object]]] = {}
            for rel, datum in self.fresh_data.items():
                touched.setdefault(_shard_of(rel), {})[rel] = datum
            for name, fresh in touched.items():  # rewrite only the shards that gained data
                shard = {rel: v for rel, v in {**self._shard(name), **fresh}.items() if rel in keep}
                self.shards[name] = shard
                writes.append((self.data_folder / _shard_file(name), {**shard, "fingerprint": self.fingerprint}))
            self.fresh_data = {}
        if self.dirty_entries:
            self.verdict_folder.mkdir(parents=True, exist_ok=True)
            by_shard: dict[str, dict[str, tuple]] = {name: {} for name in self.dirty_entries}
            for rel, entry in self.entries.items():
                shard = by_shard.get(_shard_of(rel))
                if shard is not None and rel in keep:
                    shard[rel] = entry
            for name, entries in by_shard.items():
                writes.append((self.verdict_folder / _shard_file(name),
                               {"fingerprint": self.fingerprint, "shard": name, "entries": entries}))
            self.dirty_entries = set()
            # new verdicts and an old run file: rewritten so they stay paired
            writes.append((self.run_path, {"fingerprint": self.fingerprint, "run": self.run}))
        elif self.run_dirty:
            writes.append((self.run_path, {"fingerprint": self.fingerprint, "run": self.run}))
        if self.fresh_sources:
            self.sources_path.parent.mkdir(parents=True, exist_ok=True)
            writes.append((self.sources_path, self.fresh_sources))
            self.fresh_sources = None
        if self.fresh_tree:
            (self.tree_path.parent).mkdir(parents=True, exist_ok=True)
            writes += [(self.nodes_path, self.fresh_tree[1]), (self.tree_path, self.fresh_tree[0])]
            self.fresh_tree = None
        self.run_dirty = False
        return writes


def can_fork() -> bool:
    """Whether forking is possible and safe: this process runs one thread. A worker pool just shut down can
    leave a thread that is still ending (the OS still counts it for a few microseconds): wait for it briefly."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    for _ in range(20):
        try:
            if len(os.listdir("/proc/self/task")) == 1:
                return True
        except OSError:  # no /proc: the threading module's count is all there is
            return True
        time.sleep(0.001)
    return False


def _write_in_child(writes: list[tuple[Path, object]]) -> int:
    """Fork a child that writes the files and exits (os._exit: no atexit handlers, no buffered output)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its files are what the tests check
        code = 0
        try:
            for path, value in writes:
                write_marshal(path, value)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    return pid


def _shard_file(name: str) -> str:
    """A safe, short file name for a shard: the folder name when it is a plain slug, else its hash."""
    plain = len(name) <= 60 and not name.startswith(".") and all(c.isascii() and (c.isalnum() or c in "-_.") for c in name)
    return f"{name}.marshal" if plain else hashlib.blake2b(name.encode(), digest_size=12).hexdigest() + ".marshal"


def _shard_of(rel: str) -> str:
    """registry/<province>/… → the province folder; plans/… and registry/provinces.yaml → their own."""
    parts = rel.split("/", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "registry" else parts[0]


# A cache file is MAGIC, a BLAKE2b hash of the rest, then the marshal data. marshal is the fastest format
# measured here (12 MB of verdicts: marshal 0.11-0.14 s to load, pickle 0.13 s, JSON 0.19 s) but is not
# made to read damaged bytes; the hash refuses a truncated, damaged or foreign file before marshal sees it.
MAGIC = b"ocop-validate-cache\n"
_HASH_SIZE = 16
_BARE_MARSHAL_DICT = (b"{", b"\xfb")  # marshal's dict type code, without and with its reference flag


def read_marshal(path: Path) -> dict | str | None:
    """The stored dict; None when there is none; or why the file cannot be used (damaged, foreign)."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"không đọc được: {err.strerror or err}"
    if not blob.startswith(MAGIC):
        # a bare marshal dict is the format before the hash (ocop ≤ 0.2): stale after an upgrade, as expected
        return None if blob[:1] in _BARE_MARSHAL_DICT else "không phải bộ nhớ đệm của ocop"
    digest, payload = blob[len(MAGIC):len(MAGIC) + _HASH_SIZE], blob[len(MAGIC) + _HASH_SIZE:]
    if hashlib.blake2b(payload, digest_size=_HASH_SIZE).digest() != digest:
        return "tệp hỏng hoặc bị cắt cụt"
    try:
        stored = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return "tệp hỏng"
    return stored if isinstance(stored, dict) else "không phải bộ nhớ đệm của ocop"


def write_marshal(path: Path, value: object) -> None:
    """Atomically, through a temporary file of this process's own (two runs may save at once). A callable
    value is made here (so a background writer makes it)."""
    payload = marshal.dumps(value() if callable(value) else value)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(MAGIC + hashlib.blake2b(payload, digest_size=_HASH_SIZE).digest())
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
