"""The site floor writes as many files, of the same sizes in the same folders, as the site it was listed from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ocop.devtools import floors


def test_site_floor_writes_the_listed_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for rel, size in {"index.html": 120, "san-pham/sp-a/index.html": 3000, "san-pham/sp-b/index.html": 0,
                      "api/v1/products/sp-a.json": 77}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(b"x" * size)
    listing = floors.site_listing(str(site))
    assert sorted(listing) == [("api/v1/products/sp-a.json", 77), ("index.html", 120),
                               ("san-pham/sp-a/index.html", 3000), ("san-pham/sp-b/index.html", 0)]
    listed = tmp_path / "listing.json"
    listed.write_text(json.dumps(listing), encoding="utf-8")
    # in its own process, as the bench runs it: the floor forks workers, which pytest's threads make unsafe
    run = subprocess.run([sys.executable, "-m", "ocop.devtools.floors", "site", "--listing", str(listed),
                          str(tmp_path / "floor")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(floors.site_listing(str(tmp_path / "floor"))) == sorted(listing)
    assert floors.main(["site"]) == 2
