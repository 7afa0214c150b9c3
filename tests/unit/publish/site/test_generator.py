"""The generator without a browser: escaping, states for fixed dates, open data, refusal on errors."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import shutil
from pathlib import Path

import pytest

from ocop.check.pipeline import load_registry
from ocop.cli.main import main
from ocop.domain import lifecycle
from ocop.publish.site import generator, model
from ocop_testing import REPO

FIXTURES = REPO / "tests" / "fixtures" / "site"


def generate(root: Path, out: Path, today: dt.date) -> Path:
    registry = load_registry(root, use_cache=False)[0]
    generator.generate(model.build(registry, today, "https://ocop.example/"), out)
    return out


@pytest.fixture(scope="module")
def xss_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(FIXTURES / "xss", tmp_path_factory.mktemp("xss") / "docs", dt.date(2026, 11, 23))


def test_record_text_is_escaped_everywhere(xss_docs: Path):
    # quy-tac is the rule catalogue: its own examples of rejected markup sit in code fences
    pages = [p for p in xss_docs.rglob("*") if p.suffix in (".html", ".md") and "quy-tac" not in p.parts]
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<img src=x" not in text, page
        assert "<iframe" not in text, page
        assert 'href="javascript:' not in text.lower(), page
        assert "<svg onload" not in text, page
    product = (xss_docs / "san-pham/sp-hai-phong-0001/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Cà phê &lt;img src=x onerror=alert(2)&gt;" in product
    assert "&lt;/div&gt;&lt;script&gt;alert(8)" in (xss_docs / "quyet-dinh/qd-hai-phong-2024-001/index.html").read_text("utf-8")


@pytest.mark.parametrize("title", [
    "Kế hoạch số 5/KH-UBND: </title><script>alert(1)</script>",
    'Dự thảo "><svg onload=alert(1)> {{7*7}} & \'x\'',
    "a\n---\nhide: []\ntitle: <b>x</b>",  # a line that would close the front matter and add keys
    "a\n...\n# <img src=x onerror=alert(1)>",
    "\u2028\u2029\x85 title: x",
])
def test_hub_front_matter_is_yaml_with_an_html_title(title: str):
    """MkDocs renders without autoescape: Material writes page.meta.title as it is into <title> and the
    header. The title is stored escaped, and nothing in it can end the YAML block or add a key."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(generator.front_matter(title, hide=["toc"]) + '<div class="ocop">\n</div>\n')
    assert meta == {"title": html.escape(title), "hide": ["toc"]}
    assert body == '<div class="ocop">\n</div>\n'
    assert "<" not in meta["title"] and '"' not in meta["title"]


def test_catalogue_index_keeps_names_as_data(xss_docs: Path):
    index = json.loads((xss_docs / "api/v1/catalogue.json").read_text(encoding="utf-8"))
    assert index["fields"][:2] == ["id", "name"]
    names = [item[1] for item in index["items"]]
    assert "<script>alert(1)</script> Cà phê <img src=x onerror=alert(2)>" in names


def test_only_http_links_become_links():
    assert generator.http_url("https://example.com/a") == "https://example.com/a"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil", "/relative",
                'https://x" onmouseover="y', None, 3):
        assert generator.http_url(bad) is None


@pytest.mark.parametrize("today, label, sentence", [
    (dt.date(2026, 11, 23), "Hiệu lực", "Còn hiệu lực đến 15/09/2028"),
    (dt.date(2028, 8, 25), "Sắp hết hạn", "Sắp hết hạn: còn hiệu lực đến 15/09/2028 (còn 21 ngày)"),
    (dt.date(2028, 9, 15), "Sắp hết hạn", "Sắp hết hạn: còn hiệu lực đến 15/09/2028 (hôm nay là ngày cuối)"),
    (dt.date(2028, 9, 20), "Hết hạn", "Đã hết hạn ngày 15/09/2028"),
])
def test_product_state_for_fixed_dates(tmp_path: Path, today: dt.date, label: str, sentence: str):
    """The build's own reading (what a visitor without JavaScript sees; state.js words it the same)."""
    docs = generate(FIXTURES / "coffee", tmp_path / "docs", today)
    page = (docs / "san-pham/sp-dak-lak-9001/index.html").read_text(encoding="utf-8")
    verdict = page.split('<div class="verdict', 1)[1].split('<div class="cols">', 1)[0]
    assert f">{label}</span>" in verdict
    assert f'<span data-ocop-slot="sentence">{sentence}</span>' in verdict
    verify = (docs / "xac-minh/cn-dak-lak-2025-9001/index.html").read_text(encoding="utf-8")
    assert f">{label}</span>" in verify


