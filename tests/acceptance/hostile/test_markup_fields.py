"""Every free-text field of every record kind, carrying each kind of markup, yields TEXT-MARKUP at its line.

A field is free text when the schema still accepts the record with the payload in it (ids, enums, dates,
URLs and paths refuse it: those are SCHEMA errors, covered by the corpus).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ocop.check import schema as schema_check
from ocop.model.layout import classify
from ocop_testing import FIXTURES, validate_json

BASE = FIXTURES / "rules" / "valid"
RECORDS = [
    "registry/hai-phong/products/sp-hai-phong-0001.yaml",
    "registry/hai-phong/producers/ct-hai-phong-0001.yaml",
    "registry/hai-phong/decisions/2024/qd-hai-phong-2024-001.yaml",
    "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0002.yaml",
    "registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml",
]
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "md-javascript": "[bấm](javascript:alert(1))",
    "md-data": "[ảnh](data:text/html;base64,PHNjcmlwdD4=)",
    "html-block": "<div>\n<iframe src=\"https://evil.example/\"></iframe>\n</div>",
}
EXTRA_TEXT_FIELDS = ("note",)  # optional top-level text every kind has


def leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
    return [path] if isinstance(value, str) else []


def set_at(data: Any, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def free_text_paths(data: dict, kind: str, payload: str) -> list[tuple]:
    validator = schema_check.fast_validator(schema_check.SCHEMA_DIR, kind)
    out = []
    for path in [*leaves(data), *((k,) for k in EXTRA_TEXT_FIELDS if k not in data)]:
        trial = yaml.safe_load(yaml.safe_dump(data))
        set_at(trial, path, payload + " Văn bản")
        if validator.is_valid(trial):
            out.append(path)
    return out


@pytest.mark.parametrize("payload", PAYLOADS, ids=str)
@pytest.mark.parametrize("rel", RECORDS, ids=lambda r: r.split("/")[2])
def test_every_text_field_is_flagged(capsys: pytest.CaptureFixture, tmp_path: Path, rel: str, payload: str) -> None:
    root = tmp_path / "tree"
    shutil.copytree(BASE, root)
    data = yaml.safe_load((BASE / rel).read_text("utf-8"))
    paths = free_text_paths(data, classify(rel).kind or "", PAYLOADS[payload])
    assert ("note",) in paths and (len(paths) >= 2 or "certificates" in rel), paths
    for path in paths:
        set_at(data, path, PAYLOADS[payload] + " Văn bản")
    (root / rel).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    flagged = [f for f in findings if f["rule"] == "TEXT-MARKUP" and f["file"] == rel]
    assert len(flagged) == len(paths), (paths, flagged)
    assert code == 0, [f for f in findings if f["severity"] == "error"]
    for f in flagged:
        assert "Văn bản" in (root / rel).read_text("utf-8").split("\n")[f["line"] - 1] or payload == "html-block"
