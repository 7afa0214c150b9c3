"""Turn the Registry into the docs folder MkDocs builds: Markdown hub pages and plain HTML record pages.

Record pages (products, producers, decisions, verifications) are written as finished HTML files, so
MkDocs only copies them: Material's per-page cost (~4 ms, quadratic with a big nav) stays on the few
dozen hub pages, and any generator that copies static files builds the same site.
Every record value reaches HTML through Jinja2 autoescape; hub pages wrap their HTML in one raw block,
which Markdown leaves untouched. A hub page's title goes through front_matter(): MkDocs renders templates
without autoescape, so Material puts page.meta.title as it is into <title>, the header and the heading.
"""

from __future__ import annotations

import functools
import json
import marshal
import multiprocessing
import os
import posixpath
import re
import shutil
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from typing import Any, TextIO

import jinja2
import yaml
from markupsafe import Markup
from markupsafe import escape as markup_escape

from ocop.check.catalogue import all_rules
from ocop.config import mkdocs_config
from ocop.domain import lifecycle
from ocop.model import labels, units
from ocop.model.registry import Record, gc_paused
from ocop.publish import opendata
from ocop.publish.files import write_bytes
from ocop.publish.opendata import jsonld
from ocop.publish.opendata import page as opendata_page
from ocop.publish.site import charts, chrome, search_index
from ocop.publish.site import photos as site_photos
from ocop.publish.site.history import Histories
from ocop.publish.site.model import (
    SAFE_ID,
    ProductView,
    SiteModel,
    address_line,
    current_province_of,
    text,
    vdate,
)
from ocop.publish.site.numbers import vnum, vnum_text, vpercent, vsize
from ocop.publish.stamps import payload as stamp_payload
from ocop.publish.stamps import site as stamps_site
from ocop.report import rules as rulesdoc

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
NEWEST = 12
QR_CACHE_VERSION = "2"  # bump when qr_svg's output changes


def http_url(value: Any) -> str | None:
    """Only http(s) URLs become links; anything else (javascript:, data:, relative) stays text."""
    if isinstance(value, str) and re.match(r"^https?://[^\s<>\"'`]+$", value, re.I):
        return value
    return None


def state_badge(state: Any, label: Any) -> Markup:
    return Markup('<span class="state state-{}">{}</span>').format(state, label)


def star_badge(star: Any) -> Markup:
    if not star:
        return Markup("")
    return Markup('<span class="stars" role="img" aria-label="{} sao">{}</span>').format(star, "★" * star)


def cert_state(cert: Any) -> Markup:
    """A certificate's state badge; assets/state.js rewrites it (data-ocop-slot) on the visitor's day."""
    return Markup('<span class="state state-{}" data-ocop-slot="badge">{}</span>').format(cert.state, cert.state_label)


# Badges every page type shows, as template globals: the same HTML Jinja macros wrote, at a tenth of the cost
BADGES = {"state_badge": state_badge, "star_badge": star_badge, "cert_state": cert_state}


def environment() -> jinja2.Environment:
    # auto_reload off: templates do not change during a build, and each include or import would stat its file
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["vdate"] = vdate
    env.filters["vnum"] = vnum
    env.filters["vpercent"] = vpercent
    env.filters["vsize"] = vsize
    env.filters["vnum_text"] = vnum_text
    env.filters["http_url"] = http_url
    env.globals.update(BADGES)
    return env


