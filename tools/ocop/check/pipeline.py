"""The validation pipeline: discover → load + schema (per file, cached, parallel) → index → cross-record rules.

Per-file results are cached under build/cache (`cache.py`) keyed by the file's content hash and a
fingerprint of the schemas and checking code, so a warm run only re-reads bytes and re-runs the
cross-record rules. A selection (paths, --changed-since) indexes only the records within reach of it
(`scope.py`); git answers what changed (`gitdiff.py`).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ocop.check import rules as checks
from ocop.check import schema as schema_check
from ocop.check.cache import FileCache, can_fork, stat_key
from ocop.check.gitdiff import Changes, start_changed_files
from ocop.check.rules import layout as layout_rules
from ocop.check.rules import photos, review
from ocop.check.scope import Graph, Node, links_of, neighbourhood
from ocop.check.worktree import Listing, blob_id, start_listing
from ocop.config import RunConfig
from ocop.findings import Finding, capped, has_errors, make, rule
from ocop.load import MAX_FILE_BYTES, Document, load_document, quiet_stderr
from ocop.model.layout import PROVINCES_FILE, Location, RegistryRootError, classify, shown
from ocop.model.layout import misnamed as invalid_names
from ocop.model.registry import Record, Registry, gc_paused
from ocop.model.schemas import schema_dir

LAYOUT_PATH = rule("LAYOUT-PATH", "error", "Tệp đặt sai chỗ",
                   "Mỗi hồ sơ nằm trong registry/<tỉnh>/<loại>/[năm/]<mã>.yaml hoặc plans/<mã>.yaml.",
                   example="registry/ha-noi/san-pham/sp-ha-noi-0001.yaml (thư mục phải là products)",
                   fix="Chuyển tệp vào đúng thư mục; xem hướng dẫn bố cục trong README.", family="layout", fixed="registry/ha-noi/products/sp-ha-noi-0001.yaml")
SYMLINK = rule("LAYOUT-SYMLINK", "error", "Liên kết tượng trưng trong kho",
               "Sổ đăng ký không đọc liên kết tượng trưng (symlink): chúng có thể trỏ ra ngoài kho.",
               example="registry/ha-noi/products/x.yaml -> /etc/passwd",
               fix="Thay liên kết bằng tệp thật.", family="layout", fixed="registry/ha-noi/products/x.yaml là một tệp thật")
PARALLEL_THRESHOLD = 3000


@dataclass
class Outcome:
    loaded: Loaded
    findings: list[Finding]
    files_checked: int
    selected: set[str] | None = None

    @property
    def registry(self) -> Registry:
        """The index of every record; built on first use (validating from a warm cache never needs it).
        Data parsed again to build it is written to the cache, for the next run."""
        registry = self.loaded.registry
        self.loaded.cache.save(self.loaded.record_files)  # data parsed again for it is kept
        return registry

    @property
    def failed(self) -> bool:
        return has_errors(self.findings)


@dataclass(frozen=True)
class FileChecker:
    """What the per-file stage needs, computed once per run and sent to each worker."""

    root: Path
    provinces: checks.Provinces
    schemas: Path

    @classmethod
    def for_root(cls, root: Path) -> tuple[FileChecker, bytes]:
        provinces, raw = provinces_of(root)
        return cls(root, provinces, schema_dir(root)), raw

    def check(self, relpath: str, raw: bytes | photos.Media | None) -> tuple[object, list[dict]]:
        """Load one file, check it against its schema and run the checks that need only this record; or
        check one photo file by its content (data None)."""
        if photos.is_media(relpath):
            return None, photos.check_media(relpath, raw if isinstance(raw, photos.Media) else None)
        location = classify(relpath)
        doc = load_document(self.root / relpath, relpath, raw)
        findings = doc.findings
        more = None
        if relpath == PROVINCES_FILE and doc.data is not None:  # the province table has a schema, no record rules
            schema_findings, unexplained = schema_check.explain(doc, "provinces", self.schemas)
            findings.extend(schema_findings)
            more = {("SCHEMA", relpath): 1} if unexplained else None
        elif isinstance(doc.data, dict) and location.kind:
            schema_findings, unexplained = schema_check.explain(doc, location.kind, self.schemas)
            findings.extend(schema_findings)
            if location.kind != "key":  # a key file has only its schema (the record rules know no keys)
                findings.extend(checks.run_per_record(_record(location, doc), self.provinces))
            more = {("SCHEMA", relpath): 1} if unexplained else None
        return doc.data, [f.to_dict() for f in capped(findings, more=more)]


def _record_id(location: Location, data: dict) -> str:
    return data["id"] if isinstance(data.get("id"), str) else location.stem


def _record(location: Location, doc: Document) -> Record:
    return Record(location.kind, _record_id(location, doc.data), doc.data, doc, location)


def _digest(raw: bytes | photos.Media | None) -> bytes:
    if isinstance(raw, photos.Media):
        return photos.digest(raw)
    return hashlib.blake2b(raw, digest_size=16).digest() if raw is not None else b"big"


def _blob(raw: bytes | photos.Media | None) -> bytes | None:
    """git's blob id of a record's bytes: how a file git vouches for is found in the cache (photos: None)."""
    return blob_id(raw) if isinstance(raw, bytes) else None


def _read_input(root: str, rel: str) -> bytes | photos.Media | None:
    """What the per-file stage reads of a file: a record's bytes (bounded), or a photo's (see photos.read_media)."""
    path = os.path.join(root, rel)
    return photos.read_media(path) if photos.is_media(rel) else _read_bounded(path)


def _per_file_batch(args: tuple[FileChecker, list[str]]) -> bytes:
    """Worker: read, hash, load and check a batch; marshal is much cheaper than pickle here."""
    checker, rels = args
    root = str(checker.root)
    out = []
    with quiet_stderr():  # once a batch, not once a file (see load.fast)
        for rel in rels:
            raw = _read_input(root, rel)
            out.append((rel, _digest(raw), _blob(raw), *checker.check(rel, raw)))
    return marshal.dumps(out)


def provinces_of(root: Path) -> tuple[checks.Provinces, bytes]:
    """The province table the per-record checks use, and the bytes it came from (part of the cache key)."""
    path = root / PROVINCES_FILE
    raw = _read_bounded(str(path)) if path.is_file() and not path.is_symlink() else None  # links are refused
    data = load_document(path, PROVINCES_FILE, raw).data if raw is not None else None
    table = checks.Provinces.from_list(data.get("provinces") if isinstance(data, dict) else None)
    return table, raw or b""


class Loaded:
    """Every file's verdict and references; the registry index is built on first use (a whole-run cache
    hit never needs it, a run on a few changed files indexes only their neighbourhood).

    `verdicts` holds the verdicts looked up or made in this run: every file's, or, when the files git
    vouches for are those of a summarised run (`Vouched`), only the others'."""

    def __init__(self, root: Path, files: list[str], verdicts: dict[str, list[dict]],
                 nodes: dict[str, Node] | Callable[[], Graph], findings: list[Finding],
                 inputs_key: bytes | None, cache: FileCache, checker: FileChecker,
                 refused: frozenset[str] = frozenset(), files_read: int | None = None,
                 folder_sizes: Counter | None = None) -> None:
        self.root, self.files, self.verdicts, self.findings = root, files, verdicts, findings
        self._nodes = nodes  # or how to get their graph: a summarised run reads it only for a selection
        self.refused = refused  # symlinks and misnamed files: reported (LAYOUT-SYMLINK, LAYOUT-NAME), never read
        self.inputs_key = inputs_key  # identifies every input file's content: the key of the whole-run cache
        self.cache, self.checker = cache, checker
        self.listing_notes: list[str] = []  # what made this run slower than it could be (told on standard error)
        self.files_read = len(verdicts) if files_read is None else files_read
        self.vouched: dict[str, str] = {}  # path -> blob id of each file git vouches for
        # record files per folder, counted over the whole tree even when only a neighbourhood is indexed
        self.folder_sizes = folder_sizes if folder_sizes is not None else Counter(
            rel.rsplit("/", 1)[0] for rel in self.nodes)

    @property
    def notices(self) -> list[str]:
        """Why this run was slower than it could be: git could not answer, a cache file was damaged."""
        return [*self.listing_notes, *self.cache.problems]

    @functools.cached_property
    def nodes(self) -> dict[str, Node]:
        """Every record file's id and references."""
        if isinstance(self._nodes, dict):
            return self._nodes
        graph = self.graph
        return {rel: graph.node(rel) for rel in graph.files()}

    @functools.cached_property
    def graph(self) -> Graph:
        """The references between record files, as a selection's neighbourhood is found (scope.py)."""
        return Graph.of(self._nodes) if isinstance(self._nodes, dict) else self._nodes()

    @functools.cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    @functools.cached_property
    def photo_problems(self) -> dict[str, tuple[str, ...]]:
        """Photo files the per-file checks refused, with the rules they failed (PHOTO-REJECTED reads it).
        Photos are never vouched for by git (see worktree.py), so each has its verdict in `verdicts`."""
        return {rel: tuple(sorted({f["rule"] for f in found})) for rel, found in self.verdicts.items()
                if found and photos.is_media(rel)}

    @property
    def record_files(self) -> list[str]:
        """The files whose cache entries and data are kept."""
        return self.files

    @functools.cached_property
    def registry(self) -> Registry:
        return self.index(self.files)

    def index(self, files: list[str]) -> Registry:
        with gc_paused():
            registry = _build_index(self.root, files, self._data)
        registry.folder_sizes, registry.files = self.folder_sizes, self.file_set
        registry.photo_problems = self.photo_problems
        return registry

    def _data(self, rel: str) -> object:
        hex_id = self.vouched.get(rel)
        blob = bytes.fromhex(hex_id) if hex_id else None
        found, data = self.cache.data(rel, blob)
        if not found:  # the data file was lost or is older than the verdicts: parse again
            raw = _read_bounded(str(self.root / rel))
            data, findings = self.checker.check(rel, raw)
            if blob is not None and isinstance(raw, bytes) and _blob(raw) == blob:
                # the entry was of other content (a summarised run looks up no file git vouches for)
                self.cache.put(rel, None, _digest(raw), findings, _node(rel, data), data, parsed=True, blob=blob)
            else:
                self.cache.keep_data(rel, data, _digest(raw))  # kept only if these bytes are the verdict's
        return data


