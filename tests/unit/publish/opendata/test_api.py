"""publish/opendata: forked workers write the same API and dumps as one process does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ocop.publish.opendata import api
from ocop_testing import REPO


def tree(folder: Path) -> dict[str, bytes]:
    skip = {"build.json", "SHA256SUMS", "data.json", "datapackage.json"}  # build time; hashes of build.json
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name not in skip and p.suffix != ".zip"}


PUBLISH = """
import datetime as dt, sys
from pathlib import Path
from ocop.check.pipeline import load_registry
from ocop.publish import opendata
from ocop.publish.opendata import api
from ocop.publish.site import model
api.PARALLEL_FROM = int(sys.argv[3])  # the sample is small: fork even so
site_model = model.build(load_registry(Path(sys.argv[1]), use_cache=False)[0], dt.date(2026, 11, 23), "https://ocop.example/")
opendata.publish(site_model, Path(sys.argv[2]), jobs=int(sys.argv[4]))
"""


def publish(out: Path, parallel_from: int, jobs: int) -> None:
    # a fresh process: pytest's own may run server threads, and fork() copies no thread
    subprocess.run([sys.executable, "-c", PUBLISH, str(REPO), str(out), str(parallel_from), str(jobs)], check=True)


def test_forked_shares_write_what_one_process_writes(tmp_path: Path):
    publish(tmp_path / "one", api.PARALLEL_FROM, 1)
    publish(tmp_path / "two", 1, 3)
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one) > 300 and one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    lines = (tmp_path / "two" / "du-lieu" / "products.jsonl").read_text("utf-8").splitlines()
    assert lines == sorted(lines)  # id order survives the shares
