"""Every rule of the catalogue has a fixture case, and every case says exactly what it expects.

The catalogue is what `ocop rules --format json` prints (the command line, not a module path). A case
expects a rule when its expect.yaml lists a finding of it; test_rule_cases.py checks that it is reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ocop_testing import CASE_ROOTS, run_cli

FINDING_KEYS = {"rule", "file", "line", "column", "severity"}


def catalogue(capsys: pytest.CaptureFixture) -> dict[str, str]:
    """Rule id → severity, from `ocop rules --format json`."""
    code, out, err = run_cli(capsys, "rules", "--format", "json")
    assert code == 0, err
    return {r["id"]: r["severity"] for r in json.loads(out)}


def read_cases(roots: list[Path]) -> dict[str, object]:
    """«fixture/CASE» → its parsed expect.yaml, or None for a case folder without one."""
    cases: dict[str, object] = {}
    for root in roots:
        for case in sorted(p for p in root.iterdir() if p.is_dir()):
            path = case / "expect.yaml"
            cases[f"{root.parent.name}/{case.name}"] = (yaml.safe_load(path.read_text("utf-8")) or {}) if path.is_file() else None
    return cases


def coverage_problems(rules: dict[str, str], cases: dict[str, object]) -> list[str]:
    """What is wrong with the cases as a whole: a rule no case expects, a case without expect.yaml or without
    a findings list, a malformed finding, a rule that is not in the catalogue or a severity not the rule's."""
    problems: list[str] = []
    named: set[str] = set()
    for name, expect in cases.items():
        if expect is None:
            problems.append(f"{name}: no expect.yaml")
            continue
        findings = expect.get("findings") if isinstance(expect, dict) else None
        if not isinstance(findings, list):
            problems.append(f"{name}: expect.yaml has no `findings` list")
            continue
        if not isinstance(expect.get("exit"), int):
            problems.append(f"{name}: expect.yaml has no `exit` code")
        for f in findings:
            if not isinstance(f, dict) or set(f) != FINDING_KEYS:
                problems.append(f"{name}: a finding has exactly the keys {sorted(FINDING_KEYS)}, not {f}")
            elif f["rule"] not in rules:
                problems.append(f"{name}: {f['rule']} is not a rule of the catalogue")
            else:
                named.add(f["rule"])
                if f["severity"] != rules[f["rule"]]:
                    problems.append(f"{name}: {f['rule']} has severity {rules[f['rule']]}, not {f['severity']}")
    problems += [f"{rule}: no case expects this rule" for rule in sorted(rules.keys() - named)]
    return problems


def test_every_rule_has_a_case_and_every_case_its_findings(capsys: pytest.CaptureFixture) -> None:
    rules = catalogue(capsys)
    cases = read_cases(CASE_ROOTS)
    assert len(rules) > 50 and len(cases) > 60  # the catalogue and the cases were found at all
    problems = coverage_problems(rules, cases)
    assert not problems, "\n".join(problems)


# ---- each failure mode fires, on synthetic input ------------------------------------------------------

RULES = {"YAML-TAB": "error", "ID-PREFIX": "warning"}


def finding(rule: str, severity: str = "error") -> dict:
    return {"rule": rule, "file": "registry/x.yaml", "line": 1, "column": 1, "severity": severity}


def test_complete_cases_have_no_problem() -> None:
    cases = {"core/YAML-TAB": {"exit": 1, "findings": [finding("YAML-TAB")]},
             "core/ID-PREFIX": {"exit": 0, "findings": [finding("ID-PREFIX", "warning")]},
             "core/clean": {"exit": 0, "findings": []}}
    assert coverage_problems(RULES, cases) == []


def test_a_rule_without_a_case() -> None:
    cases = {"core/YAML-TAB": {"exit": 1, "findings": [finding("YAML-TAB")]}}
    assert coverage_problems(RULES, cases) == ["ID-PREFIX: no case expects this rule"]


def test_a_case_without_expect_yaml_or_findings(tmp_path: Path) -> None:
    root = tmp_path / "demo" / "cases"
    for name in ("NO-EXPECT", "NO-FINDINGS", "EMPTY", "NULL-FINDINGS", "OK"):
        (root / name).mkdir(parents=True)
    (root / "NO-FINDINGS" / "expect.yaml").write_text("rule: YAML-TAB\nfile: x.yaml\nline: 8\nexit: 1\n", "utf-8")
    (root / "EMPTY" / "expect.yaml").write_text("# only a comment\n", "utf-8")
    (root / "NULL-FINDINGS" / "expect.yaml").write_text("exit: 1\nfindings:\n", "utf-8")
    (root / "OK" / "expect.yaml").write_text(
        "exit: 1\nfindings:\n  - {rule: YAML-TAB, file: x.yaml, line: 8, column: 1, severity: error}\n"
        "  - {rule: ID-PREFIX, file: x.yaml, line: 2, column: 5, severity: warning}\n", "utf-8")
    (root / "not-a-case.md").write_text("a file beside the case folders is not a case\n", "utf-8")
    assert coverage_problems(RULES, read_cases([root])) == [
        "demo/EMPTY: expect.yaml has no `findings` list",
        "demo/NO-EXPECT: no expect.yaml",
        "demo/NO-FINDINGS: expect.yaml has no `findings` list",
        "demo/NULL-FINDINGS: expect.yaml has no `findings` list",
    ]


def test_an_expectation_of_an_unknown_rule() -> None:
    cases = {"core/YAML-TAB": {"exit": 1, "findings": [finding("YAML-TAB"), finding("YAML-TABS")]},
             "core/ID-PREFIX": {"exit": 0, "findings": [finding("ID-PREFIX", "warning")]}}
    assert coverage_problems(RULES, cases) == ["core/YAML-TAB: YAML-TABS is not a rule of the catalogue"]
    # a rule named only by an unknown-rule expectation is still uncovered
    cases = {"core/YAML-TAB": {"exit": 1, "findings": [finding("YAML-TAB")]},
             "core/typo": {"exit": 0, "findings": [finding("ID-PREFX", "warning")]}}
    assert coverage_problems(RULES, cases) == ["core/typo: ID-PREFX is not a rule of the catalogue",
                                               "ID-PREFIX: no case expects this rule"]


def test_malformed_findings_wrong_severity_and_missing_exit() -> None:
    partial = {k: v for k, v in finding("YAML-TAB").items() if k != "column"}
    cases = {"core/YAML-TAB": {"findings": [finding("YAML-TAB"), partial, "YAML-TAB"]},
             "core/ID-PREFIX": {"exit": 0, "findings": [finding("ID-PREFIX", "error")]}}
    assert coverage_problems(RULES, cases) == [
        "core/YAML-TAB: expect.yaml has no `exit` code",
        f"core/YAML-TAB: a finding has exactly the keys {sorted(FINDING_KEYS)}, not {partial}",
        f"core/YAML-TAB: a finding has exactly the keys {sorted(FINDING_KEYS)}, not YAML-TAB",
        "core/ID-PREFIX: ID-PREFIX has severity warning, not error",
    ]