def test_open_data_files(xss_docs: Path):
    data = xss_docs / "du-lieu"
    products = [json.loads(line) for line in (data / "products.jsonl").read_text(encoding="utf-8").splitlines()]
    assert products[0]["id"] == "sp-hai-phong-0001" and products[0]["record"]["id"] == "sp-hai-phong-0001"
    with (data / "certificates.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["id"] == "cn-hai-phong-2024-0001" and rows[0]["hang_sao"] == "3"
    assert (data / "luoc-do" / "product.schema.json").is_file()
    assert "### FILE-SIZE" in (xss_docs / "quy-tac/index.md").read_text(encoding="utf-8")


def test_csv_cells_cannot_start_a_formula():
    from ocop.publish.site.export import cell

    assert cell({"name": "=HYPERLINK(\"x\")"}, "name") == "'=HYPERLINK(\"x\")"
    assert cell({"name": "Trà"}, "name") == "Trà"


def test_build_refuses_a_registry_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    root = tmp_path / "broken"
    shutil.copytree(FIXTURES / "coffee", root)
    product = root / "registry/dak-lak/products/sp-dak-lak-9001.yaml"
    product.write_text(product.read_text(encoding="utf-8").replace("name: Cà phê", "ten: Cà phê"), encoding="utf-8")
    code = main(["--root", str(root), "build", "--no-search", "--no-documents", "--out", str(tmp_path / "out")])
    assert code == 1
    err = capsys.readouterr().err
    assert "sp-dak-lak-9001.yaml" in err and "không dựng trang web" in err
    assert not (tmp_path / "out" / "site").exists()


def test_rule_pages_are_generated_with_escaped_prose(xss_docs: Path):
    from ocop.check.catalogue import all_rules

    for rule in all_rules():
        text = (xss_docs / "quy-tac" / f"{rule.id}.md").read_text("utf-8")
        assert text.startswith(f"# {rule.id}: ")
        prose = text.split("Ví dụ sai:")[0]
        assert "<script" not in prose and "<img" not in prose, rule.id
    index = (xss_docs / "quy-tac" / "index.md").read_text("utf-8")
    assert "[Trang của quy tắc TEXT-MARKUP](TEXT-MARKUP.md)" in index


def test_verify_page_names_every_successor(tmp_path: Path):
    """Two certificates superseding one (an error the validator reports) are both shown, never one picked."""
    root = tmp_path / "tree"
    shutil.copytree(REPO / "tests/fixtures/rules/valid", root)
    (root / "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0003.yaml").write_text(
        "id: cn-hai-phong-2025-0003\nprovince: hai-phong\nsample: true\nproduct: sp-hai-phong-0002\n"
        "decision: qd-hai-phong-2025-002\nstar: 4\nsupersedes: cn-hai-phong-2021-0001\n", "utf-8")
    docs = generate(root, tmp_path / "docs", dt.date(2026, 11, 23))
    verify = (docs / "xac-minh/cn-hai-phong-2021-0001/index.html").read_text(encoding="utf-8")
    assert "xac-minh/cn-hai-phong-2024-0002/" in verify
    assert "xac-minh/cn-hai-phong-2025-0003/" in verify


@pytest.fixture(scope="module")
def sample_model() -> model.SiteModel:
    return model.build(load_registry(REPO, use_cache=False)[0], dt.date(2026, 11, 23), "https://ocop.example/")


def test_draft_plan_titles_name_their_province(sample_model: model.SiteModel):
    plans = {p.id: p for p in sample_model.registry.all("plan")}
    titles = {pid: generator.plan_title(plan, generator.plan_place(sample_model, plan)) for pid, plan in plans.items()}
    assert titles["kh-lam-dong-2024-dak-nong-du-thao"].startswith(
        "Dự thảo kế hoạch (KH-SNN) – Tỉnh Đắk Nông (nay thuộc Tỉnh Lâm Đồng): ")
    assert "– Tỉnh Ninh Bình:" in titles["kh-ninh-binh-2024-tam-diep-du-thao"]
    assert titles["kh-ha-noi-2021-146"].startswith("Kế hoạch số 146/")  # a numbered plan says its number


def test_one_definition_of_recognised(sample_model: model.SiteModel):
    """Home, charts and the catalogue's "Đang được công nhận" count the same products: valid or expiring."""
    counted = generator.recognised(sample_model)
    assert counted and {p.state for p in counted} == {"valid", "expiring"}
    assert all(p.current and lifecycle.recognised(p.current.state) for p in counted)
    others = [p for p in sample_model.products.values() if p not in counted]
    assert others and not any(lifecycle.recognised(p.state) for p in others)


def test_catalogue_offers_only_options_that_give_results(tmp_path: Path):
    docs = generate(REPO, tmp_path / "docs", dt.date(2026, 11, 23))
    index = json.loads((docs / "api" / "v1" / "catalogue.json").read_text(encoding="utf-8"))
    province = index["fields"].index("province")
    used = {item[province] for item in index["items"]}
    assert used == set(range(len(index["provinces"])))  # every province listed has a product
    assert "ca-mau" not in {slug for slug, _ in index["provinces"]}
    group = index["fields"].index("group")
    assert {item[group] for item in index["items"]} == set(range(len(index["groups"])))
    cert = index["fields"].index("cert")
    assert all(item[cert] is None or len(item[cert]) == 3 for item in index["items"])
