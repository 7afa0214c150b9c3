"""The validation cache: verdicts and parsed data kept apart, neither ever served stale."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import time
from pathlib import Path

from ocop.check import cache as cache_module
from ocop.check import pipeline as validate_module
from ocop.check.pipeline import FileChecker, validate
from ocop.config import RunConfig
from ocop_testing import FIXTURES, REPO

TODAY = "2026-11-23"


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "t"
    shutil.copytree(FIXTURES / "core" / "valid", root, ignore=shutil.ignore_patterns("build"))
    return root


def summary(outcome) -> tuple:
    registry = outcome.registry
    return ([f.to_dict() for f in outcome.findings],
            {kind: sorted(by_id) for kind, by_id in registry.records.items()},
            sorted(registry.certificates_of_product))


def test_warm_hit_builds_the_same_registry_on_demand(tmp_path: Path) -> None:
    root = tree(tmp_path)
    cold = summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))))
    warm = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert "registry" not in warm.loaded.__dict__  # a whole-run hit needs no index
    assert summary(warm) == cold


def test_lost_or_foreign_data_is_parsed_again(tmp_path: Path) -> None:
    root = tree(tmp_path)
    cold = summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))))
    shards = root / "build" / "cache" / "validate-data"
    assert sorted(p.name for p in shards.iterdir()) == ["hai-phong.marshal", "registry.marshal"]
    shutil.rmtree(shards)
    assert summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))) == cold
    assert (shards / "hai-phong.marshal").is_file()  # written again for the next run
    other = tree(tmp_path / "other")  # same fingerprint, one product parsed from other bytes
    product = other / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    product.write_text(product.read_text("utf-8").replace("name:", "name: Khác\nx_old_name:", 1), "utf-8")
    validate(RunConfig(other, today=dt.date.fromisoformat(TODAY)))
    shutil.copy(other / "build/cache/validate-data/hai-phong.marshal", shards / "hai-phong.marshal")
    assert summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))) == cold
    product_data = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).registry.get("product", "sp-hai-phong-0001").data
    assert "x_old_name" not in product_data


def test_edited_file_is_seen_through_a_warm_cache(tmp_path: Path) -> None:
    root = tree(tmp_path)
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    text = product.read_text("utf-8")
    product.write_text(text.replace("producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999"), "utf-8")
    outcome = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert "REF-MISSING" in {f.rule for f in outcome.findings}
    assert outcome.registry.get("product", "sp-hai-phong-0001").get("producer") == "ct-hai-phong-9999"
    product.write_text(text, "utf-8")
    assert not validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).failed


def test_province_table_change_voids_per_file_verdicts(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert not validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).failed
    provinces = root / "registry" / "provinces.yaml"
    provinces.write_text(provinces.read_text("utf-8").replace("slug: hai-phong", "slug: hai-phong-cu"), "utf-8")
    rules = {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings}
    assert "LAYOUT-UNKNOWN-PROVINCE" in rules


def test_fresh_clone_with_restored_cache_parses_nothing(tmp_path: Path, monkeypatch) -> None:
    """CI restores build/cache into a new checkout: every stat key differs, every content hash matches."""
    root = tree(tmp_path)
    first = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    clone = tmp_path / "clone"
    shutil.copytree(root, clone)  # new inodes and mtimes, same bytes, cache included

    def no_parsing(self, relpath, raw):
        raise AssertionError(f"parsed {relpath} although its content hash was cached")

    monkeypatch.setattr(FileChecker, "check", no_parsing)
    monkeypatch.setattr(validate_module, "PARALLEL_THRESHOLD", 1)  # the national-scale path, with workers
    again = validate(RunConfig(clone, today=dt.date.fromisoformat(TODAY)))
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in first.findings]
    assert sorted(again.registry.records["product"]) == sorted(first.registry.records["product"])


def test_every_checking_module_keys_the_cache() -> None:
    """Derived from the layout: every file of the stages below the checks, none of the stages above."""
    from ocop.check.cache import verdict_sources

    package = REPO / "tools" / "ocop"
    names = {p.relative_to(package).as_posix() for p in verdict_sources(REPO) if p.is_relative_to(package)}
    below = {p.relative_to(package).as_posix() for stage in ("load", "findings", "model", "domain", "check")
             for p in (package / stage).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert below and below | {"config.py"} == names
    assert {"check/scope.py", "load/loader.py", "check/pipeline.py", "check/rules/history.py",
            "model/issue_forms.py", "model/units.py", "domain/data/authority.yaml"} <= names
    assert not any(n.startswith(("publish/", "authoring/", "cli/", "report/", "ops/", "devtools/")) for n in names)


def test_data_parsed_again_is_kept_only_for_the_verdicts_bytes(tmp_path: Path) -> None:
    """A file edited between the verdict and a late re-parse must not leave the edit's data in the cache."""
    root = tree(tmp_path)
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    shutil.rmtree(root / "build" / "cache" / "validate-data")
    loaded = validate_module.load(root)
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    text = product.read_text("utf-8")
    product.write_text(text.replace("producer: ct-hai-phong-0001", "producer: ct-hai-phong-9999"), "utf-8")
    assert loaded.registry.get("product", "sp-hai-phong-0001")  # re-parses the edited bytes for the index
    loaded.cache.save(loaded.record_files)
    product.write_text(text, "utf-8")
    outcome = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert not outcome.failed
    assert outcome.registry.get("product", "sp-hai-phong-0001").get("producer") == "ct-hai-phong-0001"


