"""The branch protection README tells a deployment to set: a valid request body for
`PUT /repos/{owner}/{repo}/branches/{branch}/protection` that requires the jobs check.yml really has."""

from __future__ import annotations

import json
import re

import yaml

from ocop_testing import REPO


def protection_body() -> dict:
    readme = (REPO / "README.md").read_text("utf-8")
    match = re.search(r"gh api --method PUT repos/OWNER/REPO/branches/main/protection --input - <<'JSON'\n(.*?)\nJSON\n",
                      readme, re.DOTALL)
    assert match, "README has no branch protection call"
    return json.loads(match.group(1))


def test_protection_requires_code_owners_the_checks_and_no_force_push() -> None:
    body = protection_body()
    # the four fields the endpoint requires; `checks` only (sent with `contexts` the request is refused)
    assert {"required_status_checks", "enforce_admins", "required_pull_request_reviews", "restrictions"} <= body.keys()
    assert "contexts" not in body["required_status_checks"]
    assert body["required_pull_request_reviews"]["require_code_owner_reviews"] is True
    assert body["enforce_admins"] is True
    assert body["allow_force_pushes"] is False and body["allow_deletions"] is False
    jobs = yaml.safe_load((REPO / ".github/workflows/check.yml").read_text("utf-8"))["jobs"]
    names = {jobs[job].get("name", job) for job in jobs}
    assert {check["context"] for check in body["required_status_checks"]["checks"]} == names
