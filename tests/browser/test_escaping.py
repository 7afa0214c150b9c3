"""Markup in every string property of every schema, through the whole built site in Chromium: nothing runs.

Generated from schemas/*.schema.json. Each string property (reached through properties, $ref/$defs,
oneOf/anyOf branches and array items; a recursive $ref counts once, where it first appears) is a numbered
site with its own payload: it closes attributes, <title> and <script>, opens an <img onerror> and a
<script>, and carries a Jinja expression and a Markdown javascript: link. The repository's sample
registry (registry/ + plans/) gets a payload in every site of every record (and in the names of
registry/provinces.yaml, which has no schema): replacing the value where
there is one, added where the record leaves the property out (inside objects the record has; one
object form of a list item when the sample only has the string form). Sites whose schema has a format,
enum or const, or a pattern no payload matches, cannot hold «<» and keep their value. Markup is only a warning (TEXT-MARKUP), so
the tree builds; `ocop build` (Pagefind included) makes the site, and every HTML page of it is opened
with a dialog trap and window.__xss recording any call. Only /admin/ is left out: the Decap CMS app,
whose config holds schema texts and code lists, never record values, and which would call GitHub.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser.conftest import REPO, TODAY, build_and_serve
from ocop.check.pipeline import validate
from ocop.config import RunConfig
from ocop.findings import has_errors
from ocop.load.loader import parse_yaml
from ocop.model.layout import KIND_FOLDERS, KINDS
from ocop.model.schemas import SchemaSet

pytestmark = pytest.mark.browser

FIXED = ("pattern", "format", "enum", "const")  # a value that must match these cannot carry markup (a pattern may)
PLAN_TITLE = ("plan", "title")
PROVINCE_NAME = ("provinces", "provinces[].name")
CALLS = re.compile(r"__xss\((\d+)\)")


def payloads(n: int) -> list[str]:
    """Longest first; the first that fits the property's maxLength is used."""
    return [f"'\"></title></script><img src=x onerror=__xss({n})><script>__xss({n})</script>"
            f"{{{{7*7}}}}[m](javascript:__xss({n}))",
            f"\"><img src=x onerror=__xss({n})>",
            f"<svg onload=__xss({n})>"]


@dataclass
class Site:
    n: int
    kind: str
    path: str  # dotted, [] for list items, * for additionalProperties
    schema: dict
    payload: str | None  # None: the schema cannot hold markup
    why_not: str = ""


