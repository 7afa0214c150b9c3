"""The guide links only existing rules and images; the CMS config and the forms come from the schemas."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ocop.authoring import cms, guide
from ocop.findings import RULES
from ocop.report import rules as rulesdoc
from ocop_testing import REPO

GUIDE = guide.SOURCE / "index.md"


def test_guide_links_every_rule_to_its_anchor_and_every_image_exists() -> None:
    text = GUIDE.read_text("utf-8")
    rulesdoc.all_rules()  # register every family's rules
    links = re.findall(r"\[([A-Z0-9-]+)\]\(\.\./quy-tac/index\.md#([a-z0-9-]+)\)", text)
    assert len(links) >= 10
    for rule_id, anchor in links:
        assert rule_id in RULES and anchor == rule_id.lower(), rule_id
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images and all((guide.SOURCE / name).is_file() for name in images)


def test_guide_install_copies_page_and_images(tmp_path: Path) -> None:
    dest = guide.install(tmp_path / "docs", screenshots=tmp_path / "none")
    assert (dest / "index.md").is_file() and len(list(dest.glob("*.png"))) >= 4


def test_cms_config_from_schemas() -> None:
    config = cms.config(REPO, local_backend="http://127.0.0.1:1/api/v1")
    assert config["publish_mode"] == "editorial_workflow" and config["backend"]["name"] == "github"
    assert config["local_backend"] == {"url": "http://127.0.0.1:1/api/v1"}
    names = {c["name"] for c in config["collections"]}
    assert {"products-ha-noi", "producers-ha-noi", "products-ca-mau"} <= names
    products = next(c for c in config["collections"] if c["name"] == "products-ha-noi")
    assert products["folder"] == "registry/ha-noi/products" and products["slug"] == "{{fields.id}}"
    assert products["media_folder"] == "/registry/ha-noi/media"
    # uploads get ASCII names without accents, and the global media folder is one the layout accepts
    assert config["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    assert config["media_folder"] == "registry/trung-uong/media"
    fields = {f["name"]: f for f in products["fields"]}
    assert fields["name"]["label"] == "Tên sản phẩm" and fields["name"]["required"] is True
    assert fields["story"]["required"] is False and fields["story"]["widget"] == "text"
    assert fields["producer"]["widget"] == "relation" and fields["producer"]["collection"] == "producers-ha-noi"
    group = next(f for f in fields["classification"]["fields"] if f["name"] == "group")
    assert {"label": "Đồ uống", "value": "do_uong"} in group["options"]
    ward = next(f for f in fields["address"]["fields"] if f["name"] == "ward")
    code = next(f for f in ward["fields"] if f["name"] == "code")
    assert {"label": "Phường Tây Hồ (00103)", "value": "00103"} in code["options"]
    assert not any(f["name"] == "district" for f in fields["address"]["fields"])
    yaml.load(cms.config_yaml(REPO), Loader=yaml.CSafeLoader)  # serialisable


def test_committed_forms_are_current() -> None:
    from ocop.authoring import forms

    assert forms.stale(REPO) == []
