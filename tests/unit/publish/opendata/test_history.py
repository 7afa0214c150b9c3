"""publish/opendata/history.py against a real git repository: last-change dates and the delta between builds."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ocop.publish.opendata import history


def commit(root: Path, message: str, date: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=root, check=True, env=env)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def put(root: Path, rel: str, body: str = "id: x\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


P1 = "registry/ha-noi/products/sp-ha-noi-0001.yaml"
P2 = "registry/ha-noi/products/sp-ha-noi-0002.yaml"
P3 = "registry/ha-noi/products/sp-ha-noi-0003.yaml"
C1 = "registry/ha-noi/certificates/2024/cn-ha-noi-2024-0001.yaml"


def two_builds(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository (its registry one folder down, as in a monorepo) with two commits between builds."""
    repo = tmp_path / "repo"
    root = repo / "so-dang-ky"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    for rel in (P1, P2, P3, C1):
        put(root, rel)
    put(root, "README.md", "not a record\n")
    first = commit(repo, "first", "2026-01-05T10:00:00+07:00")
    put(root, P1, "id: x\nname: changed\n")
    (root / P2).unlink()
    put(root, "registry/ha-noi/products/sp-ha-noi-0004.yaml")
    (root / C1).rename(root / "registry/ha-noi/certificates/2024/moved.yaml")  # the file of another id now
    put(root, "registry/hai-phong/certificates/2024/cn-ha-noi-2024-0001.yaml")  # same id, another folder
    (root / "registry/ha-noi/certificates/2024/moved.yaml").unlink()
    second = commit(repo, "second", "2026-02-10T08:30:00+07:00")
    return root, first, second


def test_modified_dates_come_from_one_log_pass(tmp_path: Path):
    root, _first, second = two_builds(tmp_path)
    past = history.read(root)
    assert past.head == second and past.head_date == "2026-02-10T08:30:00+07:00"
    assert past.of(P1) == "2026-02-10T08:30:00+07:00"  # changed in the second commit
    assert past.of(P3) == "2026-01-05T10:00:00+07:00"  # untouched since the first
    assert past.of(P2) == "2026-02-10T08:30:00+07:00"  # its deletion is its last change
    assert past.of("README.md") is None  # outside registry/ and plans/


def test_delta_lists_added_changed_and_removed_ids(tmp_path: Path):
    root, first, second = two_builds(tmp_path)
    current = {"sp-ha-noi-0001", "sp-ha-noi-0003", "sp-ha-noi-0004", "cn-ha-noi-2024-0001"}
    change = history.delta(root, first, second, current)
    assert (change.since, change.until) == (first, second)
    assert change.added == ["sp-ha-noi-0004"]
    assert change.changed == ["cn-ha-noi-2024-0001", "sp-ha-noi-0001"]  # moved folder = changed, not added
    assert change.removed == ["sp-ha-noi-0002"]


def test_without_a_previous_build_everything_is_added(tmp_path: Path):
    root, _first, second = two_builds(tmp_path)
    change = history.delta(root, None, second, {"b", "a"})
    assert (change.since, change.added, change.changed, change.removed) == (None, ["a", "b"], [], [])
    unknown = history.delta(root, "0" * 40, second, {"a"})  # a commit git does not have: start over
    assert unknown.since is None and unknown.added == ["a"]


def test_a_folder_that_is_not_a_checkout_has_no_dates(tmp_path: Path):
    (tmp_path / "registry").mkdir()
    past = history.read(tmp_path)
    assert past.head is None and past.modified == {}
