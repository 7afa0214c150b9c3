"""Site benchmark on `ocop synth` trees: build time at 2k/5k/20k products, size, search bytes per query.

Prints `bench: <name> <value> <unit>` lines (the format `make bench` collects).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ocop.config import BuildConfig
from ocop.publish.build import build_site

SIZES = {"2k": 2000, "5k": 5000, "20k": 20000}
TODAY = dt.date(2026, 11, 23)
QUERY = "ca phe"
# a product word and a place (legacy province): each ≤ 300 KB (issue 15); and a facet alone ("5 sao" typed)
QUERIES = {"ca_phe": "ca phe", "dak_nong": "dak nong", "5_sao": "5 sao"}
# what a search fetches, by kind of file (Pagefind's bundle layout), for the per-file lines of the bench
SEARCH_FILES = (("entry", r"pagefind-entry\.json$"), ("meta", r"\.pf_meta$"), ("wasm", r"/wasm\.[^/]*\.pagefind$"),
                ("index", r"\.pf_index$"), ("filter", r"\.pf_filter$"), ("fragment", r"\.pf_fragment$"),
                ("js", r"\.js$"))
EDITED = 400  # products changed in a second commit: the history step reads and compares their two versions
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def synth_tree(out: Path, products: int, history: bool = False) -> Path:
    from ocop.devtools.synth import synth

    synth(out, products=products)
    if history:
        git_history(out)
    return out


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", *args],
                   cwd=root, check=True, capture_output=True)


def git_history(root: Path) -> None:
    """Two main-line commits: the whole tree, then a pull request editing EDITED products (a field each)."""
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Khởi tạo sổ đăng ký (#1)")
    for path in sorted((root / "registry").glob("*/products/*.yaml"))[:EDITED]:
        raw = path.read_text(encoding="utf-8")
        path.write_text(raw.replace("description: ", "description: (cập nhật) ", 1), encoding="utf-8")
    git(root, "commit", "-q", "-a", "-m", "Cập nhật mô tả sản phẩm (#2)")


def timed_build(root: Path, out: Path, memory: dict[str, float] | None = None) -> tuple[float, Path, dict[str, float]]:
    start = time.perf_counter()
    log = io.StringIO()
    # a synthetic tree with a few invalid records still measures the site: build anyway, say so
    config = BuildConfig(root, TODAY, "http://127.0.0.1:8000/", out, documents=False, refuse_errors=False,
                         use_cache=False)
    result = build_site(config, log=log)
    elapsed = time.perf_counter() - start
    summary = [line for line in log.getvalue().splitlines() if line.startswith("KHÔNG ĐẠT")]
    if summary:
        print(f"bench: note: {root.name}: {summary[0]}", file=sys.stderr)
    if memory is not None:
        memory.update(result.memory)
    return elapsed, result.site, result.timings


def child_build(root: Path, out: Path, incremental: bool = True,
                memory: dict[str, float] | None = None) -> tuple[float, float, dict[str, float], str]:
    """`build_site` in a fresh process, as an officer's `ocop build` runs (warm validate cache, same output
    folder): (seconds, peak MB of the process tree's largest process, step timings, its log); `memory` gets
    the MB each step added to the peak."""
    from ocop.devtools.bench import timed_rss

    seconds, rss, result = timed_rss(root, "build", str(root), str(out), *([] if incremental else ["--full"]),
                                     module="ocop.devtools.site_bench")
    if result.returncode != 0:
        raise RuntimeError(f"build failed: {result.stderr.strip()[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    if memory is not None:
        memory.update(figures["memory"])
    return seconds, rss, figures["timings"], result.stderr


def fresh_output(out: Path) -> None:
    """The output folder as a fresh clone's build finds it (CI, the Pages workflow): no previous site to move
    aside and delete in the background (~1.3 GB at 20,000 products, which competed with the timed build). The
    cache folder stays (QR codes and photos already encoded): the figure is a build with a warm cache."""
    if out.is_dir():
        for path in out.iterdir():
            if path.name != "cache":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    # the file system finishes that deletion (journal, freed blocks) before the clock starts, not during the
    # build: a fresh clone has nothing to delete (vmstat showed ~15 s of it at 20,000 products)
    os.sync()


def build_main(root: Path, out: Path, full: bool) -> int:
    """One build (the bench's settings), its step timings as JSON on stdout, its log on stderr."""
    config = BuildConfig(root, TODAY, "http://127.0.0.1:8000/", out, documents=False, refuse_errors=False,
                         incremental=not full)
    result = build_site(config, log=sys.stderr)
    print(json.dumps({"timings": result.timings, "memory": result.memory}))
    return 0


def edit_one_product(root: Path) -> Path:
    """Change one product's name (its page, its producer's and decision's pages, the catalogue change)."""
    path = sorted((root / "registry").glob("*/products/*.yaml"))[len(EDITED_NAME)]
    raw = path.read_text(encoding="utf-8")
    path.write_text(raw.replace("name: ", f"name: {EDITED_NAME} ", 1), encoding="utf-8")
    return path


EDITED_NAME = "Đặc sản"


def site_floor(site: Path, label: str, work: Path) -> float:
    """`site_floor_<label>`: as many files and bytes as the built site, written from memory on all cores."""
    from ocop.devtools.bench import timed_floor
    from ocop.devtools.floors import site_listing

    listing = site_listing(str(site))
    work.mkdir(parents=True, exist_ok=True)
    listing_file = work / f"site-listing-{label}.json"
    listing_file.write_text(json.dumps(listing), encoding="utf-8")
    dest = work / f"site-floor-{label}"
    shutil.rmtree(dest, ignore_errors=True)
    seconds, rss = timed_floor(work, "site", "--listing", str(listing_file), str(dest))
    report(f"site_floor_{label}", seconds, "s")
    report(f"site_floor_{label}_files", len(listing), "files")
    report(f"site_floor_{label}_rss_mb", rss, "MB")
    shutil.rmtree(dest, ignore_errors=True)
    return seconds


def rebuild_one(root: Path, out: Path, label: str) -> float:
    """`site_rebuild_one_<label>`: after a full build into `out`, one product file changed, `ocop build` again."""
    edited = edit_one_product(root)
    try:
        seconds, rss, steps, log = child_build(root, out)
    finally:
        subprocess.run(["git", "checkout", "--", str(edited.relative_to(root))], cwd=root, check=False)
    report(f"site_rebuild_one_{label}", seconds, "s")
    report(f"site_rebuild_one_{label}_rss_mb", rss, "MB")
    for step, value in steps.items():
        report(f"site_rebuild_step_{step.split()[0]}_{label}", value, "s")
    for line in log.splitlines():
        if any(said in line for said in ("dựng lại một phần", "dựng toàn bộ", "chỉ mục tìm kiếm", "chỉ mục từ đầu")):
            print(f"# {line}", flush=True)
    return seconds


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def search_breakdown(site: Path, query: str = QUERY) -> dict[str, tuple[int, int]]:
    """Kind of file (SEARCH_FILES) → (bytes as read, bytes over the wire) the search page fetches from
    /pagefind*/ to show the first results of one query typed into it, in Chromium.

    Pagefind's index, meta, fragments and WASM are gzip files already; its JavaScript is text, which GitHub
    Pages sends gzip-compressed: the second figure counts it so (the local server sends it as is)."""
    if not Path(CHROMIUM).exists():
        size = estimated_search_bytes(site)
        return {"estimate": (size, size)}
    from playwright.sync_api import sync_playwright

    from ocop.publish.site.serve import Server

    server = Server(site)
    fetched: dict[str, tuple[int, int]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()

            def on_response(response) -> None:
                if "/pagefind" in response.url:
                    try:
                        body = response.body()
                    except Exception:  # a response without a body (redirect) counts as nothing
                        body = b""
                    text = response.url.split("?")[0].endswith((".js", ".json", ".css"))
                    fetched[response.url] = (len(body), len(gzip.compress(body)) if text else len(body))

            page.on("response", on_response)
            page.goto(server.url + "tim-kiem/")
            page.fill("#search-q", query)  # typed: the facets' filter chunks are not loaded (their menu is closed)
            page.wait_for_selector("#search-results li a", timeout=120_000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.close()
    parts: dict[str, tuple[int, int]] = {}
    for url, (raw, wire) in fetched.items():
        kind = file_kind(url)
        parts[kind] = (parts.get(kind, (0, 0))[0] + raw, parts.get(kind, (0, 0))[1] + wire)
    return parts


def file_kind(url: str) -> str:
    path = url.split("?")[0]
    return next((kind for kind, pattern in SEARCH_FILES if re.search(pattern, path)), "other")


def estimated_search_bytes(site: Path, shown: int = 10) -> int:
    """Without a browser: loader, WASM, entry, filters, the largest index chunk and `shown` average fragments."""
    bundle = site / "pagefind"
    fixed = sum(p.stat().st_size for p in bundle.iterdir() if p.is_file())
    chunks = [p.stat().st_size for p in (bundle / "index").glob("*")] or [0]
    fragments = [p.stat().st_size for p in (bundle / "fragment").glob("*")] or [0]
    return fixed + max(chunks) + shown * sum(fragments) // len(fragments)


def search_figures(site: Path, name: str, query: str) -> dict[str, float]:
    """search_download_<name> and search_wire_<name> (KB), and what each kind of file added as read."""
    parts = search_breakdown(site, query)
    figures = {f"search_download_{name}": sum(r for r, _ in parts.values()) / 1024,
               f"search_wire_{name}": sum(w for _, w in parts.values()) / 1024}
    figures.update({f"search_download_{name}_{kind}": raw / 1024 for kind, (raw, _) in sorted(parts.items())})
    for key, value in figures.items():
        report(key, value, "KB")
    return figures


def report(name: str, value: float, unit: str) -> None:
    print(f"bench: {name} {value:.1f} {unit}", flush=True)


def run(out: Path | None = None, sizes: dict[str, int] | None = None) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="ocop-site-bench-") as tmp:
        base = Path(out) if out else Path(tmp)
        for label, n in (sizes or SIZES).items():
            last = label == list(sizes or SIZES)[-1]
            root = synth_tree(base / f"tree-{label}", n, history=last)  # site_step_history_<label>
            memory: dict[str, float] = {}
            if label == "20k":  # in a fresh process, for its peak memory (bar: 1.5 GB); validation cold
                shutil.rmtree(root / "build", ignore_errors=True)
                fresh_output(base / f"build-{label}")
                seconds, rss, steps, _log = child_build(root, base / f"build-{label}", False, memory)
                site = base / f"build-{label}" / "site"
                report(f"site_build_{label}_rss_mb", rss, "MB")
            else:
                seconds, site, steps = timed_build(root, base / f"build-{label}", memory)
            figures[f"site_build_{label}"] = seconds
            report(f"site_build_{label}", seconds, "s")
            if label == "20k":  # the floor: as many files and bytes, written from memory on all cores
                floor = site_floor(site, label, base)
                print(f"bench: site_build_{label}_ratio {seconds / floor:.2f} x", flush=True)
            for step, value in steps.items():  # where the time goes (validate is the core's, cold cache)
                report(f"site_step_{step.split()[0]}_{label}", value, "s")
            for step in ("api", "sitemap"):  # open data (issue 13): ≤ 15 s and ≤ 300 MB at 20k
                if step in memory:
                    report(f"site_step_{step}_rss_{label}", memory[step], "MB")
            if label == "20k" or last:
                api_files = [p for p in (site / "api").rglob("*") if p.is_file()]
                report(f"site_api_size_{label}", sum(p.stat().st_size for p in api_files) / 1e6, "MB")
                report(f"site_api_files_{label}", len(api_files), "files")
                report(f"site_opendata_size_{label}", tree_size(site / "du-lieu") / 1e6, "MB")
                figures[f"site_size_{label}"] = tree_size(site) / 1e6
                report(f"site_size_{label}", figures[f"site_size_{label}"], "MB")
                for name, query in QUERIES.items():  # each ≤ 300 KB (issue 15)
                    figures.update(search_figures(site, name, query))
                figures["search_download_per_query"] = figures["search_download_ca_phe"]
                report("search_download_per_query", figures["search_download_per_query"], "KB")
            if label == "20k":  # one product changed, `ocop build` again into the same folder (bar: 10 s)
                figures[f"site_rebuild_one_{label}"] = rebuild_one(root, base / f"build-{label}", label)
    return figures


def bench(out: Path) -> None:
    """Entry point used by `make bench` (ocop.bench): trees and sites under out/site."""
    run(Path(out) / "site")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "build":  # one build in this process (child_build)
        sys.exit(build_main(Path(sys.argv[2]), Path(sys.argv[3]), "--full" in sys.argv[4:]))
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
