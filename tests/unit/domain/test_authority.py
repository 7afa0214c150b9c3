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
    ("district", 3, "2025-07-05", "ok"),
    ("district", 3, "2025-07-06", "error"),      # 1489: no more districts
    ("province", 3, "2025-07-06", "ok"),
    ("province", 5, "2026-01-01", "error"),
    ("central", 5, "2026-01-01", "ok"),
    ("central", 3, "2026-01-01", "error"),
])
def test_authority_table(level: str, star: int, date: str, expected: str) -> None:
    assert authority.verdict(level, star, date)[0] == expected


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
    hits = [f for f in findings if f["rule"] == "AUTH-LEVEL"]
    assert code == 1 and [(f["file"], f["line"]) for f in hits] == [
        ("registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml", 17)]
    assert "UBND cấp huyện" in hits[0]["message"] and "2025-08-15" in hits[0]["message"]


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