@dataclass
class Generator:
    model: SiteModel
    docs: Path
    env: jinja2.Environment
    records: Path  # where record pages go: docs itself, or a staging folder the build moves into the site
    qr_cache: dict[str, str] = field(default_factory=dict)  # canonical URL → SVG, kept across builds
    qr_fresh: dict[str, str] = field(default_factory=dict)  # encoded in this run
    photos: dict[str, site_photos.Published] = field(default_factory=dict)  # repository path → its copies
    chromes: dict[int, chrome.Chrome] = field(default_factory=dict)  # folder depth → Material's page around it
    stamps: stamps_site.Stamps | None = None  # signed stamp URLs, trust and status data (publish/stamps)
    gtins: dict[str, ProductView] = field(default_factory=dict)  # GTIN-14 → product (the first by id)
    history: Histories | None = None  # each record's changes (git); None: no section on the pages
    repo_url: str = ""  # https://github.com/owner/name: commit and pull request links
    select: dict[str, set[str]] | None = None  # record folder → the ids (GTINs) to render; None: every page
    search_src: Path | None = None  # each searchable page's index markup alone, what Pagefind reads (build.py)
    source_folders: set[str] = field(default_factory=set)  # folders of search_src made in this process

    def chosen(self, folder: str, items: list, key: Callable[[Any], str]) -> list:
        """The items of `folder` whose page this run renders (an incremental build renders a few)."""
        if self.select is None:
            return items
        wanted = self.select.get(folder, set())
        return [item for item in items if key(item) in wanted]

    def wanted(self, folder: str, key: str) -> bool:
        return self.select is None or key in self.select.get(folder, set())

    def product_photos(self, product: ProductView) -> list[site_photos.Published]:
        return [self.photos[rel] for rel in photos(product) if rel in self.photos]

    @property
    def base(self) -> dict[str, Any]:
        return {"today": vdate(self.model.today), "sample": self.model.sample, "state_rules": escaped_state_rules(),
                "repo_url": self.repo_url}

    def write(self, rel: str, content: str) -> None:
        path = self.docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")

    def qr(self, url: str) -> str:
        svg = self.qr_cache.get(url)
        if svg is None:
            svg = self.qr_cache[url] = self.qr_fresh[url] = qr_svg(url)
        return svg

    def record_page(self, folder: str, record_id: str, template: jinja2.Template, source: str = "",
                    **ctx: Any) -> None:
        """One record's page; `source` is its file (repository path), whose history the page shows."""
        rel = f"{folder}/{record_id}/"
        depth = folder.count("/") + 2
        history = self.history.of(source) if self.history and source else None
        html = template.render(root="../" * depth, canonical=self.model.url(rel), history=history,
                               chrome=self.chromes[depth], **self.base, **ctx)
        leaf = f"{self.records}/{folder}/{record_id}"
        os.mkdir(leaf)  # one syscall: the folder above exists, the id is unique (file creation dominates at 20k)
        write_bytes(f"{leaf}/index.html", html.encode())
        if self.search_src is not None and "search" in ctx:  # a searchable page: its template holds the markup
            self.search_source(f"{folder}/{record_id}", html)

    def search_source(self, rel: str, html: str) -> None:
        """The page's search markup alone, as <search_src>/<folder>/<id>.html (build.source_of): Pagefind
        indexes the same words, meta and filters from a ~1 KB file instead of parsing ~25 KB of chrome (at
        20,000 products 21 s of CPU became 6 s); one file in a shared folder, not a folder per page (creating
        the folder cost more than the file: ~5 s at 10,000 products)."""
        assert self.search_src is not None
        start, end = html.find(search_index.SOURCE_START), html.find(search_index.SOURCE_END)
        if start < 0 or end < start:  # a template lost its index markup: the search would silently miss the page
            raise ValueError(f"trang {rel} không có phần chỉ mục tìm kiếm ({search_index.SOURCE_START})")
        folder = rel.rsplit("/", 1)[0]
        if folder not in self.source_folders:
            os.makedirs(f"{self.search_src}/{folder}", exist_ok=True)  # a rebuild writes over the last build's
            self.source_folders.add(folder)
        write_bytes(f"{self.search_src}/{rel}.html", search_index.source_page(html[start:end]).encode())

    def hub(self, rel_dir: str, title: str, template: str, **ctx: Any) -> None:
        """A Markdown page whose body is one raw HTML block (so Markdown never re-reads record text)."""
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        html = self.env.get_template(template).render(root="../" * depth, **self.base, **ctx)
        html = re.sub(r"\n\s*\n", "\n", html).strip()  # a blank line would end the raw HTML block
        # no table of contents: hub pages carry wide tables and charts
        front = front_matter(title, hide=["toc"])
        self.write((rel_dir + "/" if rel_dir else "") + "index.md", front + '<div class="ocop">\n' + html + "\n</div>\n")


@functools.cache
def state_rules() -> str:
    """What assets/state.js recomputes states with, as JSON: lifecycle's thresholds and the state labels."""
    return json.dumps({**lifecycle.rules_for_browser(), "labels": labels.STATES}, ensure_ascii=False,
                      separators=(",", ":"))


@functools.cache
def escaped_state_rules() -> Markup:
    """state_rules() escaped for its HTML attribute once, not on each of ~57,000 pages."""
    return markup_escape(state_rules())


def front_matter(title: str, **meta: Any) -> str:
    """A Markdown page's YAML front matter, its title stored as HTML (escaped here, once).

    MkDocs' Jinja environment has no autoescape: Material writes page.meta.title as it is into <title>,
    the header and the page's heading, so the title must already be HTML. The YAML is emitted, never
    formatted: every scalar double-quoted on one line (line breaks as \\n), so no value can close the
    block with a `---` line or add a key of its own.
    """
    data = {"title": html_escape(title, quote=True), **meta}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_style='"', width=float("inf"))
    return "---\n" + body + "---\n\n"


# Folders of plain HTML pages (records, and the long per-province lists: Markdown's raw-HTML parser
# would take tens of seconds on them at national scale). "tinh" and "het-han" also hold a hub page.
RECORD_FOLDERS = ("san-pham", "chu-the", "quyet-dinh", "xac-minh", "tinh", "tinh/cu", "het-han", "01")