class Sweep:
    """The string sites of the schemas, and a walker that puts their payloads into records."""

    def __init__(self) -> None:
        self.schemas = SchemaSet(REPO)
        self.sites: dict[tuple[str, str], Site] = {}
        self.placed: Counter[int] = Counter()
        for kind in KINDS:
            self._enumerate(kind, self.schemas.kind(kind), kind, "", {})
        self._site(*PROVINCE_NAME, {"type": "string"})  # no schema, but on most pages: the province list's names

    def _site(self, kind: str, path: str, schema: dict) -> None:
        if (kind, path) in self.sites:
            return
        n = len(self.sites) + 1
        fits = [p for p in payloads(n) if len(p) <= schema.get("maxLength", 10**6)
                and re.search(schema.get("pattern", ""), p)]  # a pattern that admits «<» gets its payload
        why = next((k for k in FIXED if k in schema and (k != "pattern" or not fits)), "")
        if not why and not fits:
            why = f"maxLength {schema['maxLength']}"
        self.sites[(kind, path)] = Site(n, kind, path, schema, None if why else fits[0], why)

    def _enter(self, schema: dict, doc: str, path: str, refs: dict[str, str]) -> tuple[dict, str, str, dict] | None:
        """Resolve a $ref; a $ref already entered above (recursion) continues at the path it was first met."""
        if "$ref" in schema:
            file, _, pointer = schema["$ref"].partition("#")
            ref = f"{file.removesuffix('.schema.json') or doc}#{pointer}"
            if ref in refs:
                path = refs[ref]
            else:
                refs = {**refs, ref: path}
        resolved, doc, _ = self.schemas.resolve(schema, doc)
        return resolved, doc, path, refs

    @staticmethod
    def _types(schema: dict) -> list[str]:
        kind = schema.get("type")
        return kind if isinstance(kind, list) else [kind]

    def _branches(self, schema: dict) -> list[dict]:
        """oneOf/anyOf alternatives, each merged over the shared keywords of its parent."""
        shared = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        return [b if "type" in b or "$ref" in b else {**shared, **b} for b in schema.get("oneOf", []) + schema.get("anyOf", [])]

    def _enumerate(self, kind: str, schema: dict, doc: str, path: str, refs: dict[str, str]) -> None:
        if "$ref" in schema:
            file, _, pointer = schema["$ref"].partition("#")
            if f"{file.removesuffix('.schema.json') or doc}#{pointer}" in refs:
                return  # recursion: these sites were listed where the $ref first appeared
        schema, doc, path, refs = self._enter(schema, doc, path, refs)
        for branch in self._branches(schema):
            self._enumerate(kind, branch, doc, path, refs)
        if "string" in self._types(schema):
            self._site(kind, path, schema)
        for key, sub in (schema.get("properties") or {}).items():
            self._enumerate(kind, sub, doc, f"{path}.{key}" if path else key, refs)
        if isinstance(schema.get("additionalProperties"), dict):
            self._enumerate(kind, schema["additionalProperties"], doc, f"{path}.*", refs)
        if isinstance(schema.get("items"), dict):
            self._enumerate(kind, schema["items"], doc, f"{path}[]", refs)

    # ---- putting payloads into a record ------------------------------------------------------------

    def record(self, kind: str, data: Any) -> Any:
        return self._put(kind, self.schemas.kind(kind), kind, "", {}, data)

    def _branch_for(self, schema: dict, doc: str, value: Any) -> dict | None:
        branches = self._branches(schema)
        if not branches:
            return schema
        for branch in branches:
            resolved = self.schemas.resolve(branch, doc)[0]
            kind = resolved.get("type")
            if (isinstance(value, str) and kind == "string") or (isinstance(value, list) and kind == "array"):
                return branch
            if isinstance(value, dict) and kind == "object" and set(value) <= set(resolved.get("properties") or {}):
                return branch  # a made-up object ({}) takes the first object form
        return None

    def _put(self, kind: str, schema: dict, doc: str, path: str, refs: dict[str, str], value: Any) -> Any:
        schema, doc, path, refs = self._enter(schema, doc, path, refs)
        branch = self._branch_for(schema, doc, value)
        if branch is None:
            return value
        if branch is not schema:
            return self._put(kind, branch, doc, path, refs, value)
        if isinstance(value, str):
            site = self.sites.get((kind, path))
            if site is None or site.payload is None:
                return value
            self.placed[site.n] += 1
            return site.payload
        if isinstance(value, dict):
            return self._put_object(kind, schema, doc, path, refs, value)
        if isinstance(value, list) and isinstance(schema.get("items"), dict):
            return self._put_list(kind, schema["items"], doc, path, refs, value)
        return value

    def _put_object(self, kind: str, schema: dict, doc: str, path: str, refs: dict[str, str], value: dict) -> dict:
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        out = {}
        for key, item in value.items():
            if key in props:
                out[key] = self._put(kind, props[key], doc, f"{path}.{key}" if path else key, refs, item)
            else:
                out[key] = self._put(kind, extra, doc, f"{path}.*", refs, item) if isinstance(extra, dict) else item
        for key, sub in props.items():  # properties the record leaves out: text, or a list of text
            if key in out:
                continue
            sub_path = f"{path}.{key}" if path else key
            resolved, sub_doc, _ = self.schemas.resolve(sub, doc)
            if resolved.get("type") == "string" and self._writable(kind, sub_path):
                out[key] = self._put(kind, sub, doc, sub_path, refs, "")
            elif resolved.get("type") == "array" and isinstance(resolved.get("items"), dict):
                items = self.schemas.resolve(resolved["items"], sub_doc)[0]
                if items.get("type") == "string" and self._writable(kind, sub_path + "[]"):
                    out[key] = self._put(kind, sub, doc, sub_path, refs, [""])
        return out

    def _put_list(self, kind: str, items: dict, doc: str, path: str, refs: dict[str, str], value: list) -> list:
        out = [self._put(kind, items, doc, f"{path}[]", refs, item) for item in value]
        resolved, items_doc, _ = self.schemas.resolve(items, doc)
        has_object_form = any(self.schemas.resolve(b, items_doc)[0].get("type") == "object" for b in resolved.get("oneOf", []))
        if has_object_form and value and not any(isinstance(item, dict) for item in value):
            made = self._put(kind, items, doc, f"{path}[]", refs, {})  # e.g. {text, items} where the sample has strings
            object_form = next(self.schemas.resolve(b, items_doc)[0] for b in resolved["oneOf"]
                               if self.schemas.resolve(b, items_doc)[0].get("type") == "object")
            if set(object_form.get("required", [])) <= set(made):
                out.append(made)
        return out

    def _writable(self, kind: str, path: str) -> bool:
        site = self.sites.get((kind, path))
        return site is not None and site.payload is not None


