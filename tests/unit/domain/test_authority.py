"""Issuer authority by date (the table in data/authority.yaml) and its findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocop.domain import authority
from ocop_testing import FIXTURES, validate_json

RULES = FIXTURES / "rules" / "valid"


@pytest.mark.parametrize(("level", "star", "date", "expected"), [
    ("province", 3, "2021-10-15", "ok"),
    ("district", 3, "2022-04-12", "warning"),   # 1048 era: the law varied
    ("district", 4, "2021-10-15", "error"),
    ("central", 5, "2023-02-23", "ok"),
    ("district", 3, "2023-02-24", "ok"),         # 148
    ("province", 3, "2023-02-24", "error"),
    ("province", 4, "2025-07-05", "ok"),
    ("district", 3, "2025-06-30", "ok"),         # the districts' last day
    ("district", 3, "2025-07-01", "error"),      # NQ 203/2025/QH15: no districts from 01/7/2025
    ("district", 3, "2025-07-05", "error"),
    ("province", 3, "2025-07-01", "warning"),    # before 1489: a reviewer checks the province's basis
    ("province", 3, "2025-07-05", "warning"),
    ("district", 3, "2025-07-06", "error"),      # 1489: no more districts
    ("province", 3, "2025-07-06", "ok"),
    ("province", 5, "2026-01-01", "error"),
    ("central", 5, "2026-01-01", "ok"),
    ("central", 3, "2026-01-01", "error"),
])
def test_authority_table(level: str, star: int, date: str, expected: str) -> None:
    assert authority.verdict(level, star, date)[0] == expected


@pytest.mark.parametrize(("level", "date", "exists"), [
    ("district", "2023-06-01", True), ("district", "2025-06-30", True), ("district", "2025-07-01", False),
    ("district", "2031-01-01", False), ("province", "2025-07-01", True), ("central", "2018-05-07", True),
])
def test_issuer_levels_by_date(level: str, date: str, exists: bool) -> None:
    assert (authority.missing_level(level, date) is None) == exists


@pytest.mark.parametrize(("version", "date", "in_force"), [
    ("2004", "2025-06-30", True), ("2004", "2025-07-01", False), ("2025", "2025-06-30", False),
    ("2025", "2025-07-01", True), ("2025", "2024-08-20", False),
])
def test_unit_code_versions_by_date(version: str, date: str, in_force: bool) -> None:
    span = authority.code_version(version)
    assert span is not None and span.covers(date) == in_force


def test_dated_rows_cite_their_source() -> None:
    """Every date that ends a level or a code list comes from data that names its legal source."""
    spans = [authority.code_version("2004"), authority.code_version("2025"), *authority.levels()]
    assert len(spans) == 3 and all(s is not None and s.basis.strip() and s.source.strip() for s in spans)
    district = next(s for s in authority.levels() if s.name == "district")
    assert district.end == "2025-06-30" and "203/2025/QH15" in district.source
    periods = authority.table()[0]
    assert all(p.basis.strip() for p in periods)
    assert not any(p.covers("2025-07-01") and p.stars[3].get("district") for p in periods)


def test_central_issuer_name_by_date() -> None:
    assert authority.central_name("2025-02-28").name == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert authority.central_name("2025-03-01").name == "Bộ Nông nghiệp và Môi trường"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(RULES, root)
    return root


def test_district_3_star_after_the_reform_is_an_error(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = _tree(tmp_path)
    path = root / "registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml"
    path.write_text(path.read_text("utf-8").replace("level: province\n  name: UBND thành phố Hải Phòng",
                                                    "level: district\n  name: UBND huyện Thanh Hà"), "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    # the issuer did not exist on that day: one finding at issuer.level, not AUTH-LEVEL for each entry
    assert code == 1 and [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("AUTH-ISSUER-DATE", "registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml", 8)]
    message = findings[0]["message"]
    assert "UBND cấp huyện" in message and "2025-08-15" in message and "2025-06-30" in message
    assert "203/2025/QH15" in message


def test_central_name_alias_is_accepted(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = _tree(tmp_path)
    path = root / "registry/trung-uong/decisions/2025/qd-trung-uong-2025-001.yaml"
    path.write_text(path.read_text("utf-8").replace("name: Bộ Nông nghiệp và Môi trường", "name: bộ nông nghiệp  và môi trường"),
                    "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 0 and findings == []


def test_future_decision_uses_ctx_today(capsys: pytest.CaptureFixture) -> None:
    code, findings = validate_json(capsys, RULES, "--today", "2025-08-14")
    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("DECISION-FUTURE", 6, 7)]
    code, findings = validate_json(capsys, RULES, "--today", "2025-08-15")
    assert code == 0 and findings == []