def generate(model: SiteModel, docs: Path, after_records: Callable[[], None] | None = None,
             jobs: int | None = None, records: Path | None = None, qr_cache: Path | None = None,
             photo_cache: Path | None = None, log: TextIO | None = None, open_data: bool = True,
             stamps: stamps_site.Stamps | None = None, history: Histories | None = None, repo_url: str = "",
             select: dict[str, set[str]] | None = None, search_src: Path | None = None,
             template_cache: Path | None = None) -> None:
    """Write the whole docs folder (removed first: pages of deleted records must not linger).

    Record pages go into docs (a complete tree any MkDocs-compatible generator can build), or into
    `records` when the caller moves them into the built site itself (`ocop build` does: see build.py).
    `after_records` runs once the record pages exist (the build starts Pagefind on them there, so
    indexing overlaps with the hub pages and MkDocs). Photos are published as re-encoded copies
    (photos.py), kept in `photo_cache` between builds. With `select` (an incremental build: see
    publish/incremental.py) only those record pages are rendered; every other page is. With `search_src`, each
    searchable record page's index markup is also written there alone, as <folder>/<id>.html
    (Generator.search_source). Material's
    compiled templates are kept in `template_cache` (chrome.keep_compiled).
    """
    for folder in {docs, records or docs}:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    gen = Generator(model, docs, environment(), records or docs, load_qr_cache(qr_cache), history=history,
                    repo_url=repo_url, select=select, search_src=search_src)
    gen.stamps = stamps if stamps is not None else stamps_site.prepare(model)
    gen.gtins = stamps_site.gtin_products(model)
    for name in RECORD_FOLDERS:
        (gen.records / name).mkdir(exist_ok=True)
    depths = tuple(sorted({name.count("/") + 2 for name in RECORD_FOLDERS}))
    gen.chromes = chrome.render(mkdocs_config(model.registry.root), docs, model.site_url, site_extra(model), depths,
                                template_cache)
    shutil.copytree(ASSETS, docs / "assets" / "ocop")
    jobs = jobs or min(os.cpu_count() or 1, 4)
    gen.photos = publish_photos(model, gen.records, photo_cache, jobs, log)
    record_pages(gen, jobs)
    stamps_site.write(model, gen.stamps, gen.records)
    save_qr_cache(gen, qr_cache, prune=select is None)  # a few pages' run knows not every product's URL
    if after_records:
        after_records()
    home(gen)
    catalogue(gen)
    gen.hub("tim-kiem", "Tìm kiếm", "search.html", unit_types=json.dumps(units.UNIT_TYPES))
    province_pages(gen)
    expiry(gen)
    plan_pages(gen)
    if open_data:  # `ocop build` runs it as a step of its own (timed; the data goes beside the record pages)
        opendata.publish(model, gen.records)
    gen.hub("du-lieu", "Dữ liệu mở", "open_data.html", **opendata_page.context(model))
    rules_page(gen)
    gen.write("dong-gop/index.md", (TEMPLATES / "guide.md").read_text(encoding="utf-8"))


def site_extra(model: SiteModel) -> dict[str, object]:
    """What Material's templates read from config.extra (hub pages and the record pages' chrome alike)."""
    return chrome.extra(model.sample, model.national_agency, model.report_url)


# ---- record pages -------------------------------------------------------------------------------

_FORKED: Generator | None = None  # the generator a forked worker inherits (no pickling of the model)


def record_pages(gen: Generator, jobs: int) -> None:
    """Every record page; in `jobs` forked processes when there are many (QR encoding is ~2.5 ms each)."""
    global _FORKED
    with gc_paused():
        _record_pages(gen, jobs)


def _record_pages(gen: Generator, jobs: int) -> None:
    global _FORKED
    try:
        many = len(gen.model.products) >= 500 if gen.select is None else sum(map(len, gen.select.values())) >= 500
        if jobs <= 1 or not many or "fork" not in multiprocessing.get_all_start_methods():
            _render_share(gen, 0, 1)
            return
        _FORKED = gen
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for fresh in pool.map(_forked_share, range(jobs), [jobs] * jobs):
                gen.qr_fresh.update(fresh)
    finally:
        _FORKED = None


def _forked_share(part: int, parts: int) -> dict[str, str]:
    assert _FORKED is not None
    _render_share(_FORKED, part, parts)
    return _FORKED.qr_fresh  # the parent keeps what the worker encoded, for the next build


def _render_share(gen: Generator, part: int, parts: int) -> None:
    for func in (products_pages, producer_pages, decision_pages, verify_pages, gtin_pages):
        func(gen, part, parts)


def publish_photos(model: SiteModel, dest: Path, cache: Path | None, jobs: int,
                   log: TextIO | None = None) -> dict[str, site_photos.Published]:
    """Re-encoded copies of every product's photos under dest/anh/ (the contributed files are never copied)."""
    wanted = [rel for product in model.products.values() for rel in photos(product)]
    return site_photos.publish(model.registry.root, wanted, dest, cache, jobs, model.registry.photo_problems, log)