def kind_of(rel: str) -> str | None:
    parts = rel.split("/")
    if parts[0] == "plans":
        return "plan"
    return KIND_FOLDERS.get(parts[2]) if parts[0] == "registry" and len(parts) > 3 else None


def hostile_tree(dest: Path, sweep: Sweep) -> Path:
    for top in ("registry", "plans"):
        shutil.copytree(REPO / top, dest / top)
    for path in sorted(dest.rglob("*.yaml")):
        kind = kind_of(path.relative_to(dest).as_posix())
        if kind:
            data = sweep.record(kind, parse_yaml(path.read_text("utf-8")))
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096), "utf-8")
    provinces = dest / "registry" / "provinces.yaml"
    data = parse_yaml(provinces.read_text("utf-8"))
    site = sweep.sites[PROVINCE_NAME]
    for province in data["provinces"]:
        province["name"] = site.payload
        sweep.placed[site.n] += 1
    provinces.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096), "utf-8")
    return dest


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    return Sweep()


@pytest.fixture(scope="module")
def hostile_root(sweep: Sweep, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_tree(tmp_path_factory.mktemp("hostile"), sweep)


@pytest.fixture(scope="module")
def hostile_site(hostile_root: Path, tmp_path_factory: pytest.TempPathFactory):
    # markup is a warning: a tree with an error (a payload where a rule forbids it) would not build
    site, server = build_and_serve(tmp_path_factory.mktemp("hostile-build"), hostile_root)
    yield site, server
    server.close()


def test_every_string_property_of_every_schema_gets_a_payload(sweep: Sweep, hostile_root: Path):
    sites = list(sweep.sites.values())
    open_sites = [s for s in sites if s.payload is not None]
    assert {s.kind for s in sites} == {*KINDS, PROVINCE_NAME[0]}
    assert len(sites) >= 190 and len(open_sites) >= 100, (len(sites), len(open_sites))
    assert [s.path for s in open_sites if not sweep.placed[s.n]] == []  # each one is in some record
    assert sweep.sites[PLAN_TITLE].payload is not None
    outcome = validate(RunConfig(hostile_root, today=TODAY, use_cache=False))
    assert not has_errors(outcome.findings), [f for f in outcome.findings if f.severity == "error"][:5]
    assert {f.rule for f in outcome.findings} >= {"TEXT-MARKUP"}
    skipped = Counter(s.why_not for s in sites if s.payload is None)
    print(f"{len(sites)} string properties, {len(open_sites)} with a payload, skipped: {dict(skipped)}")


# In every document, before its own scripts: the trap, and the check the sweep runs once the page has loaded.
INIT = """
window.__xssCalls = [];
window.__xss = n => { window.__xssCalls.push(n); window.__xssSeen(n, location.pathname); };
window.__check = () => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith('on') && a.value.includes('__xss')) bad.push(el.tagName + '[' + name + ']');
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name) && /^\\s*javascript:/i.test(a.value))
        bad.push(el.tagName + '[' + name + ']=' + a.value);
    }
    if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) {
      // JSON-LD holds record text as data: inert while it parses as JSON and has no raw "<" to end the element
      let inert = false;
      if (el.type === 'application/ld+json' && !el.textContent.includes('<')) {
        try { JSON.parse(el.textContent); inert = true; } catch (e) { inert = false; }
      }
      if (!inert) bad.push('SCRIPT ' + el.textContent.slice(0, 60));
    }
  }
  const text = document.title + '\\n' + document.documentElement.textContent;
  if (/__xss\\(\\d+\\)<\\/script>49/.test(text)) bad.push('a template ran: {{7*7}} became 49');
  const shown = [...new Set([...text.matchAll(/__xss\\((\\d+)\\)/g)].map(m => +m[1]))];
  return {bad, calls: window.__xssCalls, shown};
};
"""

# Pages opened `width` at a time in iframes of one page (same origin): a CDP round trip per page would
# cost twice as long. Each frame runs the init script; its check runs once the frame has loaded.
SWEEP = """async ([urls, width]) => {
  const out = {};
  const open = url => new Promise(resolve => {
    const frame = document.createElement('iframe');
    frame.onload = () => { out[url] = frame.contentWindow.__check(); frame.remove(); resolve(); };
    frame.src = url;
    document.body.appendChild(frame);
  });
  const queue = [...urls];
  const worker = async () => { while (queue.length) await open(queue.shift()); };
  await Promise.all(Array.from({length: width}, worker));
  return out;
}"""


def test_no_page_runs_a_payload(sweep: Sweep, hostile_site, page):
    site, server = hostile_site
    executed: list[tuple[int, str]] = []
    page.expose_function("__xssSeen", lambda n, where: executed.append((n, where)))
    page.add_init_script(INIT)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "admin")
    assert len(pages) > 300
    in_source: set[int] = set()
    for rel in pages:
        in_source.update(int(n) for n in CALLS.findall((site / rel).read_text("utf-8")))
    page.goto(server.url + "404.html")
    results = page.evaluate(SWEEP, [[server.url + rel.removesuffix("index.html") for rel in pages], 4])
    assert len(results) == len(pages)
    # the pages whose scripts write record text: the catalogue (names from JSON) and search (Pagefind results)
    page.goto(server.url + "danh-muc/")
    page.wait_for_selector("#cat-body tr")
    results["danh-muc (rows written by script)"] = page.evaluate("window.__check()")
    page.goto(server.url + "tim-kiem/")
    page.fill("#search-q", "onerror")
    page.wait_for_selector("#search-results li a", timeout=10_000)
    results["tim-kiem (results written by script)"] = page.evaluate("window.__check()")
    page.wait_for_timeout(200)  # calls still on their way
    names = {s.n: f"{s.kind}.{s.path}" for s in sweep.sites.values()}
    problems = sorted({f"{where}: {names[n]} ran" for n, where in executed})
    problems += [f"{url}: {names[n]} ran" for url, r in results.items() for n in r["calls"]]
    problems += [f"{url}: {b}" for url, r in results.items() for b in r["bad"]]
    assert problems == [], problems[:30]
    assert page.guard.dialogs == [] and page.guard.errors == []
    # the payloads are on the pages, as text: the sweep reached them (the plan title on its hub page)
    shown = {n for r in results.values() for n in r["shown"]}
    assert sweep.sites[PLAN_TITLE].n in shown
    assert len(in_source) >= 30 and in_source <= shown, sorted(names[n] for n in in_source - shown)
    print(f"{len(pages)} pages opened; payloads of {len(in_source)} properties reach a page: "
          + ", ".join(sorted(names[n] for n in in_source)))
