"""Material's page chrome (header, tabs, drawer, footer, scripts), rendered once a build for the record pages.

Record pages are written outside MkDocs for speed (~4 ms a page in Material, 20,000 pages). So they look like
the hub pages, Material's own `main.html` (with our overrides) is rendered here for one placeholder page at
each folder depth the record pages use, through the same MkDocs config, nav and theme as `mkdocs build`.
The result is split around the content; each record page is then the two halves joined around its HTML,
with its title and head tags put where Material puts them. Relative links (`../../danh-muc/`) are right
because the placeholder sits at the record page's depth.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

TITLE = "\x00ocop-title\x00"  # NUL never occurs in Material's output, nor in an escaped record value
BODY = "<!--ocop-body (the record page has its own <h1>)-->"  # Material adds an <h1> only when none is there
HEAD_END = "</head>"


@dataclass(frozen=True)
class Chrome:
    """The page around a record's content: `top(title, head)` + content + `bottom`."""

    parts: tuple[str, ...]  # text, TITLE, text, …, the head's end, …; `top` fills them in order
    bottom: Markup  # trusted: Material's own output

    def top(self, title: str, head: str = "") -> Markup:
        """Everything before the content; `title` and `head` are HTML already (Jinja autoescaped them)."""
        fill = {TITLE: str(title), HEAD_END: str(head) + HEAD_END}
        return Markup("".join(fill.get(part, part) for part in self.parts))

    @classmethod
    def of(cls, html: str) -> Chrome:
        # Material indents its templates deeply: ~3.5 KB a page of leading spaces, times 50,000 record pages
        # (no <pre> or <textarea> in the chrome, its scripts are one-liners: dropping indentation is safe)
        html = re.sub(r"\n\s+", "\n", html)
        before, sep, after = html.partition(BODY)
        if not sep or TITLE not in before or HEAD_END not in before:
            raise ValueError("Material's main.html did not render the placeholder page as expected")
        # Material's canonical link names the placeholder: each record page writes its own
        before = re.sub(r'\s*<link rel="canonical" href="[^"]*">', "", before)
        pieces = re.split(f"({re.escape(TITLE)}|{re.escape(HEAD_END)})", before)
        return cls(tuple(p for p in pieces if p), Markup(after))


def extra(sample: bool, agency: str, report_url: str) -> dict[str, object]:
    """mkdocs.yml's `extra` for a build: the sample banner and the footer's agency (one source for both kinds
    of page). MkDocs replaces the whole `extra` mapping with this one."""
    return {"sample_data": sample, "generator": False, "agency": agency, "report_url": report_url}


def render(mkdocs_yml: Path, docs: Path, site_url: str, extra: dict[str, object],
           depths: tuple[int, ...], template_cache: Path | None = None) -> dict[int, Chrome]:
    """The chrome for pages `depth` folders below the site root (2: san-pham/<id>/, 3: tinh/cu/<code>/)."""
    from mkdocs.commands.build import get_context
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    config = load_config(str(mkdocs_yml), docs_dir=str(docs), site_url=site_url,
                         extra=extra)
    env = config.theme.get_env()
    keep_compiled(env, template_cache)
    template = env.get_template("main.html")
    out = {}
    for depth in depths:
        src = "/".join(["ocop-chrome"] * depth) + "/index.md"
        files = Files([File(uri, config.docs_dir, config.site_dir, config.use_directory_urls)
                       for uri in [*_nav_sources(config.nav), src]])
        nav = get_navigation(files, config)
        page = Page(TITLE, files.get_file_from_path(src), config)
        page.content, page.meta = BODY, {"hide": ["toc"]}
        config._current_page = page
        try:
            out[depth] = Chrome.of(template.render(get_context(nav, files, config, page)))
        finally:
            config._current_page = None
    return out


def keep_compiled(env: jinja2.Environment, folder: Path | None) -> None:
    """Material's ~70 templates compiled once and kept between builds (Jinja's bytecode cache, which keys each
    by its name, file and a hash of its source, so an edited template is compiled again): ~0.5 s a build
    otherwise, for MkDocs and for the chrome alike. Compiled code also follows the environment's options
    (a registry's own mkdocs.yml hooks may change them) and Jinja's version, which the cache does not key:
    each environment gets the folder of its options' hash."""
    if folder is not None:
        options = [jinja2.__version__, *(repr(getattr(env, name, None)) for name in _COMPILE_OPTIONS),
                   *sorted(env.extensions), *(_named(getattr(env, name, None)) for name in ("autoescape", "finalize"))]
        own = folder / hashlib.blake2b("\0".join(options).encode(), digest_size=8).hexdigest()
        own.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(own))


# What a template compiles to depends on (jinja2.Environment's arguments); autoescape and finalize may be callables
_COMPILE_OPTIONS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
                    "is_async")


def _named(value: object) -> str:
    """A stable name for an option's value (a function by its module and name, not its address)."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return repr(value)


def _nav_sources(nav: object) -> list[str]:
    """Every Markdown path mkdocs.yml's nav names (the tabs need them as pages)."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, dict):
        return [s for value in nav.values() for s in _nav_sources(value)]
    if isinstance(nav, list):
        return [s for item in nav for s in _nav_sources(item)]
    return []
