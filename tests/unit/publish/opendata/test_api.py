"""publish/opendata: forked workers write the same API and dumps as one process does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ocop.check.pipeline import load_registry
from ocop.publish import opendata
from ocop.publish.opendata import api
from ocop.publish.site import model
from ocop_testing import REPO

TODAY = dt.date(2026, 11, 23)


def tree(folder: Path) -> dict[str, bytes]:
    skip = {"build.json", "SHA256SUMS", "data.json", "datapackage.json"}  # build time; hashes of build.json
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name not in skip and p.suffix != ".zip"}


def test_forked_shares_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    registry = load_registry(REPO, use_cache=False)[0]
    site_model = model.build(registry, TODAY, "https://ocop.example/")
    opendata.publish(site_model, tmp_path / "one", jobs=1)
    monkeypatch.setattr(api, "PARALLEL_FROM", 1)  # the sample is small: fork even so
    opendata.publish(site_model, tmp_path / "two", jobs=3)
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert len(one) > 300 and one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    lines = (tmp_path / "two" / "du-lieu" / "products.jsonl").read_text("utf-8").splitlines()
    assert lines == sorted(lines)  # id order survives the shares