def photos(product: ProductView) -> list[str]:
    """Repository paths of photos that are safe to publish (inside registry/, no parent hops)."""
    items = product.record.get("photos") or []
    return [posixpath.normpath(p) for p in items if isinstance(p, str) and p.startswith("registry/")
            and ".." not in p.split("/") and re.match(r"^[A-Za-z0-9._/-]+$", p)]


def load_qr_cache(path: Path | None) -> dict[str, str]:
    """QR codes of earlier builds (encoding is the costliest part of a product page): URL → SVG."""
    if path is None or not path.is_file():
        return {}
    try:
        data = marshal.loads(path.read_bytes())
    except (ValueError, EOFError, TypeError):
        return {}
    return data if isinstance(data, dict) and data.pop("version", None) == QR_CACHE_VERSION else {}


def save_qr_cache(gen: Generator, path: Path | None, prune: bool = True) -> None:
    if path is None or not gen.qr_fresh:
        return
    wanted = {qr_url(gen, p) for p in gen.model.products.values()} if prune else None
    merged = {url: svg for url, svg in {**gen.qr_cache, **gen.qr_fresh}.items() if wanted is None or url in wanted}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(marshal.dumps({"version": QR_CACHE_VERSION, **merged}))
    os.replace(tmp, path)


def qr_svg(url: str, border: int = 2) -> str:
    """The page's QR code as inline SVG: segno encodes; we draw one path of horizontal runs ourselves.

    A fixed mask (any of the 8 is a valid QR code) skips segno's mask scoring, which alone cost ~10 ms
    per code; segno's own SVG writer cost ~2 ms more. Both matter at 20,000 products.
    """
    matrix = stamp_payload.qr_code(url).matrix
    size = len(matrix) + 2 * border
    runs = []
    for y, row in enumerate(matrix):
        x, width = 0, len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                runs.append(f"M{start + border} {y + border}.5h{x - start}")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="Mã QR của trang này"><rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path stroke="#000" d="{"".join(runs)}"/></svg>')


def qr_size(svg: str) -> int:
    """The side of a qr_svg code in modules, border included (its viewBox)."""
    return int(svg.split('viewBox="0 0 ', 1)[1].split(" ", 1)[0])


def stamp(gen: Generator, product: ProductView) -> stamps_site.Stamp | None:
    """The stamp of a product's current certificate (signed, or marked "chưa ký")."""
    return gen.stamps.stamps.get(product.current.id) if gen.stamps and product.current else None


def qr_url(gen: Generator, product: ProductView) -> str:
    """What the product page's QR code carries: its stamp's URL, or the page itself when uncertified."""
    found = stamp(gen, product)
    return found.url if found else gen.model.url(f"san-pham/{product.id}/")


def share(items: list, part: int, parts: int) -> list:
    return items[part::parts]


def products_pages(gen: Generator, part: int = 0, parts: int = 1) -> None:
    template = gen.env.get_template("product.html")
    for p in share(gen.chosen("san-pham", list(gen.model.products.values()), lambda p: p.id), part, parts):
        r = p.record.data
        classification = r.get("classification") if isinstance(r.get("classification"), dict) else {}
        channels = [{"type_label": labels.label(labels.CHANNEL_TYPES, c.get("type")), "name": text(c.get("name")),
                     "url": c.get("url")} for c in (r.get("sales_channels") or []) if isinstance(c, dict)]
        ip = [{"label": labels.label(labels.IP_TYPES, i.get("type")), "name": text(i.get("name")),
               "number": text(i.get("number"))} for i in (r.get("intellectual_property") or []) if isinstance(i, dict)]
        producer_name = text((p.producer.data if p.producer else {}).get("name"))
        group_label = labels.label(labels.PUBLIC_GROUPS, p.group)
        qr = gen.qr(qr_url(gen, p))
        found = stamp(gen, p)
        gen.record_page("san-pham", p.id, template, source=p.record.path, p=p, photos=gen.product_photos(p),
                        channels=channels, ip=ip, address=address_line(r.get("address")), group_label=group_label,
                        scores=score_views(gen, p), qr=None if found else qr, qr_size=qr_size(qr), producer_name=producer_name,
                        search=search_index.product_search(p, producer_name, group_label), jsonld=jsonld.product(gen.model, p),
                        stamp=found,
                        criteria_set=labels.label(labels.CRITERIA_SETS, classification.get("criteria_set")),
                        og_description=og_description(p, producer_name), site_root=gen.model.url(""),
                        **contact(gen.model, text(r.get("province")), gen.model.url(f"san-pham/{p.id}/")))
        if found:  # the printable stamp, as a file beside the page (which shows it: the QR is not inline too)
            write_bytes(f"{gen.records}/san-pham/{p.id}/tem.svg", stamps_site.stamp_svg(qr, found.signed).encode())


def og_description(p: ProductView, producer_name: str) -> str:
    """One line a shared link shows: the star and state as of the build, and who makes it where."""
    cur = p.current
    if cur and cur.state in ("valid", "expiring"):
        status = f"{cur.star} sao OCOP, hiệu lực đến {vdate(cur.end)}" if cur.end else f"{cur.star} sao OCOP"
    else:
        status = "Hiện không còn được công nhận OCOP" if cur else "Chưa có giấy chứng nhận OCOP"
    return " · ".join(x for x in (status, producer_name, p.province_name) if x)


def contact(model: SiteModel, province: str, page_url: str) -> dict[str, Any]:
    """The province's OCOP standing agency and the report form's link, with this page filled in."""
    report = model.report_url
    if report:
        report += ("&" if "?" in report else "?") + "trang=" + urllib.parse.quote(page_url, safe="")
    return {"agency": model.agencies.get(province), "report": report}


def score_views(gen: Generator, p: ProductView) -> list[dict[str, Any]]:
    """Each evaluation with the council's score recomputed by ocop.scoring (parts and criteria)."""
    from ocop.domain import scoring

    out = []
    for ev in sorted(gen.model.registry.evaluations_of_product.get(p.id, []), key=lambda e: text(e.get("date"))):
        d = ev.data
        try:
            score = scoring.score(d)
        except Exception:  # a malformed sheet still shows its declared total
            score = None
        council = d.get("council")
        out.append({
            "id": ev.id, "date": d.get("date"), "star": d.get("star"),
            "total": float(score.total) if score else d.get("total"),
            "council": text(council.get("name")) if isinstance(council, dict) else "",
            "parts": [(labels.PARTS.get(k, k), float(v)) for k, v in score.parts.items()] if score else [],
            "criteria": [(c.part, c.name, float(c.points), float(c.max)) for c in score.criteria] if score else [],
            "failed": [text(x) for x in (score.failed_mandatory if score else d.get("failed_mandatory") or [])],
        })
    return out


def legacy_name(province: Any, current_name: str) -> str:
    """The pre-2025 province name an address was written with, when it differs from today's (else "")."""
    if isinstance(province, dict) and province.get("version") == "2004" and text(province.get("name")) != current_name:
        return text(province.get("name"))
    return ""


def producer_pages(gen: Generator, part: int = 0, parts: int = 1) -> None:
    template = gen.env.get_template("producer.html")
    registry = gen.model.registry
    for rec in share(gen.chosen("chu-the", registry.all("producer"), lambda r: r.id), part, parts):
        if not SAFE_ID.match(rec.id):
            continue
        products = [gen.model.products[p.id] for p in registry.products_of_producer.get(rec.id, [])
                    if p.id in gen.model.products]
        products.sort(key=lambda p: p.name)
        address = rec.get("address") if isinstance(rec.get("address"), dict) else {}
        slug = current_province_of(gen.model, address.get("province")) or text(rec.get("province"))
        province_name = gen.model.province_names.get(slug, slug)
        legacy = legacy_name(address.get("province"), province_name)
        search = search_index.producer_search(rec, address, province_name)
        gen.record_page("chu-the", rec.id, template, source=rec.path, rec=rec, r=rec.data, products=products,
                        type_label=labels.label(labels.PRODUCER_TYPES, rec.get("type")),
                        address=address_line(address), legacy=legacy, province_name=province_name, search=search,
                        jsonld=jsonld.producer(gen.model, rec))


def decision_pages(gen: Generator, part: int = 0, parts: int = 1) -> None:
    template = gen.env.get_template("decision.html")
    model = gen.model
    for rec in share(gen.chosen("quyet-dinh", model.registry.all("decision"), lambda r: r.id), part, parts):
        if not SAFE_ID.match(rec.id):
            continue
        revocation = rec.get("type") == "revocation"
        entries = []
        for e in rec.get("entries") or []:
            if not isinstance(e, dict):
                continue
            cert = model.certs.get(text(e.get("certificate")))
            action = labels.label(labels.GROUNDS, e.get("grounds")) if revocation else labels.label(labels.ENTRY_ACTIONS, e.get("action"))
            entries.append({"product": model.products.get(text(e.get("product"))), "product_id": text(e.get("product")),
                            "cert": cert, "cert_id": text(e.get("certificate")),
                            "star": e.get("star") if isinstance(e.get("star"), int) else (cert.star if cert else None),
                            "action": action})
        issuer = rec.get("issuer")
        issuer_name = text(issuer.get("name")) if isinstance(issuer, dict) else ""
        slug = text(rec.get("province"))
        search = search_index.decision_search(rec, issuer_name, model.province_names.get(slug, slug))
        gen.record_page("quyet-dinh", rec.id, template, source=rec.path, rec=rec, r=rec.data, entries=entries,
                        type_label=labels.label(labels.DECISION_TYPES, rec.get("type")), search=search,
                        criteria_set=labels.label(labels.CRITERIA_SETS, rec.get("criteria_set")))


