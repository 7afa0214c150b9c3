"""Make tests/ importable so every test module can use the shared helpers in ocop_testing.py; and the
one Playwright driver of the session (a second sync_playwright() in the same process fails)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw
