"""Certificate lifecycle: default dates, states as of a date, `ocop expiry` and the PR expiry findings."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from ocop.check.pipeline import load_registry
from ocop.domain import lifecycle
from ocop_testing import FIXTURES, run_cli, validate_json

RULES = FIXTURES / "rules" / "valid"
TODAY = dt.date(2026, 11, 23)
CERTS = "registry/hai-phong/certificates"


@pytest.fixture(scope="module")
def registry():
    return load_registry(RULES, use_cache=False)[0]


@pytest.mark.parametrize(("start", "end"), [("2024-08-20", "2027-08-20"), ("2024-02-29", "2027-02-28"),
                                            ("2023-01-31", "2026-01-31"), ("2022-11-30", "2025-11-30")])
def test_valid_to_is_36_months_same_day_clamped(start: str, end: str) -> None:
    assert lifecycle.add_months(dt.date.fromisoformat(start), 36) == dt.date.fromisoformat(end)


def test_states_as_of_a_date(registry) -> None:
    states = {s.cert.id: s.state for s in lifecycle.statuses(registry, TODAY)}
    assert states == {
        "cn-hai-phong-2021-0001": "superseded",
        "cn-hai-phong-2023-0001": "expired",
        "cn-hai-phong-2023-0002": "expiring",
        "cn-hai-phong-2024-0001": "valid",
        "cn-hai-phong-2024-0002": "valid",
        "cn-hai-phong-2024-0003": "revoked",
        "cn-hai-phong-2025-0001": "valid",
        "cn-hai-phong-2025-0002": "valid",
    }


def test_state_boundaries(registry) -> None:
    cert = registry.get("certificate", "cn-hai-phong-2023-0001")  # decision 2023-06-01 → valid to 2026-06-01
    at = {day: lifecycle.status(registry, cert, dt.date.fromisoformat(day)) for day in
          ("2026-05-01", "2026-05-02", "2026-06-01", "2026-06-02")}
    assert [(s.state, s.days_left) for s in at.values()] == [
        ("valid", 31), ("expiring", 30), ("expiring", 0), ("expired", -1)]
    revoked = registry.get("certificate", "cn-hai-phong-2024-0003")  # revoked on 2025-05-06
    assert lifecycle.status(registry, revoked, dt.date(2025, 5, 5)).state == "valid"
    assert lifecycle.status(registry, revoked, dt.date(2025, 5, 6)).state == "revoked"
    old = registry.get("certificate", "cn-hai-phong-2021-0001")  # superseded from 2024-10-10
    assert lifecycle.status(registry, old, dt.date(2024, 10, 9)).state == "expiring"
    assert lifecycle.status(registry, old, dt.date(2024, 10, 10)).state == "superseded"


def expiry(capsys, *args: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, "--root", str(RULES), "expiry", "--today", "2026-11-23", *args)
    assert code in (0, 1), err
    return code, out


def test_expiry_json(capsys: pytest.CaptureFixture) -> None:
    code, out = expiry(capsys, "--format", "json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["certificate"], r["state"], r["days_left"]) for r in rows] == [
        ("cn-hai-phong-2023-0001", "expired", -175), ("cn-hai-phong-2023-0002", "expiring", 17)]
    assert {"certificate", "product", "province", "star", "valid_to", "state", "days_left"} <= set(rows[0])
    assert rows[1] | {} == rows[1] and rows[1]["valid_to"] == "2026-12-10" and rows[1]["province"] == "hai-phong"


def test_expiry_within_province_and_fail_on(capsys: pytest.CaptureFixture) -> None:
    _, out = expiry(capsys, "--format", "json", "--within", "300")
    assert [r["certificate"] for r in json.loads(out)][-1] == "cn-hai-phong-2024-0001"
    _, out = expiry(capsys, "--format", "json", "--province", "ha-noi")
    assert json.loads(out) == []
    assert expiry(capsys, "--fail-on", "expired")[0] == 1
    assert expiry(capsys, "--fail-on", "expiring")[0] == 1
    assert expiry(capsys, "--fail-on", "never")[0] == 0
    code, out, _ = run_cli(capsys, "--root", str(RULES), "expiry", "--today", "2024-01-01", "--fail-on", "expiring")
    assert code == 0 and "0 đã hết hạn" in out


def test_expiry_text_markdown_github(capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch) -> None:
    _, out = expiry(capsys)
    assert "cn-hai-phong-2023-0002 3★ hiệu lực đến 2026-12-10 — sắp hết hạn (còn 17 ngày)" in out
    _, out = expiry(capsys, "--format", "markdown")
    assert "| `cn-hai-phong-2023-0001` | Bánh gai Ninh Giang | 3★ | 2026-06-01 | đã hết hạn | -175 |" in out
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _, out = expiry(capsys, "--format", "github")
    lines = out.splitlines()
    assert lines[0].startswith(f"::warning file={CERTS}/2023/cn-hai-phong-2023-0001.yaml,line=5,col=11,"
                               "title=LIFECYCLE-EXPIRED")
    assert lines[1].startswith(f"::warning file={CERTS}/2023/cn-hai-phong-2023-0002.yaml,line=7,col=13,"
                               "title=LIFECYCLE-EXPIRING")
    assert "Chứng nhận OCOP hết hạn" in summary.read_text("utf-8")


def test_expiry_findings_for_a_pull_request(registry) -> None:
    every = lifecycle.expiry_findings(registry, "2026-11-23")
    assert [(f.rule, f.file, f.line, f.severity) for f in every] == [
        ("LIFECYCLE-EXPIRED", f"{CERTS}/2023/cn-hai-phong-2023-0001.yaml", 5, "warning"),
        ("LIFECYCLE-EXPIRING", f"{CERTS}/2023/cn-hai-phong-2023-0002.yaml", 7, "warning"),
    ]
    in_province = lifecycle.expiry_findings(registry, "2026-11-23", ["registry/hai-phong/products/sp-hai-phong-0007.yaml"])
    assert len(in_province) == 2
    assert lifecycle.expiry_findings(registry, "2026-11-23", ["registry/ha-noi/products/sp-ha-noi-0001.yaml"]) == []
    assert lifecycle.expiry_findings(registry, "2026-11-23", ["plans/kh-ha-noi-2021-146.yaml"]) == []
    assert lifecycle.expiry_findings(registry, "2023-01-01") == []


def test_validity_of_a_date_at_the_end_of_the_calendar_is_clamped() -> None:
    """Found by `make fuzz` (seed 56470, case 3707): a decision dated 9999-12-31 crashed valid_to."""
    assert lifecycle.add_months(dt.date(9999, 12, 31), 36) == dt.date.max
    assert lifecycle.add_months(dt.date(1, 1, 1), -1) == dt.date.min
    assert lifecycle.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def _two_successors(tmp_path: Path) -> Path:
    """The rules tree plus a second certificate (2025) that also supersedes cn-hai-phong-2021-0001."""
    root = tmp_path / "tree"
    shutil.copytree(RULES, root)
    (root / CERTS / "2025/cn-hai-phong-2025-0003.yaml").write_text(
        "id: cn-hai-phong-2025-0003\nprovince: hai-phong\nsample: true\nproduct: sp-hai-phong-0002\n"
        "decision: qd-hai-phong-2025-002\nstar: 4\nsupersedes: cn-hai-phong-2021-0001\n", "utf-8")
    decision = root / "registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml"
    decision.write_text(decision.read_text("utf-8") + "  - {product: sp-hai-phong-0002, certificate: "
                        "cn-hai-phong-2025-0003, star: 4, action: re_recognition}\n", "utf-8")
    return root


def test_every_successor_is_indexed_and_named_by_the_state(tmp_path: Path) -> None:
    registry = load_registry(_two_successors(tmp_path), use_cache=False)[0]
    assert [c.id for c in registry.superseded_by["cn-hai-phong-2021-0001"]] == [
        "cn-hai-phong-2024-0002", "cn-hai-phong-2025-0003"]
    old = registry.get("certificate", "cn-hai-phong-2021-0001")
    now = lifecycle.status(registry, old, TODAY)
    assert now.state == "superseded" and now.by.id == "cn-hai-phong-2024-0002"
    assert [c.id for c in now.successors] == ["cn-hai-phong-2024-0002", "cn-hai-phong-2025-0003"]
    assert now.to_json(registry)["successors"] == ["cn-hai-phong-2024-0002", "cn-hai-phong-2025-0003"]
    # before the second decision (2025-08-15) only the first successor is in force
    earlier = lifecycle.status(registry, old, dt.date(2025, 1, 1))
    assert earlier.state == "superseded" and [c.id for c in earlier.successors] == ["cn-hai-phong-2024-0002"]


def test_two_successors_are_one_error_naming_all_three_files(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, findings = validate_json(capsys, _two_successors(tmp_path), "--today", "2026-11-23")
    assert code == 1
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("LIFECYCLE-SUPERSEDE-TWICE", f"{CERTS}/2021/cn-hai-phong-2021-0001.yaml", 1)]
    related = findings[0]["related"]
    assert [(r["file"], r["line"]) for r in related] == [
        (f"{CERTS}/2024/cn-hai-phong-2024-0002.yaml", 9), (f"{CERTS}/2025/cn-hai-phong-2025-0003.yaml", 7)]
    assert "cn-hai-phong-2024-0002" in findings[0]["message"] and "cn-hai-phong-2025-0003" in findings[0]["message"]


def test_a_late_valid_from_names_both_dates_and_the_decision(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(RULES, root)
    cert = root / CERTS / "2025/cn-hai-phong-2025-0002.yaml"
    cert.write_text(cert.read_text("utf-8") + 'valid_from: "2025-12-01"\n', "utf-8")
    code, findings = validate_json(capsys, root, "--today", "2026-11-23")
    assert code == 1 and [f["rule"] for f in findings] == ["LIFECYCLE-START"]
    message = findings[0]["message"]
    assert "2025-12-01" in message and "2025-08-15" in message and "2301/QĐ-UBND" in message
    assert [(r["file"], r["line"]) for r in findings[0]["related"]] == [
        ("registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml", 6)]