def test_odd_folder_names_and_unwritable_cache_never_fail_a_run(tmp_path: Path) -> None:
    root = tree(tmp_path)
    odd = root / "registry" / ("x" * 250) / "products"
    odd.mkdir(parents=True)
    shutil.copy(root / "registry/hai-phong/products/sp-hai-phong-0001.yaml", odd / "sp-hai-phong-0001.yaml")
    rules = {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings}
    assert "LAYOUT-UNKNOWN-PROVINCE" in rules
    assert {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings} == rules  # warm, from a hashed shard name
    shutil.rmtree(root / "build")
    (root / "build").write_text("not a folder", "utf-8")  # the cache cannot be written at all
    assert {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings} == rules


def test_new_symlink_and_missing_photo_are_seen_through_a_warm_cache(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert not validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).failed
    link = root / "registry/hai-phong/products/sp-hai-phong-0099.yaml"
    link.symlink_to("/etc/hostname")
    assert "LAYOUT-SYMLINK" in {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings}
    link.unlink()
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    outside = root / "docs" / "a.jpg"  # in the repository but not in the registry
    outside.parent.mkdir()
    outside.write_bytes(b"\xff\xd8\xff")
    text = product.read_text("utf-8")
    product.write_text(text.rstrip("\n") + "\nphotos: [docs/a.jpg]\n", "utf-8")
    assert "REF-PHOTO" in {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings}


def test_same_size_edit_with_the_old_mtime_is_noticed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # trust even fresh timestamps: only ctime can tell
    root = tree(tmp_path)
    product = root / "registry/hai-phong/products/sp-hai-phong-0001.yaml"
    old = product.stat()
    past = old.st_mtime_ns - 10 * 10**9
    os.utime(product, ns=(past, past))  # as `cp -p` or `tar -x` leave it
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    text = product.read_text("utf-8")
    product.write_text(text.replace("producer: ct-hai-phong-0001", "producer: ct-hai-phong-0009"), "utf-8")
    os.utime(product, ns=(past, past))  # same size, same mtime: only ctime tells
    assert "REF-MISSING" in {f.rule for f in validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))).findings}


def test_a_damaged_or_foreign_cache_is_ignored_and_said(tmp_path: Path, capsys) -> None:
    root = tree(tmp_path)
    cold = summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY))))
    assert capsys.readouterr().err == ""
    verdicts = root / "build" / "cache" / "validate-verdicts" / "hai-phong.marshal"
    shard = root / "build" / "cache" / "validate-data" / "hai-phong.marshal"
    good = verdicts.read_bytes()
    damaged = {"truncated": good[:-7], "bit flipped": good[:-1] + bytes([good[-1] ^ 1]),
               "foreign": b"\x80\x04K\x01.", "empty": b""}
    sources = root / "build" / "cache" / "validate-sources.marshal"
    for name, blob in damaged.items():
        verdicts.write_bytes(blob)
        shard.write_bytes(blob)
        sources.write_bytes(blob)
        outcome = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
        assert summary(outcome) == cold, name
        err = capsys.readouterr().err
        assert "validate-verdicts/hai-phong.marshal" in err and "validate-data/hai-phong.marshal" in err, name
        assert "validate-sources.marshal" in err, name
        assert outcome.loaded.notices, name
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))  # written afresh by the runs above
    assert capsys.readouterr().err == ""


