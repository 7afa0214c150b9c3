"""sitemap.xml (every public page, record pages included, lastmod from git) and robots.txt.

Written over the one MkDocs makes (which knows only the hub pages in its nav). Past 50,000 URLs the
sitemap becomes an index of numbered sitemaps, as the protocol requires.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from ocop.publish.opendata.history import History
from ocop.publish.site.model import SAFE_ID, SiteModel

LIMIT = 50_000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# folders whose pages come from the model (one per record), and folders that hold no public page
RECORD_FOLDERS = ("san-pham", "chu-the", "quyet-dinh", "xac-minh")
NOT_PAGES = ("api", "anh", "assets", "pagefind", "admin", "search")


def newest(*dates: str | None) -> str | None:
    present = [d for d in dates if d]
    return max(present) if present else None


def record_pages(model: SiteModel, history: History) -> Iterator[tuple[str, str | None]]:
    registry = model.registry
    for product in model.products.values():
        related = [*(c.record.path for c in product.certs),
                   *(e.path for e in registry.evaluations_of_product.get(product.id, []))]
        yield f"san-pham/{product.id}/", newest(history.of(product.record.path), *map(history.of, related))
    for kind, folder in (("producer", "chu-the"), ("decision", "quyet-dinh")):
        for record in registry.all(kind):
            if SAFE_ID.match(record.id):
                yield f"{folder}/{record.id}/", history.of(record.path)
    for cert in model.certs.values():
        yield f"xac-minh/{cert.id}/", newest(history.of(cert.record.path),
                                             *(history.of(c.path) for c in cert.successors))


def hub_pages(site: Path) -> Iterator[str]:
    """Every other index.html of the built site (hub pages, province and expiry lists, rules, plans)."""
    for folder, dirs, files in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in RECORD_FOLDERS + NOT_PAGES]
            rel = ""
        if "index.html" in files:
            yield f"{rel}/" if rel else ""


def _urlset(entries: list[tuple[str, str | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{XMLNS}">']
    for loc, lastmod in entries:
        mod = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{mod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


def write(site: Path, model: SiteModel, history: History, limit: int = LIMIT) -> int:
    """sitemap.xml (an index past `limit` URLs) and robots.txt; returns the number of URLs."""
    entries = [(model.url(path), history.head_date) for path in sorted(hub_pages(site))]
    entries += [(model.url(path), lastmod) for path, lastmod in record_pages(model, history)]
    for stale in site.glob("sitemap*.xml*"):
        stale.unlink()
    if len(entries) <= limit:
        (site / "sitemap.xml").write_text(_urlset(entries), encoding="utf-8")
    else:
        parts = [entries[i:i + limit] for i in range(0, len(entries), limit)]
        index = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{XMLNS}">']
        for number, part in enumerate(parts, start=1):
            (site / f"sitemap-{number}.xml").write_text(_urlset(part), encoding="utf-8")
            index.append(f"<sitemap><loc>{escape(model.url(f'sitemap-{number}.xml'))}</loc></sitemap>")
        index.append("</sitemapindex>\n")
        (site / "sitemap.xml").write_text("\n".join(index), encoding="utf-8")
    robots = f"User-agent: *\nAllow: /\nDisallow: /admin/\n\nSitemap: {model.url('sitemap.xml')}\n"
    (site / "robots.txt").write_text(robots, encoding="utf-8")
    return len(entries)