def load_registry(root: Path, use_cache: bool = True, jobs: int | None = None) -> tuple[Registry, list[Finding], int]:
    """Read every file once; return the index, per-file findings and the number of files read."""
    loaded = load(root, use_cache, jobs)
    registry = loaded.registry
    loaded.cache.save(loaded.record_files)
    return registry, loaded.findings, loaded.files_read


def load(root: Path, use_cache: bool = True, jobs: int | None = None,
         listing: Callable[[], Listing] | None = None) -> Loaded:
    """Every file's verdict. Refuses (RegistryRootError) a root without registry/: a misconfigured CI
    checkout must not pass as an empty, valid registry."""
    if not (root / "registry").is_dir():
        raise RegistryRootError(root)
    with gc_paused():
        return _load(root.resolve(), use_cache, jobs, listing)


@dataclass
class Vouched:
    """What an earlier run over the same git index listing made of the files git vouched for then
    (`FileCache.tree`): same listing, same paths and blob ids, so the same verdicts. Files git vouches for no
    longer (edited, deleted: `gone`) are taken out and checked as any other; a run where git vouches for a
    file the summary does not cover does not use it."""

    summary: dict
    gone: set[str]

    def names(self) -> list[str]:
        return [rel for rel in self.summary["files"] if rel not in self.gone] if self.gone else self.summary["files"]

    def misnamed(self) -> list[str]:
        return [rel for rel in self.summary["misnamed"] if rel not in self.gone]

    def findings(self) -> dict[str, list[dict]]:
        found = self.summary["findings"]
        return {rel: f for rel, f in found.items() if rel not in self.gone} if self.gone else found

    def _records(self, files: Iterable[str]) -> list[str]:
        """The files of these that have a node (a record's id and references)."""
        skip = {*self.summary["misnamed"], *self.summary["unnoded"]}
        return [rel for rel in files if rel.endswith(".yaml") and rel not in skip]

    def files_read(self) -> int:
        skip = set(self.summary["misnamed"])
        return self.summary["read"] - sum(1 for rel in self.gone if rel.endswith(".yaml") and rel not in skip)

    def folder_sizes(self) -> Counter:
        sizes = Counter(self.summary["folders"])
        sizes.subtract(rel.rsplit("/", 1)[0] for rel in self._records(self.gone))
        return sizes

    def graph(self, loaded: Loaded, others: dict[str, Node]) -> Graph:
        """The summarised files' graph, with the nodes of the others (the files git does not vouch for)."""
        text = loaded.cache.tree_nodes(self.summary)
        if text is not None:
            return Graph(text, self.gone, others)
        nodes = {}  # the graph file was lost or damaged: from the verdicts of the content git vouches for
        for rel in self._records(self.names()):
            hit = loaded.cache.by_blob(rel, bytes.fromhex(loaded.vouched[rel]))
            node = hit[2] if hit else _node(rel, loaded._data(rel))
            if node:
                nodes[rel] = node
        return Graph.of({**nodes, **others})