def test_a_cache_of_other_checking_code_is_ignored_quietly(tmp_path: Path, capsys, monkeypatch) -> None:
    """A cache written by another version is expected after an upgrade: nothing to tell, all checked again."""
    root = tree(tmp_path)
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    monkeypatch.setattr(cache_module, "CACHE_VERSION", "other")
    verdicts = root / "build" / "cache" / "validate-verdicts" / "hai-phong.marshal"
    verdicts.write_bytes(marshal.dumps({"fingerprint": "x", "entries": {}}))  # the format before the hash
    parsed = []
    check = FileChecker.check
    monkeypatch.setattr(FileChecker, "check", lambda self, rel, raw: parsed.append(rel) or check(self, rel, raw))
    outcome = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert len(parsed) == outcome.loaded.files_read and not outcome.loaded.notices
    assert capsys.readouterr().err == ""


def test_the_cache_is_whole_when_validate_returns(tmp_path: Path, monkeypatch) -> None:
    """validate() writes the cache from a forked child while the cross-record rules run (in a process with
    one thread; test_parallel_rules.py checks that path), and waits for it; or writes it itself."""
    root = tree(tmp_path)
    outcome = validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert outcome.loaded.cache.writer is None
    folder = root / "build" / "cache"
    for path in [*(folder / "validate-verdicts").iterdir(), folder / "validate-run.marshal",
                 *(folder / "validate-data").iterdir()]:
        assert isinstance(cache_module.read_marshal(path), dict), path
    monkeypatch.setattr(FileChecker, "check", lambda *a: (_ for _ in ()).throw(AssertionError("parsed again")))
    assert summary(validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))) == summary(outcome)


def test_the_checking_code_is_read_again_when_any_source_may_have_changed(tmp_path: Path, monkeypatch) -> None:
    """The fingerprint's digest of the checking code is kept with each file's stat key and taken again
    only while every file has that key; any edit (even of the same size, with the old mtime), an added
    file, or a file too fresh to trust makes it read the files again."""
    sources = [tmp_path / f"m{n}.py" for n in range(3)]
    for path in sources:
        path.write_text(f"RULE = {path.stem!r}\n", "utf-8")
    now = lambda: time.time_ns()  # noqa: E731
    first, record = cache_module.sources_digest(sources, None, now())
    again, kept = cache_module.sources_digest(sources, record, now())
    assert (again, kept) == (first, record) and kept is not record  # too fresh to trust: read again
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    first, record = cache_module.sources_digest(sources, None, now())
    monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(AssertionError(f"read {self}")))
    assert cache_module.sources_digest(sources, record, now()) == (first, record)  # nothing read
    monkeypatch.undo()
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    old = sources[1].stat()
    sources[1].write_text("RULE = 'm9'\n", "utf-8")  # same size
    os.utime(sources[1], ns=(old.st_atime_ns, old.st_mtime_ns))  # and the old mtime: only ctime tells
    edited, record = cache_module.sources_digest(sources, record, now())
    assert edited != first
    added = tmp_path / "m3.py"
    added.write_text("", "utf-8")
    assert cache_module.sources_digest([*sources, added], record, now())[0] != edited


def test_a_cache_of_other_checking_code_is_not_used(tmp_path: Path, monkeypatch) -> None:
    """The fingerprint follows the checking code through the kept record: a source edited after a run
    gives another fingerprint, and every verdict is made again."""
    root = tree(tmp_path)
    validate(RunConfig(root, today=dt.date.fromisoformat(TODAY)))
    assert (root / "build/cache/validate-sources.marshal").is_file()
    source = tmp_path / "rule.py"
    source.write_text("A = 1\n", "utf-8")
    monkeypatch.setattr(cache_module, "verdict_sources", lambda root: [source])
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # the kept record is trusted: only the stat key can tell
    before = cache_module.FileCache(root, True)
    before.save([])
    old = source.stat()
    source.write_text("A = 2\n", "utf-8")
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    after = cache_module.FileCache(root, True)
    assert after.fingerprint != before.fingerprint and after.fresh_sources
    assert cache_module.FileCache(root, True).fresh_sources  # not saved yet: read again
    after.save([])
    kept = cache_module.FileCache(root, True)
    assert kept.fingerprint == after.fingerprint and kept.fresh_sources is None  # the kept record answered