def verify_pages(gen: Generator, part: int = 0, parts: int = 1) -> None:
    template = gen.env.get_template("verify.html")
    for c in share(gen.chosen("xac-minh", list(gen.model.certs.values()), lambda c: c.id), part, parts):
        grounds = labels.label(labels.GROUNDS, c.revocation[1].get("grounds")) if c.revocation else ""
        product = gen.model.products.get(text(c.record.get("product")))
        province = text((product.record if product else c.record).get("province"))
        gen.record_page("xac-minh", c.id, template, source=c.record.path, c=c, product=product,
                        grounds=grounds, expect=[c.id], national=gen.stamps.national if gen.stamps else [],
                        **contact(gen.model, province, gen.model.url(f"xac-minh/{c.id}/")))


def gtin_pages(gen: Generator, part: int = 0, parts: int = 1) -> None:
    """GS1 Digital Link: /01/<gtin>/ for each product with a GTIN, and its linkset beside it."""
    template = gen.env.get_template("gtin.html")
    for gtin, p in share(gen.chosen("01", sorted(gen.gtins.items()), lambda item: item[0]), part, parts):
        gen.record_page("01", gtin, template, p=p, gtin=gtin, expect=[c.id for c in p.certs], product_url=f"../../san-pham/{p.id}/",
                        national=gen.stamps.national if gen.stamps else [])
        links = stamps_site.linkset(gen.model, gtin, p.id, p.name, p.current.id if p.current else None)
        write_bytes(f"{gen.records}/01/{gtin}/linkset.json", json.dumps(links, ensure_ascii=False, indent=1).encode())


# ---- hub pages ----------------------------------------------------------------------------------

def recognised(model: SiteModel) -> list[ProductView]:
    """Products "đang được công nhận" (lifecycle.RECOGNISED): what the home page, its charts and the
    catalogue's default view all count, so their numbers agree."""
    return [p for p in model.products.values() if p.recognised]


def home(gen: Generator) -> None:
    model = gen.model
    active = recognised(model)
    by_star = Counter(p.star for p in active if p.star)
    by_province = Counter(model.province_names.get(text(p.record.get("province")), "") for p in active)
    by_group = Counter(labels.label(labels.PUBLIC_GROUPS, p.group) for p in active)
    by_year = Counter(c.start.year for c in model.certs.values() if c.start)
    newest = sorted((c for c in model.certs.values() if c.start and c.start <= model.today),
                    key=lambda c: (c.start, c.id), reverse=True)[:NEWEST]
    charts_svg = {
        "star": charts.bars([(f"{s} sao", by_star.get(s, 0)) for s in (3, 4, 5)], "Sản phẩm đang được công nhận theo hạng sao"),
        "province": charts.bars(sorted(by_province.items(), key=lambda kv: (-kv[1], kv[0])), "Sản phẩm đang được công nhận theo tỉnh, thành phố"),
        "group": charts.bars(sorted(by_group.items(), key=lambda kv: -kv[1]), "Sản phẩm đang được công nhận theo nhóm ngành"),
        "year": charts.bars([(str(y), by_year[y]) for y in sorted(by_year)], "Giấy chứng nhận theo năm công nhận"),
    }
    gen.hub("", "Trang chủ", "home.html", total=len(model.products), active=len(active),
            producers=len(model.registry.records["producer"]), certificates=len(model.certs),
            charts=charts_svg, newest=[(c, model.products.get(text(c.record.get("product")))) for c in newest])


def catalogue(gen: Generator) -> None:
    """danh-muc/index.json: one array per product; the browser recomputes each state from `cert` (state.js).

    Only provinces, groups and years that have products are listed (an option that can only give 0 is
    noise); the star is the current certificate's, counted as "đang được công nhận" only while it is."""
    model = gen.model
    products = sorted(model.products.values(), key=lambda p: p.id)
    present = Counter(text(p.record.get("province")) for p in products)
    provinces = sorted(((slug, name) for slug, name in model.province_names.items() if present[slug]),
                       key=lambda kv: units.fold(kv[1]))
    pidx = {slug: i for i, (slug, _) in enumerate(provinces)}
    groups = [g for g in labels.GROUP_ORDER if any(p.group == g for p in products)]
    gidx = {g: i for i, g in enumerate(groups)}
    items = [[p.id, p.name, pidx.get(text(p.record.get("province")), -1), p.star or 0, gidx.get(p.group, -1),
              p.year or 0, text((p.producer.data if p.producer else {}).get("name")), thumb(gen, p),
              compact_facts(p.current.facts) if p.current else None]
             for p in products]
    index = {"as_of": model.today.isoformat(),
             "fields": ["id", "name", "province", "star", "group", "year", "producer", "thumb", "cert"],
             "provinces": [list(kv) for kv in provinces], "groups": [[g, labels.PUBLIC_GROUPS[g]] for g in groups],
             "states": [[s, labels.STATES[s]] for s in labels.STATE_ORDER], "items": items}
    # part of the API (openapi.json describes it): the page reads what other systems read
    gen.write("api/v1/catalogue.json", json.dumps(index, ensure_ascii=False, separators=(",", ":")))
    gen.hub("danh-muc", "Danh mục sản phẩm", "catalogue.html", count=len(items))


