"""What a record page gives the search index (templates/search_index.html) and what its result shows.

The indexed text is accent-folded ("Đắk Nông" → "dak nong"), the way search.js folds a query. Pagefind
files a word with accents as a variant of its folded form and leaves variants out when it cuts the index
into chunks (PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE counts only the folded form's postings): accented text
made chunks of 60–150 KB at 20,000 products, and a query downloads one chunk per word. Folded text keeps
every chunk near the size the build asks for. What a result shows comes from meta instead (the title, a
"mo-ta" line, dates as digits), accented, never the folded copy.
"""

from __future__ import annotations

import re
from typing import Any

from ocop.model import labels, units
from ocop.publish.site.model import ProductView, place_names, text

# A word every record page has, first: a search by facets alone looks it up (search.js EVERY_PAGE) instead
# of an empty query, for which Pagefind 1.5.2 downloads every index chunk (1.4 MB at 20,000 products); its
# postings compress to ~1.4 KB. Typed, it finds every record, which is what "OCOP" means here.
EVERY_PAGE = "ocop"
# Dates travel as yyyymmdd digits: Pagefind indexes meta text too, and "ngày 03/04/2023" would add the
# words "ngay", "03", "04" to every page.
_NOT_DIGIT = re.compile(r"\D")


def fold(*texts: str) -> str:
    return units.fold(" ".join(t for t in texts if t))


def bare_places(places: list[str]) -> list[str]:
    """Place names without their type word ("Xã Bát Tràng" → "Bát Tràng"), each once.

    Type words are on every page: indexed, they would add a posting per page to the chunks a query loads;
    search.js drops them from queries too (units.UNIT_TYPES, given to it). A numbered ward keeps its type."""
    bare = (units.split_type(name)[1] for name in places)
    return list(dict.fromkeys(b if not b.isdigit() else name for b, name in zip(bare, places, strict=True)))


def search_places(address: Any) -> list[str]:
    """bare_places(place_names(address)), looked up once per distinct address: many records share a ward,
    and its names in both code lists take ~0.2 ms to find."""
    key = _address_key(address)
    if key is None:
        return bare_places(place_names(address))
    if key not in _PLACES:
        _PLACES[key] = tuple(bare_places(place_names(address)))
    return list(_PLACES[key])


_PLACES: dict[tuple, tuple[str, ...]] = {}  # the unit tables never change during a run


def _address_key(address: Any) -> tuple | None:
    """The parts of an address place_names reads, hashable; None for anything unusual (never cached)."""
    if not isinstance(address, dict):
        return ()
    key = []
    for part in ("ward", "district", "province"):
        unit = address.get(part)
        if unit is None:
            continue
        if not isinstance(unit, dict) or not all(type(k) is str and type(v) is str for k, v in unit.items()):
            return None
        key.append((part, tuple(sorted(unit.items()))))
    return tuple(key)


def written_places(address: Any) -> str:
    """The address's ward, district and province as the record writes them, without type words: the
    place a result shows ("Bát Tràng, Gia Lâm, Hà Nội")."""
    if not isinstance(address, dict):
        return ""
    names = [text(address[k].get("name")) for k in ("ward", "district", "province") if isinstance(address.get(k), dict)]
    return ", ".join(bare_places([n for n in names if n]))


def decision_digits(numbers: list[str]) -> list[str]:
    """"915/QĐ-UBND" → "915": Pagefind splits the symbol into words that every page would share; search.js
    looks up a typed decision number by its digits the same way."""
    return list(dict.fromkeys(m.group(0) for n in numbers if (m := re.match(r"\d+", n.strip()))))


def compact_day(day: Any) -> str:
    """"2023-04-03" → "20230403"; anything else → "-"."""
    digits = _NOT_DIGIT.sub("", text(day))
    return digits if len(digits) == 8 else "-"


def compact_cert(facts: dict[str, Any] | None) -> str:
    """A certificate's dates as search meta: "from to revoked successor", yyyymmdd or "-"."""
    if not facts:
        return ""
    revoked, successors = facts.get("revoked") or [{}], facts.get("successors") or [{}]
    return " ".join(compact_day(d) for d in (facts.get("from"), facts.get("to"), revoked[0].get("date"),
                                              successors[0].get("from")))


def entry(title: str, words: list[tuple[int, str]], filters: dict[str, str], **meta: str) -> dict[str, Any]:
    """The template's input: meta (title first; shown), filters (facets), and folded words by weight."""
    return {"title": title, "meta": meta, "filters": filters, "words": [(1, EVERY_PAGE)] + [(w, t) for w, t in words if t]}


def product_search(p: ProductView, producer_name: str, group_label: str) -> dict[str, Any]:
    """Only what people type to find a product is text (name, producer, places of both code lists, decision
    numbers); star, state, group and province are facets (search.js reads "5 sao" in a query as one)."""
    r = p.record.data
    places = search_places(r.get("address"))
    decisions = [c.decision.get("number") for c in p.certs if c.decision and isinstance(c.decision.get("number"), str)]
    decisions += [c.revocation[0].get("number") for c in p.certs
                  if c.revocation and isinstance(c.revocation[0].get("number"), str)]
    cur = p.current
    shown = " · ".join(x for x in (producer_name, written_places(r.get("address"))) if x)
    return entry(p.name, [(10, fold(p.name)), (4, fold(producer_name)), (3, fold(*places)),
                          (2, " ".join(decision_digits(decisions)))],
                 {"loai": "Sản phẩm", "tinh": p.province_name, "sao": f"{cur.star} sao" if cur and cur.star else "",
                  "trang-thai": cur.state_label if cur else labels.STATES["none"], "nhom": group_label},
                 **{"mo-ta": shown, "cert": compact_cert(cur.facts if cur else None)})


def producer_search(rec: Any, address: dict[str, Any], province_name: str) -> dict[str, Any]:
    name = text(rec.get("name"))
    places = search_places(address)
    return entry(name, [(10, fold(name)), (3, fold(*places))], {"loai": "Chủ thể", "tinh": province_name},
                 **{"mo-ta": written_places(address)})


def decision_search(rec: Any, issuer_name: str, province_name: str) -> dict[str, Any]:
    number = text(rec.get("number"))
    return entry(f"Quyết định số {number}",
                 [(10, " ".join(["quyet dinh", *decision_digits([number])])), (2, fold(text(rec.get("title")), issuer_name))],
                 {"loai": "Quyết định", "tinh": province_name},
                 **{"mo-ta": issuer_name, "ngay": compact_day(rec.get("date"))})


# What Pagefind reads (build.py): the markup between these comments (templates/search_index.html) in a page of
# its own at the page's path, so its URL, words, meta and filters are the page's own.
SOURCE_START, SOURCE_END = "<!--ocop:search-->", "<!--/ocop:search-->"


def source_page(markup: str) -> str:
    return f'<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>{markup}</body></html>\n'
