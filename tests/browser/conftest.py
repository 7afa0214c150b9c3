"""Site test fixtures: a built sample site served on 127.0.0.1, and headless Debian Chromium via Playwright."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocop.config import BuildConfig
from ocop.publish.build import build_site

REPO = Path(__file__).resolve().parents[2]  # tests/browser -> repository
FIXTURES = REPO / "tests" / "fixtures" / "site"
TODAY = dt.date(2026, 11, 23)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = REPO / "build" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def merged_tree(dest: Path, *trees: Path) -> Path:
    """A registry root made of several trees (the first one's provinces.yaml wins)."""
    for tree in trees:
        for top in ("registry", "plans"):
            if (tree / top).is_dir():
                shutil.copytree(tree / top, dest / top, dirs_exist_ok=True,
                                ignore=(lambda d, names: ["provinces.yaml"]) if (dest / "registry" / "provinces.yaml").exists() else None)
    return dest


class Server:
    def __init__(self, directory: Path, port: int) -> None:
        handler = functools.partial(QuietHandler, directory=str(directory))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep pytest output readable
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser left before the file was sent
            super().handle()


def build_and_serve(tmp: Path, root: Path) -> tuple[Path, Server]:
    port = free_port()
    result = build_site(BuildConfig(root, TODAY, f"http://127.0.0.1:{port}/", tmp / "out", documents=False, use_cache=False))
    assert result.ok, "the fixture registry must validate"
    return result.site, Server(result.site, port)


COFFEE = "registry/dak-lak/products/sp-dak-lak-9001.yaml"
OLD_DESCRIPTION = "description: Cà phê Robusta rang mộc, túi 500 g."


def git_history(root: Path) -> None:
    """A main line of two changes: the registry as a squash-merged PR (#3), then a merged PR (#12) whose
    branch rewrote the coffee product's description; the files end as the fixtures are."""
    def git(*args: str, author: str = "Cán bộ Hà Nội") -> None:
        env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_COMMITTER_NAME": author,
               "GIT_AUTHOR_EMAIL": "ocop@example.com", "GIT_COMMITTER_EMAIL": "ocop@example.com"}
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)

    coffee = root / COFFEE
    final = coffee.read_text(encoding="utf-8")
    coffee.write_text(final.replace(final.split("\n")[10], OLD_DESCRIPTION), encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Sổ đăng ký mẫu (#3)")
    git("checkout", "-q", "-b", "sua-mo-ta")
    coffee.write_text(final, encoding="utf-8")
    git("commit", "-q", "-a", "-m", "Sửa mô tả cà phê Ea Kao", author="Cán bộ Đắk Lắk")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-ff", "-m", "Merge pull request #12 from nhom-dak-lak/sua-mo-ta", "sua-mo-ta",
        author="Trưởng nhóm Đắk Lắk")


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample registry plus a coffee product (so 'ca phe' always has an answer), as a git
    repository with a short history (the record pages' "Lịch sử thay đổi")."""
    root = merged_tree(tmp_path_factory.mktemp("sample"), REPO, FIXTURES / "coffee")
    git_history(root)
    return root


@pytest.fixture(scope="session")
def sample_site(sample_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Server]]:
    site, server = build_and_serve(tmp_path_factory.mktemp("sample-build"), sample_root)
    yield site, server
    server.close()


@pytest.fixture(scope="session")
def xss_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Server]]:
    site, server = build_and_serve(tmp_path_factory.mktemp("xss-build"), FIXTURES / "xss")
    yield site, server
    server.close()


def ensure_tools() -> None:
    """Debian's chromium and zbarimg; installed once when missing (we never download a browser)."""
    if Path(CHROMIUM).exists() and shutil.which("zbarimg"):
        return
    if os.geteuid() != 0:
        pytest.skip("chromium/zbar-tools missing and not root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, capture_output=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "chromium", "zbar-tools"], check=True, capture_output=True, env=env)


@pytest.fixture(scope="session")
def browser(playwright_driver):
    ensure_tools()
    instance = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


class Guard:
    """Records everything a page did that a safe, offline page must not do."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.bytes: dict[str, int] = {}


@pytest.fixture
def page(browser):
    """A fresh page whose requests are all routed: anything not on 127.0.0.1 is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    guard = Guard()

    def route(r):
        url = r.request.url
        if url.startswith("http://127.0.0.1:") or url.startswith("data:") or url.startswith("blob:"):
            r.continue_()
        else:
            guard.outside.append(url)
            r.abort()

    context.route("**/*", route)
    p = context.new_page()
    p.clock.set_fixed_time(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 9))  # the build's day, unless a test moves it
    p.guard = guard
    p.on("dialog", lambda d: (guard.dialogs.append(d.message), d.dismiss()))
    p.on("console", lambda m: guard.errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: guard.errors.append(str(e)))
    yield p
    context.close()
    assert guard.outside == [], f"requests left 127.0.0.1: {guard.outside}"


@pytest.fixture
def shot():
    """Save a full-page screenshot under build/screenshots/<name>.png (looked at by a human)."""
    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