def compact_facts(facts: dict[str, Any]) -> list[str]:
    """[valid_to, first revocation date, first successor's valid_from]: all the catalogue's state needs."""
    revoked, successors = facts.get("revoked") or [{}], facts.get("successors") or [{}]
    return [facts.get("to") or "", revoked[0].get("date", ""), successors[0].get("from", "")]


def thumb(gen: Generator, product: ProductView) -> str:
    """The catalogue's thumbnail of a product: its first published photo's, or "" (a site path, not record text)."""
    published = gen.product_photos(product)
    return published[0].thumb if published else ""


def province_pages(gen: Generator) -> None:
    model = gen.model
    by_province = model.products_of_province()
    legacy = legacy_groups(model)
    page = gen.env.get_template("province.html")
    rows = []
    for p in model.registry.provinces:
        slug = text(p.get("slug"))
        if not SAFE_ID.match(slug):
            continue
        products = sorted(by_province.get(slug, []), key=lambda x: units.fold(x.name))
        olds = [(key, items) for key, items in legacy.items() if key[2] == slug]
        rows.append((slug, text(p.get("name")), len(products)))
        if gen.wanted("tinh", slug):
            gen.record_page("tinh", slug, page, name=text(p.get("name")), slug=slug, products=products, olds=olds,
                            counts=Counter(x.state for x in products), states=labels.STATES)
    page = gen.env.get_template("legacy.html")
    for (code, name, successor), items in legacy.items():
        if gen.wanted("tinh/cu", code):
            gen.record_page("tinh/cu", code, page, name=name, code=code, successor=successor,
                            successor_name=model.province_names.get(successor, successor),
                            products=sorted(items, key=lambda x: units.fold(x.name)))
    rows.sort(key=lambda row: (row[2] == 0, units.fold(row[1])))  # provinces with products first
    gen.hub("tinh", "Tỉnh, thành phố", "provinces.html", rows=rows,
            legacy=[(code, name, successor, model.province_names.get(successor, successor), len(items)) for (code, name, successor), items in legacy.items()])


def legacy_groups(model: SiteModel) -> dict[tuple[str, str, str], list[ProductView]]:
    """Products addressed in a pre-2025 province, keyed by (2004 code, name, current province slug)."""
    out: dict[tuple[str, str, str], list[ProductView]] = defaultdict(list)
    for p in model.products.values():
        if p.legacy_province and re.match(r"^[0-9]{2}$", p.legacy_province[0]):
            out[(*p.legacy_province, text(p.record.get("province")))].append(p)
    return dict(sorted(out.items()))


def expiry(gen: Generator) -> None:
    """A hub with counts per province, and one plain page per province with the certificates themselves."""
    model, today = gen.model, gen.model.today
    current = [p.current for p in model.products.values() if p.current and p.current.end]
    notice, planning = lifecycle.NOTICE_DAYS, lifecycle.PLANNING_DAYS
    buckets = {
        "expired": [c for c in current if c.state == "expired" and (today - c.end).days <= 365],
        "d30": [c for c in current if c.recognised and 0 <= (c.end - today).days <= notice],
        "d90": [c for c in current if c.recognised and notice < (c.end - today).days <= planning],
    }
    per_province: dict[str, dict[str, list]] = defaultdict(lambda: {k: [] for k in buckets})
    for key, certs in buckets.items():
        for c in sorted(certs, key=lambda c: (c.end, c.id)):
            product = model.products.get(text(c.record.get("product")))
            slug = text(product.record.get("province")) if product else text(c.record.get("province"))
            per_province[slug][key].append((c, product))
    page = gen.env.get_template("expiry_province.html")
    rows = []
    for slug in sorted(per_province, key=lambda s: units.fold(model.province_names.get(s, s))):
        if not SAFE_ID.match(slug):
            continue
        name = model.province_names.get(slug, slug)
        rows.append((slug, name, {k: len(v) for k, v in per_province[slug].items()}))
        if gen.wanted("het-han", slug):
            gen.record_page("het-han", slug, page, name=name, lists=per_province[slug])
    gen.hub("het-han", "Giấy chứng nhận hết hạn và sắp hết hạn", "expiry.html", rows=rows,
            totals={k: len(v) for k, v in buckets.items()},
            expired_all=sum(1 for c in current if c.state == "expired"))


def plan_pages(gen: Generator) -> None:
    model = gen.model
    plans = sorted((p for p in model.registry.all("plan") if SAFE_ID.match(p.id)), key=lambda p: p.id)
    rows = []
    for plan in plans:
        downloads = plan_downloads(gen, plan)
        progress, preface = plan_progress(model, plan)
        title = plan_title(plan, plan_place(model, plan))
        rows.append((plan, title))
        gen.hub(f"ke-hoach/{plan.id}", title, "plan.html", plan=plan, r=plan.data,
                heading=title, downloads=downloads, progress=progress, preface=preface,
                issuer=text((plan.get("issuer") or {}).get("name")) if isinstance(plan.get("issuer"), dict) else "")
    gen.hub("ke-hoach", "Kế hoạch thực hiện Chương trình OCOP", "plans.html", rows=rows,
            reports=report_downloads(gen))


