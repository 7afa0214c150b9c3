"""Material's chrome for record pages: rendered through the real mkdocs.yml and theme, filled in per page."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from ocop.config import mkdocs_config
from ocop.publish.site import chrome
from ocop_testing import REPO


@pytest.fixture(scope="module")
def chromes(tmp_path_factory: pytest.TempPathFactory) -> dict[int, chrome.Chrome]:
    docs = tmp_path_factory.mktemp("docs")
    extra = chrome.extra(True, "Văn phòng Điều phối nông thôn mới Trung ương", "https://example.org/bao-cao")
    return chrome.render(mkdocs_config(REPO), docs, "https://ocop.example/", extra, (2, 3))


def test_relative_links_match_the_page_depth(chromes):
    two, three = (str(chromes[d].top(Markup("T"))) for d in (2, 3))
    assert 'href="../../danh-muc/"' in two and 'href="../../../danh-muc/"' in three
    assert '"base": "../.."' in str(chromes[2].bottom) and "../../assets/ocop/site.css" in two


def test_title_head_and_footer_are_filled_in(chromes):
    top = str(chromes[2].top(Markup("Cà phê &lt;b&gt;"), Markup('<link rel="canonical" href="https://x/">')))
    assert "<title>Cà phê &lt;b&gt; - Sổ đăng ký OCOP</title>" in top
    assert top.count('rel="canonical"') == 1 and top.index('rel="canonical"') < top.index("</head>")
    assert "Dữ liệu mẫu" in top  # the sample banner (Material's announce block, from overrides/main.html)
    bottom = str(chromes[2].bottom)
    assert "Văn phòng Điều phối nông thôn mới Trung ương" in bottom and "https://example.org/bao-cao" in bottom
    assert bottom.rstrip().endswith("</html>") and "\x00" not in top + bottom


def test_a_template_without_the_placeholder_is_refused():
    with pytest.raises(ValueError):
        chrome.Chrome.of("<html><head></head><body>no placeholder</body></html>")


def test_compiled_templates_are_kept_and_give_the_same_pages(tmp_path, chromes):
    """The chrome and MkDocs both keep Material's compiled templates in the build's cache folder; a build that
    reads them back renders the same chrome."""
    from ocop.publish.build import run_mkdocs

    extra = chrome.extra(True, "Văn phòng Điều phối nông thôn mới Trung ương", "https://example.org/bao-cao")
    cache = tmp_path / "templates"
    (tmp_path / "docs").mkdir()
    first = chrome.render(mkdocs_config(REPO), tmp_path / "docs", "https://ocop.example/", extra, (2, 3), cache)
    kept = sorted(p.name for p in cache.rglob("*.cache"))
    assert kept and first == chromes
    assert chrome.render(mkdocs_config(REPO), tmp_path / "docs", "https://ocop.example/", extra, (2, 3), cache) == chromes
    from mkdocs.config import load_config

    nav = load_config(str(mkdocs_config(REPO)), docs_dir=str(tmp_path / "docs")).nav  # docs_dir: a fresh clone has no build/docs
    for page in chrome._nav_sources(nav):  # the pages the nav names
        (tmp_path / "docs" / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / page).write_text("# Trang\n", encoding="utf-8")
    mkdocs_cache = tmp_path / "mkdocs-templates"
    for site in ("cold", "warm"):
        run_mkdocs(mkdocs_config(REPO), tmp_path / "docs", tmp_path / site, "https://ocop.example/", extra, mkdocs_cache)
        assert any(mkdocs_cache.rglob("*.cache"))  # MkDocs' own environment used it (the on_env hook is wired)
    pages = sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*.html"))
    assert pages and all((tmp_path / "cold" / p).read_bytes() == (tmp_path / "warm" / p).read_bytes() for p in pages)


def test_environments_of_other_compile_options_keep_their_own_compiled_templates(tmp_path):
    """Compiled code follows the environment's options (trim_blocks here), which Jinja's cache keys do not hold:
    each set of options has its own folder, so a warm build renders as a cold one."""
    import jinja2

    loader = jinja2.DictLoader({"t.html": "{% if true %}\n  A\n{% endif %}\nB"})
    rendered = {}
    for trim in (True, False, True):
        env = jinja2.Environment(loader=loader, trim_blocks=trim)
        chrome.keep_compiled(env, tmp_path)
        rendered.setdefault(trim, set()).add(env.get_template("t.html").render())
    assert rendered == {True: {"  A\nB"}, False: {"\n  A\n\nB"}}
    assert len(list(tmp_path.iterdir())) == 2
