"""The web editor for real: Decap CMS (the npm files copied by `cms.install`) against `decap-server` on
127.0.0.1 in git mode (editorial workflow: each entry is a branch), driven in headless Debian Chromium.
The product the browser creates must pass `ocop validate`. Screenshots feed the guide.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ocop.authoring import cms
from ocop_testing import REPO, run_cli, validate_json

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = REPO / "build" / "screenshots" / "dang-ky"
SERVER = cms.PACKAGE / "node_modules" / "decap-server" / "dist" / "index.js"
TODAY = "2026-11-23"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_tools() -> None:
    """Debian chromium (never a browser download) and the pinned npm packages of tools/cms."""
    if not Path(CHROMIUM).exists():
        if os.geteuid() != 0:
            pytest.skip("chromium missing and not root")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=True, capture_output=True, env=env)
    if not SERVER.is_file() or not (cms.DIST / "decap-cms.js").is_file():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=cms.PACKAGE, check=True,
                       timeout=600)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def editor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(admin URL, repository): a git copy of the registry served by decap-server, the admin page by http.server."""
    ensure_tools()
    base = tmp_path_factory.mktemp("cms")
    repo, site = base / "repo", base / "site"
    for folder in ("registry", "schemas"):
        shutil.copytree(REPO / folder, repo / folder)
    shutil.copy(REPO / ".gitignore", repo / ".gitignore")  # build/ (the validation cache) is never committed
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)  # noqa: E731
    git("init", "-q", "-b", "main")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    api_port, web_port = free_port(), free_port()
    cms.install(site, root=repo, local_backend=f"http://127.0.0.1:{api_port}/api/v1")
    env = {**os.environ, "PORT": str(api_port), "BIND_HOST": "127.0.0.1", "MODE": "git",
           "GIT_REPO_DIRECTORY": str(repo), "LOG_LEVEL": "warn"}
    server = subprocess.Popen(["node", str(SERVER)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", web_port), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        wait_for(f"http://127.0.0.1:{api_port}/api/v1", server)
        yield f"http://127.0.0.1:{web_port}/admin/", repo
    finally:
        httpd.shutdown()
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, proc: subprocess.Popen) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise RuntimeError(f"decap-server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            request = urllib.request.Request(url, data=b'{"action":"info","params":{}}',
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("decap-server did not start")


@pytest.fixture
def page(playwright_driver) -> Iterator:
    ensure_tools()
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    outside: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    yield context.new_page()
    browser.close()
    assert outside == [], f"the editor reached outside 127.0.0.1: {outside}"


def shot(page, name: str, full: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def choose(page, field: str, text: str) -> None:
    """Pick an option of a select/relation widget (react-select) by typing and pressing Enter."""
    box = page.locator(f"[id^='{field}-field-']").first
    box.click()
    box.fill(text)
    page.locator("[class*='-option']").filter(has_text=text).first.wait_for(timeout=10000)
    box.press("Enter")


def photo_named(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (64, 48), (120, 160, 90)).save(path, "JPEG", quality=80)
    return path


def attach_photo(page, photo: Path) -> None:
    """Add a photo through the image widget: the media library uploads it into the province's media folder."""
    page.get_by_role("button", name="Add Ảnh").click()
    page.get_by_role("button", name="Chọn một hình").first.click()
    page.locator("input[type='file']").set_input_files(str(photo))
    page.get_by_text("vai-thieu.jpg").first.wait_for(timeout=30000)  # Decap's slug rules: ASCII, no accents
    page.get_by_role("button", name="Lấy những cái đã chọn").click()


def log_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Đăng nhập").wait_for(timeout=30000)
    shot(page, "cms-dang-nhap")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Sản phẩm — Thành phố Hà Nội").first.wait_for(timeout=30000)


def save_draft(page, repo: Path, collection: str) -> str:
    page.get_by_role("button", name="Lưu").first.click()
    page.get_by_text("Thay đổi đã được lưu", exact=False).first.wait_for(timeout=30000)
    return wait_for_branch(repo, collection)


def test_create_a_product_in_the_web_editor(editor: tuple[str, Path], page, capsys, tmp_path: Path) -> None:
    url, served = editor
    log_in(page, url)
    page.goto(url + "#/collections/products-ha-noi")
    page.get_by_text("Bình gốm men lam").first.wait_for(timeout=30000)
    shot(page, "cms-danh-sach")
    page.goto(url + "#/collections/products-ha-noi/new")
    page.locator("[id^='name-field-']").fill("Trà sen Tây Hồ")
    choose(page, "producer", "Gốm sứ Lam Phong")
    choose(page, "criteria_set", "148/2023")
    choose(page, "group", "Đồ uống")
    page.locator("[id^='description-field-']").fill("Trà xanh ướp hương sen Bách Diệp hồ Tây, hộp 100 g.")
    page.locator("[id^='street-field-']").fill("Ngõ 52 Đặng Thai Mai")
    choose(page, "code", "Phường Tây Hồ")
    attach_photo(page, photo_named(tmp_path / "vải-thiều.jpg"))  # a name with accents, as phones name photos
    shot(page, "cms-nhap-san-pham", full=True)
    page.locator("[id^='name-field-']").click()  # close the last dropdown before saving
    branch = save_draft(page, served, "products-ha-noi")
    page.get_by_text("Trạng: Bản nháp").first.wait_for(timeout=30000)
    shot(page, "cms-da-luu")  # a draft (branch / pull request) with its status and the publish button
    text = subprocess.run(["git", "show", f"{branch}:registry/ha-noi/products/sp-ha-noi-0011.yaml"], cwd=served,
                          capture_output=True, text=True, check=True).stdout
    (SHOTS / "cms-san-pham.yaml").write_text(text, "utf-8")  # what the editor wrote (for the guide)
    data = yaml.safe_load(text)
    assert data["name"] == "Trà sen Tây Hồ" and data["producer"] == "ct-ha-noi-0001"
    # the photo: uploaded under an ASCII name into the province's media folder, on the same branch
    assert data["photos"] == ["registry/ha-noi/media/vai-thieu.jpg"]
    assert subprocess.run(["git", "cat-file", "-e", f"{branch}:registry/ha-noi/media/vai-thieu.jpg"],
                          cwd=served).returncode == 0
    assert data["address"]["ward"] == {"level": "ward", "code": "00103", "version": "2025"}
    repo = draft_tree(served, branch, tmp_path)
    code, findings = validate_json(capsys, repo, "--today", TODAY)
    assert code == 0, [f for f in findings if f["severity"] == "error"]
    # the formatting bot's step (format.yml): after it, the change is canonical and names its schema again
    rel = "registry/ha-noi/products/sp-ha-noi-0011.yaml"
    assert run_cli(capsys, "--root", str(repo), "fmt", "--changed-since", "main")[0] == 0
    assert run_cli(capsys, "--root", str(repo), "fmt", "--check", "--changed-since", "main")[0] == 0
    formatted = (repo / rel).read_text("utf-8")
    assert formatted.startswith("# yaml-language-server: $schema=../../../schemas/product.schema.json\n")
    assert yaml.safe_load(formatted) == data
    assert validate_json(capsys, repo, "--today", TODAY)[0] == 0
    subprocess.run(["git", "worktree", "remove", "-f", str(repo)], cwd=served, check=True)


def draft_tree(served: Path, branch: str, tmp_path: Path) -> Path:
    """The draft's branch in a work tree of its own: decap-server checks branches out in the repository it serves
    while the editor lists drafts, so checking the draft out there raced it (its file could vanish mid-test)."""
    tree = tmp_path / "draft"
    subprocess.run(["git", "worktree", "add", "-q", str(tree), branch], cwd=served, check=True)
    return tree


def wait_for_branch(repo: Path, collection: str) -> str:
    """The editorial workflow saves a draft as a branch cms/<collection>/<slug> (a pull request on GitHub)."""
    for _ in range(200):
        out = subprocess.run(["git", "branch", "--list", f"cms/{collection}/*", "--format=%(refname:short)"], cwd=repo,
                             capture_output=True, text=True, check=True).stdout.split()
        if out:
            return out[0]
        time.sleep(0.1)
    raise AssertionError("no cms/ branch: the entry was not saved")


def test_a_date_the_editor_writes_is_made_a_string_by_the_formatting_bot(editor: tuple[str, Path], page,
                                                                          capsys, tmp_path: Path) -> None:
    url, served = editor
    log_in(page, url)
    page.goto(url + "#/collections/producers-ha-noi")
    page.get_by_text("Gốm sứ Lam Phong").first.wait_for(timeout=30000)
    page.goto(url + "#/collections/producers-ha-noi/new")
    page.locator("[id^='name-field-']").first.fill("Hợp tác xã Mây tre đan Phú Vinh")
    choose(page, "type", "Hợp tác xã")
    page.locator("[id^='tax_code-field-']").fill("0109876543")
    page.locator("[id^='name-field-']").nth(1).fill("Nguyễn Thị Hoa")
    page.locator("[id^='street-field-']").fill("Thôn Phú Vinh")
    choose(page, "code", "Phường Tây Hồ")
    page.locator("[id^='founded-field-']").fill("2012-03-15")
    page.locator("[id^='name-field-']").first.click()  # close the last dropdown before saving
    branch = save_draft(page, served, "producers-ha-noi")
    repo = draft_tree(served, branch, tmp_path)
    rel = subprocess.run(["git", "diff", "--name-only", "main", branch], cwd=repo, capture_output=True, text=True,
                         check=True).stdout.split()
    assert len(rel) == 1 and rel[0].startswith("registry/ha-noi/producers/"), rel
    written = (repo / rel[0]).read_text("utf-8")
    assert validate_json(capsys, repo, "--today", TODAY)[0] == 0  # the registry's own loader reads dates as text
    assert run_cli(capsys, "--root", str(repo), "fmt", "--changed-since", "main")[0] == 0
    assert run_cli(capsys, "--root", str(repo), "fmt", "--check", "--changed-since", "main")[0] == 0
    formatted = (repo / rel[0]).read_text("utf-8")
    # a YAML 1.1 reader (PyYAML, like ajv's loaders) now sees the string the schema asks for, never a date
    assert yaml.safe_load(formatted)["founded"] == "2012-03-15"
    assert 'founded: "2012-03-15"' in formatted and formatted.startswith("# yaml-language-server: $schema=")
    assert {k: v for k, v in yaml.safe_load(formatted).items() if k != "founded"} == {
        k: v for k, v in yaml.safe_load(written).items() if k != "founded"}
    assert validate_json(capsys, repo, "--today", TODAY)[0] == 0
    subprocess.run(["git", "worktree", "remove", "-f", str(repo)], cwd=served, check=True)