REPORT_PREFIX = "bao-cao-ocop-"
REPORT_KINDS = {".docx": "Word (.docx)", ".pdf": "PDF", ".xlsx": "bảng số liệu (.xlsx)"}


def report_downloads(gen: Generator) -> list[tuple[str, list[tuple[str, str]]]]:
    """Periodic reports written by the documents step (build/reports/bao-cao-ocop-<scope>-<period>.*), copied
    to ke-hoach/bao-cao/: (label, [(file, kind)]) per report."""
    from ocop.publish.documents import periodic  # imported on use, like progress

    src = gen.model.registry.root / "build" / "reports"
    names = {"toan-quoc": "Toàn quốc", **gen.model.province_names}
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(src.glob(f"{REPORT_PREFIX}*")) if src.is_dir() else []:
        stem = path.stem[len(REPORT_PREFIX):]
        slug = next((s for s in sorted(names, key=len, reverse=True) if stem.startswith(f"{s}-")), None)
        if slug is None or path.suffix not in REPORT_KINDS or not SAFE_ID.match(path.stem):
            continue
        key = stem[len(slug) + 1:]
        if len(key) == 21:  # a window's key "2026-01-01-2026-03-31" is the period "2026-01-01..2026-03-31"
            key = f"{key[:10]}..{key[11:]}"
        try:
            period = periodic.parse_period(key).label
        except periodic.PeriodError:
            period = key
        dest = gen.docs / "ke-hoach" / "bao-cao" / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        found.setdefault(f"{names[slug]}, {period}", []).append((path.name, REPORT_KINDS[path.suffix]))
    return list(found.items())


def plan_title(plan: Record, place: str = "") -> str:
    """"Kế hoạch số 146/KH-UBND: …"; a draft has no number, so it names its province instead
    (two provinces' drafts of the same year would otherwise read alike)."""
    number = plan.get("number")
    symbol = text(plan.get("symbol"))
    ref = f"Kế hoạch số {number}/{symbol}" if number else f"Dự thảo kế hoạch ({symbol}) – {place}" if place else f"Dự thảo kế hoạch ({symbol})"
    return f"{ref}: {text(plan.get('title'))}"


def plan_place(model: SiteModel, plan: Record) -> str:
    """The province a plan is for: the one of the time ("tỉnh Đắk Nông"), with today's when it has changed."""
    slug = text(plan.get("province"))
    now = model.province_names.get(slug, slug)
    issuer = plan.get("governing_body") if isinstance(plan.get("governing_body"), dict) else plan.get("issuer")
    unit = issuer.get("unit") if isinstance(issuer, dict) else None
    then = text(unit.get("name")) if isinstance(unit, dict) and unit.get("level") == "province" else ""
    return f"{then} (nay thuộc {now})" if then and units.fold(now) not in units.fold(then) else now


def plan_downloads(gen: Generator, plan: Record) -> list[tuple[str, str]]:
    """Word/PDF renderings written by the documents step (build/plans/<id>.docx|.pdf), copied next to the page."""
    found = []
    for suffix, label in ((".docx", "Word (.docx)"), (".pdf", "PDF"), ("-tien-do.docx", "báo cáo tiến độ (.docx)")):
        src = gen.model.registry.root / "build" / "plans" / f"{plan.id}{suffix}"
        if src.is_file():
            dest = gen.docs / "ke-hoach" / plan.id / f"{plan.id}{suffix}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            found.append((f"{plan.id}{suffix}", label))
    return found


def plan_progress(model: SiteModel, plan: Record) -> tuple[list[Any], list[str]]:
    """Progress rows per measured target, and the lines said before them (plan state, sample warning, summary),
    from the documents package (one implementation of the metrics)."""
    from ocop.publish.documents import progress, report  # imported on use: python-docx is slow to import

    if model.progress_data is None:
        model.progress_data = progress.from_registry(model.registry)
    as_of = model.today.isoformat()
    rows = progress.plan_progress(plan.data, model.progress_data, as_of)
    ctx = report.context(plan.data, rows, as_of, model.progress_data)
    return rows, [line for line in (ctx.status_line, ctx.sample_warning, ctx.summary_line) if line]


def rules_page(gen: Generator) -> None:
    """The catalogue (quy-tac/index.md) and one page per rule (quy-tac/<ID>.md → /quy-tac/<ID>/)."""
    gen.write("quy-tac/index.md", rulesdoc.render("markdown", html_safe=True))
    for rule in all_rules():
        gen.write(f"quy-tac/{rule.id}.md", rulesdoc.render_page(rule))
