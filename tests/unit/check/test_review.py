"""REVIEW-SENSITIVE and REVIEW-UNCHECKED: what a pull-request check says about the change itself."""

from __future__ import annotations

import pytest

from ocop.check.gitdiff import Changes
from ocop.check.rules import review


@pytest.mark.parametrize(("path", "sensitive"), [
    ("registry/provinces.yaml", True),
    ("registry/keys/ha-noi.pub", True),
    ("schemas/product.schema.json", True),
    ("tools/ocop/domain/data/148-2023.yaml", True),
    ("tools/ocop/check/pipeline.py", True),
    ("pyproject.toml", True),
    ("Makefile", True),
    (".github/workflows/check.yml", True),
    (".github/CODEOWNERS", True),
    (".ci/run", True),
    ("mkdocs.yml", True),
    ("registry/ha-noi/products/sp-ha-noi-0001.yaml", False),
    ("registry/provinces.yaml.bak", False),  # not provinces.yaml: LAYOUT-PATH's
    ("plans/kh-ha-noi-2021-146.yaml", False),
    ("README.md", False),
    ("toolsx/a.py", False),
])
def test_which_paths_are_sensitive(path: str, sensitive: bool) -> None:
    assert (review.sensitive(path) is not None) is sensitive


def test_changes_are_judged_by_path(tmp_path) -> None:
    changes = Changes("0" * 40, frozenset({"schemas/product.schema.json", "registry/ha-noi/products/gone.yaml",
                                           "registry/ha-noi/products/vendor", "registry/ha-noi/products/a.yaml",
                                           "docs-src/x.md", "plans/kh-ha-noi-1.yaml"}),
                      frozenset({"schemas/product.schema.json", "registry/ha-noi/products/gone.yaml"}))
    findings = review.check_changes(tmp_path, changes, {"registry/ha-noi/products/a.yaml", "plans/kh-ha-noi-1.yaml"})
    assert [(f.rule, f.file, f.severity) for f in findings] == [
        ("REVIEW-UNCHECKED", "registry/ha-noi/products/vendor", "error"),
        ("REVIEW-SENSITIVE", "schemas/product.schema.json", "warning")]
    assert "xóa" in findings[1].message