def _vouched(cache: FileCache, listing: Listing, names_key: bytes) -> Vouched | None:
    """The summary of an earlier run that covers every file git vouches for now, or None."""
    if listing.index_key is None or not cache.enabled:
        return None
    summary = cache.tree(listing.index_key)
    if summary is None:
        return None
    if summary["names"] == names_key:
        return Vouched(summary, set())
    gone = set(summary["files"]).difference(listing.vouched)
    return Vouched(summary, gone) if len(summary["files"]) - len(gone) == len(listing.vouched) else None


def _names_key(vouched: dict[str, str]) -> bytes:
    """Identifies which paths git vouches for (with the index listing, their contents)."""
    return hashlib.blake2b("\0".join(vouched).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def _load(root: Path, use_cache: bool, jobs: int | None, listed: Callable[[], Listing] | None) -> Loaded:
    listed = listed or start_listing(root)  # git answers what changed while the cache is read
    checker, provinces_raw = FileChecker.for_root(root)
    cache = FileCache(root, use_cache, provinces_raw)
    listing = listed()
    notes = []
    if listing.note:  # never silent: the run is right but slower, and the officer should know why
        notes.append(f"không dùng được chỉ mục git, đọc trạng thái từng tệp: {listing.note}")
        sys.stderr.write(f"ocop: {notes[-1]}\n")
    files, links, stats, vouched = listing.files, listing.links, listing.stats, listing.vouched
    names_key = _names_key(vouched)
    known = _vouched(cache, listing, names_key)
    if known is None:
        cache.read_all_entries()  # most files are looked up
        rest = files
        misnamed = invalid_names(files)
    else:  # only what git does not vouch for is looked up
        rest = [rel for rel in files if rel not in vouched]
        misnamed = sorted([*known.misnamed(), *invalid_names(rest)])
    if misnamed:  # never read: a name git cannot report as it is, or that differs from the record's id
        refused = set(misnamed)
        files = [rel for rel in files if rel not in refused]
        rest = [rel for rel in rest if rel not in refused]
    findings = [make("LAYOUT-SYMLINK", shown(rel), 1, 1, f"«{shown(rel)}» là liên kết tượng trưng; sổ đăng ký không đọc nó.")
                for rel in links]
    findings.extend(layout_rules.check_names([*links, *misnamed]))
    verdicts, nodes, digests = _per_file(checker, cache, rest, vouched, stats, jobs)
    per_file = _file_findings(rest, verdicts, nodes)
    if known is not None:
        per_file.update(known.findings())
    findings.extend(Finding.from_dict(f) for rel in sorted(per_file) for f in per_file[rel])
    inputs_key = _inputs_key(listing, names_key, digests, links, misnamed)
    if known is None:
        loaded = Loaded(root, files, verdicts, nodes, findings, inputs_key, cache, checker, frozenset(links + misnamed))
        if listing.index_key is not None and b"big" not in digests.values():
            _keep_summary(cache, listing.index_key, names_key, vouched, misnamed, verdicts, nodes, per_file)
    else:
        sizes = known.folder_sizes()
        sizes.update(rel.rsplit("/", 1)[0] for rel in nodes)
        loaded = Loaded(root, files, verdicts, lambda: known.graph(loaded, nodes), findings, inputs_key, cache,
                        checker, frozenset(links + misnamed), known.files_read() + len(verdicts), sizes)
    loaded.listing_notes, loaded.vouched = notes, vouched
    return loaded


def _per_file(checker: FileChecker, cache: FileCache, files: list[str], vouched: dict[str, str],
              stats: dict[str, os.stat_result], jobs: int | None) -> tuple[dict, dict, dict]:
    """Each file's verdict and node (a record's id and references), from the cache or made; and the content
    digest of each file git does not vouch for (what the whole-run key needs besides git's word)."""
    verdicts: dict[str, list[dict]] = {}
    nodes: dict[str, Node] = {}
    digests: dict[str, bytes] = {}
    stat_keys: dict[str, tuple | None] = {}
    now_ns = time.time_ns()
    for rel in files:
        hex_id = vouched.get(rel)
        st = stats.get(rel)
        if not rel.endswith(".yaml") and not photos.is_media(rel):
            if hex_id is None:  # other files: only their place matters (LAYOUT-PATH)
                digests[rel] = str(st and st.st_size).encode()
            continue
        if hex_id is not None:  # git vouches for the content: found by its blob id, nothing read
            hit = cache.by_blob(rel, bytes.fromhex(hex_id))
            if hit is not None:
                _digest_hit, verdicts[rel], node = hit
                if node:
                    nodes[rel] = node
                continue
            key = None
        else:
            key = stat_key(st, now_ns)
            hit = cache.by_stat(rel, key)
            if hit is not None:
                digests[rel], verdicts[rel], node = hit
                if node:
                    nodes[rel] = node
                continue
        stat_keys[rel] = key
    unread = [rel for rel in stat_keys if rel not in vouched]  # a content hit is possible only for these
    for rel, digest, blob, node, data, file_findings in _run_per_file(checker, list(stat_keys), unread, jobs, cache):
        verdicts[rel] = file_findings
        if rel not in vouched or digest == b"big":
            digests[rel] = digest
        if node:
            nodes[rel] = node
        if digest != b"big":  # a photo has no data to keep, only its verdict
            cache.put(rel, stat_keys[rel], digest, file_findings, node, data,
                      parsed=data is not _CACHED and rel.endswith(".yaml"), blob=blob)
    return verdicts, nodes, digests


def _inputs_key(listing: Listing, names_key: bytes, digests: dict[str, bytes], links: list[str],
                misnamed: list[str]) -> bytes | None:
    """Identifies every input file's content: git's index listing and which paths it vouches for (their
    blob ids), and the content digest of every other file. None when a file has no content hash."""
    # an oversized or unreadable file has no content hash: its message (size, error) must be made afresh
    if b"big" in digests.values():
        return None
    inputs = hashlib.blake2b(b"index\0" + (listing.index_key or b"") + names_key, digest_size=16)
    for rel in sorted(digests):
        inputs.update(rel.encode("utf-8", "surrogateescape") + b"\0" + digests[rel] + b"\n")
    for rel in links:  # a new symlink changes the verdict (LAYOUT-SYMLINK) though no file changed
        inputs.update(b"link\0" + os.fsencode(rel) + b"\n")
    for rel in misnamed:  # so does a misnamed file (LAYOUT-NAME); its name may hold any byte
        inputs.update(b"name\0" + os.fsencode(rel) + b"\n")
    return inputs.digest()


def _keep_summary(cache: FileCache, index_key: bytes, names_key: bytes, vouched: dict[str, str],
                  misnamed: list[str], verdicts: dict[str, list[dict]], nodes: dict[str, Node],
                  per_file: dict[str, list[dict]]) -> None:
    """What the files git vouches for gave, for the next run over the same index listing (`Vouched`)."""
    skip = set(misnamed)
    summary = {"index": index_key, "names": names_key, "files": list(vouched),
               "misnamed": [rel for rel in misnamed if rel in vouched],
               "findings": {rel: found for rel, found in per_file.items() if rel in vouched},
               "read": sum(1 for rel in verdicts if rel in vouched),
               "folders": dict(Counter(rel.rsplit("/", 1)[0] for rel in nodes if rel in vouched)),
               "unnoded": [rel for rel in vouched if rel.endswith(".yaml") and rel not in nodes and rel not in skip]}
    cache.keep_tree(summary, lambda: Graph.text({rel: node for rel, node in nodes.items() if rel in vouched}))


def _read_bounded(path: str) -> bytes | None:
    """The file's bytes, or None when it is over the size limit (the loader then reports FILE-SIZE).
    Plain system calls, not open(): a buffered file object costs half of reading a small record."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        size = os.fstat(fd).st_size
        if size > MAX_FILE_BYTES:
            return None
        data = os.read(fd, size + 1)
        if len(data) == size:  # all of it (the usual case: one read)
            return data
        chunks = [data]  # it grew or shrank since fstat, or the read was short: read to the end, as open() would
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


_CACHED = object()  # data stands for "unchanged content, read from the cache when wanted"


def _node(rel: str, data: object) -> Node | None:
    """What the scoping of cross-record rules needs to know of a record file: its id and references."""
    location = classify(rel)
    if location.kind is None or not isinstance(data, dict):
        return None
    return _record_id(location, data), links_of(data)


def _run_per_file(checker: FileChecker, rels: list[str], unread: list[str], jobs: int | None, cache: FileCache):
    """Yield (rel, digest, blob id, node, data, findings) for files whose stat changed or whose git blob id is not
    cached; a content hit skips parsing (data is then _CACHED: it is read from the cache if the registry is
    wanted).

    A fresh clone with a restored cache (CI) misses every stat key but hits by content: the files git did
    not vouch for (`unread`) are hashed here first and only the misses are parsed, in parallel when there
    are many. A file git vouched for missed by its blob id already: its content is not in the cache.
    """
    misses = rels
    if unread and cache.any_entries():
        hashed = set(unread)
        misses = [rel for rel in rels if rel not in hashed]
        for rel in unread:
            raw = _read_input(str(checker.root), rel)
            hit = cache.by_digest(rel, _digest(raw)) if raw is not None else None
            if hit is None:
                misses.append(rel)
            else:
                yield rel, _digest(raw), _blob(raw), hit[1], _CACHED, hit[0]
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(misses) < PARALLEL_THRESHOLD:
        for rel in misses:
            raw = _read_input(str(checker.root), rel)
            data, findings = checker.check(rel, raw)
            yield rel, _digest(raw), _blob(raw), _node(rel, data), data, findings
        return
    # ~24 batches a worker: the last batches end close together (with 6, one core idled ~0.3 s at the end)
    size = max(100, len(misses) // (workers * 24))
    batches = [(checker, misses[i:i + size]) for i in range(0, len(misses), size)]
    from concurrent.futures import ProcessPoolExecutor  # ~0.1 s to import: only a run that parses thousands

    with ProcessPoolExecutor(max_workers=workers) as pool:
        for answer in pool.map(_per_file_batch, batches):
            for rel, digest, blob, data, findings in marshal.loads(answer):
                yield rel, digest, blob, _node(rel, data), data, findings


def _file_findings(files: list[str], verdicts: dict[str, list[dict]], nodes: dict[str, Node]) -> dict[str, list[dict]]:
    """Per-file findings (as the cache stores them), and files that sit where no record kind belongs."""
    out: dict[str, list[dict]] = {}
    for rel in files:
        if rel not in nodes and rel != PROVINCES_FILE and classify(rel).kind is None:
            if photos.is_media(rel):
                if verdicts.get(rel):
                    out[rel] = verdicts[rel]
            elif not _is_allowed_other_file(rel):
                out[rel] = [make("LAYOUT-PATH", rel, 1, 1, f"Tệp «{rel}» không nằm ở vị trí của một loại hồ sơ nào.").to_dict()]
        elif verdicts.get(rel):
            out[rel] = verdicts[rel]
    return out


def _build_index(root: Path, files: list[str], data_of: Callable[[str], object]) -> Registry:
    registry = Registry(root=root)
    prefix = str(root) + os.sep
    for rel in files:
        if rel == PROVINCES_FILE:
            data = data_of(rel)
            registry.provinces_doc = Document(rel, prefix + rel, data)
            registry.provinces = data.get("provinces", []) if isinstance(data, dict) else []
            continue
        location = classify(rel)
        if location.kind is None:
            continue
        data = data_of(rel)
        if isinstance(data, dict):
            registry.add(_record(location, Document(rel, prefix + rel, data)))
    registry.index()
    return registry


def _is_allowed_other_file(rel: str) -> bool:
    parts = rel.split("/")
    if parts[-1] in ("README.md", ".gitkeep"):
        return True
    return photos.is_media(rel)


def _referrers_of_deleted(loaded: Loaded, selected: set[str]) -> set[str]:
    """Files that refer to a selected record file that no longer exists: deleting a producer breaks its
    products, and a check of the change must say so (their REF-MISSING is about the deletion)."""
    gone = {rel.rsplit("/", 1)[-1][:-5] for rel in selected
            if rel.endswith(".yaml") and classify(rel).kind and not (loaded.root / rel).exists()}
    if not gone:
        return set()
    return {rel for record_id in gone for rel in loaded.graph.referrers(record_id)}


def validate(config: RunConfig, listing: Callable[[], Listing] | None = None,
             changes: Callable[[], Changes] | None = None) -> Outcome:
    """`listing` and `changes`: git's answers (worktree.start_listing, gitdiff.start_changed_files) when the
    caller started them already, for config.root."""
    with gc_paused():  # all of it: a collection between the stages walks every verdict and record (~0.1 s each)
        return _validate(config, listing, changes)


def _validate(config: RunConfig, listing: Callable[[], Listing] | None, changed: Callable[[], Changes] | None) -> Outcome:
    root = config.root.resolve()
    if changed is None and config.changed_since:
        changed = start_changed_files(root, config.changed_since)  # git works meanwhile
    loaded = load(root, config.use_cache, listing=listing)
    loaded.cache.save(loaded.record_files, background=True)  # written while the cross-record rules run
    changes: Changes | None = changed() if changed else None
    selected = _selection(root, config.paths, set(changes.paths) if changes else None)
    if selected is not None:
        selected |= _referrers_of_deleted(loaded, selected)
    ctx = checks.Context(root=root, today=config.today.isoformat(), base_ref=config.base_ref)
    scope = _scope(loaded, selected) if selected is not None and config.scoped else None
    findings = _findings(loaded, ctx, scope)
    loaded.cache.save(loaded.record_files)  # waits for the background save; writes the run's findings
    if changes is not None:  # what the change itself touches: sensitive files, paths no check read
        findings = findings + review.check_changes(root, changes, loaded.file_set | loaded.refused)
    if selected is not None:
        shown_selected = {shown(s) for s in selected}  # findings name a file as it can be printed
        findings = [f for f in findings if _touches(f, shown_selected)]
    findings.sort(key=Finding.sort_key)
    return Outcome(loaded, findings, loaded.files_read, selected)


# Families that find records other than by following references: history looks up every base file's id
# in today's tree, so it needs the whole index (it runs only against a base ref, i.e. in PR checks).
WHOLE_TREE_FAMILIES = ("history",)


def _findings(loaded: Loaded, ctx: checks.Context, scope: list[str] | None) -> list[Finding]:
    """Per-file findings plus the cross-record rules' (from the whole-run cache when nothing changed)."""
    run_key = _run_key(loaded.root, loaded.inputs_key, ctx)
    cached = loaded.cache.run
    if run_key is not None and cached is not None and cached[0] == run_key:
        return [Finding.from_dict(f) for f in cached[1]]
    if scope is not None:  # a few files selected: only their neighbourhood is indexed and checked
        by_reference = checks.run_cross_record(loaded.index(scope), ctx, skip=WHOLE_TREE_FAMILIES)
        whole = checks.run_cross_record(loaded.registry, ctx, only=WHOLE_TREE_FAMILIES) if ctx.base_ref else []
        return loaded.findings + capped(by_reference + whole)
    # per-file findings are capped as they are made (and cached); the cross-record ones here
    findings = loaded.findings + capped(_cross_record(loaded.registry, ctx, len(loaded.files)))
    if run_key is not None:
        loaded.cache.keep_run((run_key, [f.to_dict() for f in findings]))
    return findings


# The heaviest cross-record family at national scale (~0.28 s of ~0.6 s); the others take as long together.
BESIDE = "references"


def _cross_record(registry: Registry, ctx: checks.Context, files: int) -> list[Finding]:
    """Every family's cross-record findings, in family order. In a large registry the heaviest family runs
    in a forked child beside the others (the index is shared copy-on-write); its findings come back
    through a pipe as the cache stores them (Finding.to_dict, marshal). If the child fails, it runs here."""
    if files < PARALLEL_THRESHOLD or not can_fork():
        return checks.run_cross_record(registry, ctx)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; what it sends is compared with a run in one process
        os.close(read_end)
        code = 0
        try:
            payload = marshal.dumps([f.to_dict() for f in checks.run_cross_record(registry, ctx, only=(BESIDE,))])
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    others = {name: list(check(registry, ctx)) for name, check in checks.families() if name != BESIDE}
    with os.fdopen(read_end, "rb") as answer:
        payload = answer.read()
    _pid, status = os.waitpid(pid, 0)
    if status == 0:
        others[BESIDE] = [Finding.from_dict(f) for f in marshal.loads(payload)]
    else:
        others[BESIDE] = checks.run_cross_record(registry, ctx, only=(BESIDE,))
    return [f for name, _check in checks.families() for f in others[name]]


EXTRA_INPUTS = (".github/CODEOWNERS", ".github/ISSUE_TEMPLATE")


def _run_key(root: Path, inputs_key: bytes | None, ctx: checks.Context) -> bytes | None:
    """Everything the cross-record rules read besides the records; None when a git base is involved or
    some input has no content hash."""
    if ctx.base_ref or inputs_key is None:
        return None
    h = hashlib.blake2b(inputs_key + ctx.today.encode(), digest_size=16)
    for rel in EXTRA_INPUTS:
        path = root / rel
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                h.update(file.as_posix().encode() + file.read_bytes())
    return h.digest()


SCOPE_LIMIT = 2000  # more selected records than this: checking everything is as fast and simpler


def _scope(loaded: Loaded, selected: set[str]) -> list[str] | None:
    """The files the cross-record rules must index to judge the selected ones, or None for all."""
    prefixes = tuple(s for s in selected if s.endswith("/") or s == "")
    graph = loaded.graph
    if prefixes:
        seeds = [rel for rel in graph.files() if rel in selected or rel.startswith(prefixes)]
    else:  # a few files: no walk over every node
        seeds = sorted(rel for rel in selected if rel in graph)
    if len(seeds) > SCOPE_LIMIT:
        return None
    scope = neighbourhood(graph, seeds)
    return [rel for rel in loaded.files if rel in scope or rel == PROVINCES_FILE]


def _selection(root: Path, paths: Sequence[str], changed: set[str] | None) -> set[str] | None:
    if not paths and changed is None:
        return None
    selected: set[str] = set(changed or ())
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
    """A finding is reported for a selection when it names a selected file (or a file in a selected folder),
    when it is about a folder holding a selected file (LAYOUT-FOLDER-SIZE), or about the whole tree (".")."""
    if "" in selected:
        return True
    for f in (finding.file, *(r.file for r in finding.related)):
        if f in selected or f == "." or any(s.endswith("/") and f.startswith(s) for s in selected if s):
            return True
        if f.endswith("/") and any(s.startswith(f) for s in selected):
            return True
    return False
