"""The web editor at /admin/ of the site: Decap CMS files (from npm, served by the site) and a config.yml
generated from the JSON Schemas.

Scope: producers and products, one folder collection per province (the CMS cannot put an entry in a
folder computed from a field). Decisions and certificates name each other and must be added together
(rule DECISION-ENTRY), which a CMS entry cannot do: they are added with `ocop new decision`.
Known limits (documented in the guide): the CMS drops YAML comments and reorders keys (`ocop fmt`
restores them), ids are suggested as of the last site build, and a folder above 1,000 files cannot
be listed through the GitHub API (the layout keeps folders smaller).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from ocop.authoring import records
from ocop.check.pipeline import load_registry
from ocop.model.layout import CENTRAL
from ocop.model.registry import Registry
from ocop.model.schemas import MANAGED, REFERENCES, UNIT_REF, Prop, SchemaSet, enum_labels, enum_values

PACKAGE = Path(__file__).resolve().parents[3] / "tools" / "cms"
DIST = PACKAGE / "node_modules" / "decap-cms" / "dist"
KINDS = {"producer": ("producers", "Chủ thể"), "product": ("products", "Sản phẩm")}
REPO = "ocop-vn/ocop-registry"
LONG_TEXT = 1000
INDEX_HTML = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Trình soạn thảo — Sổ đăng ký OCOP</title>
  <link href="config.yml" type="text/yaml" rel="cms-config-url">
</head>
<body>
  <script src="decap-cms.js"></script>
</body>
</html>
"""


class CmsMissing(Exception):
    """The npm package is not installed (message in Vietnamese)."""


def collection_name(kind: str, province: str) -> str:
    return f"{KINDS[kind][0]}-{province}"


def config(root: Path, registry: Registry | None = None, local_backend: bool | str = False,
           repo: str = REPO) -> dict[str, Any]:
    registry = registry or load_registry(root)[0]
    schemas = SchemaSet(root)
    provinces = [p for p in registry.provinces if isinstance(p, dict) and p.get("slug") and p.get("code")]
    # once: the suggested next id of every collection reads them (next_id per collection rescans 62,000 ids)
    taken = records.IdAllocator(records.taken_ids(registry, root))
    collections = [collection(schemas, registry, root, kind, p, taken) for kind in KINDS for p in provinces]
    out: dict[str, Any] = {
        "backend": {"name": "github", "repo": repo, "branch": "main",
                    "commit_messages": {"create": "Thêm {{collection}} «{{slug}}» (trình soạn thảo web)",
                                        "update": "Sửa {{collection}} «{{slug}}» (trình soạn thảo web)"}},
        "publish_mode": "editorial_workflow",
        "locale": "vi",
        # Uploaded file names: ASCII without accents (vải-thiều.jpg → vai-thieu.jpg), as LAYOUT-NAME requires.
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        # Each collection uploads into its province's media/ folder; this global one (the media library
        # outside a collection) must also be a place the layout accepts: the central folder's media/.
        "media_folder": f"registry/{CENTRAL}/media",
        "public_folder": f"registry/{CENTRAL}/media",
        "collections": collections,
    }
    if local_backend:
        out["local_backend"] = {"url": local_backend} if isinstance(local_backend, str) else True
    return out


def collection(schemas: SchemaSet, registry: Registry, root: Path, kind: str, province: dict,
               taken: records.IdAllocator) -> dict[str, Any]:
    slug, name = str(province["slug"]), str(province["name"])
    folder, kind_label = KINDS[kind]
    next_free = taken.peek(kind, slug)
    context = {"province": slug, "next_id": next_free, "code": str(province["code"])}
    fields = [{"name": "id", "label": "Mã hồ sơ", "widget": "string", "default": next_free,
               "hint": f"Mã tiếp theo còn trống khi dựng trang: {next_free}. Trùng tên tệp; không đổi sau khi tạo.",
               "pattern": [f"^{records.PREFIX[kind]}-{slug}-[0-9]{{4}}$",
                           f"Dạng {records.PREFIX[kind]}-{slug}-NNNN, ví dụ {next_free}"]},
              {"name": "province", "label": "Tỉnh/thành phố quản lý", "widget": "hidden", "default": slug}]
    props = sorted((p for p in schemas.top(kind) if p.key not in MANAGED), key=lambda p: p.key == "note")
    fields += [widget(schemas, registry, p, context) for p in props]
    return {"name": collection_name(kind, slug), "label": f"{kind_label} — {name}",
            "label_singular": kind_label.lower(), "folder": f"registry/{slug}/{folder}", "extension": "yaml",
            "format": "yaml", "create": True, "delete": False, "identifier_field": "id",
            "slug": "{{fields.id}}", "summary": "{{name}} ({{id}})",
            "media_folder": f"/registry/{slug}/media", "public_folder": f"registry/{slug}/media",
            "sortable_fields": ["id", "name"], "editor": {"preview": False}, "fields": fields}


def widget(schemas: SchemaSet, registry: Registry, prop: Prop, ctx: dict[str, str]) -> dict[str, Any]:
    """The CMS field of a schema property: label and hint from the schema, the right widget for its type."""
    base: dict[str, Any] = {"name": prop.key, "label": prop.title, "required": prop.required}
    if prop.description:
        base["hint"] = prop.description
    schema = prop.schema
    if prop.ref == UNIT_REF:
        return {**base, **unit_widget(registry, prop, ctx)}
    if prop.key in REFERENCES and prop.ref.endswith("$defs/id"):
        target = REFERENCES[prop.key]
        if target in KINDS:
            return {**base, "widget": "relation", "collection": collection_name(target, ctx["province"]),
                    "value_field": "id", "search_fields": ["name", "id"], "display_fields": ["name", "id"]}
    if enum_values(schema):
        labels = enum_labels(schema)
        return {**base, "widget": "select",
                "options": [{"label": labels[v] if labels[v] != str(v) else str(v), "value": v} for v in enum_values(schema)]}
    if prop.type == "object":
        subs = [widget(schemas, registry, p, ctx) for p in schemas.props(schema, prop.doc, prop.path)
                if p.key != "district"]  # the district level exists only in the 2004 code list
        return {**base, "widget": "object", "collapsed": not prop.required, "fields": subs}
    if prop.type == "array":
        return {**base, **list_widget(schemas, registry, prop, ctx)}
    return {**base, **scalar_widget(prop)}


def scalar_widget(prop: Prop) -> dict[str, Any]:
    schema = prop.schema
    if prop.type in ("integer", "number"):
        out: dict[str, Any] = {"widget": "number", "value_type": "int" if prop.type == "integer" else "float"}
        return {**out, **{short: schema[k] for k, short in (("minimum", "min"), ("maximum", "max")) if k in schema}}
    if prop.type == "boolean":
        return {"widget": "boolean", "default": False}
    if schema.get("format") == "date":
        return {"widget": "string", "pattern": ["^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "Ngày dạng NNNN-TT-NN, ví dụ 2024-05-10"]}
    out = {"widget": "text" if int(schema.get("maxLength") or 0) >= LONG_TEXT else "string"}
    if isinstance(schema.get("pattern"), str) and js_compatible(schema["pattern"]):
        out["pattern"] = [schema["pattern"], prop.description or "Không đúng dạng."]
    return out


def list_widget(schemas: SchemaSet, registry: Registry, prop: Prop, ctx: dict[str, str]) -> dict[str, Any]:
    items, doc = schemas.items(prop)
    if items.get("type") == "object":
        subs = [widget(schemas, registry, p, ctx) for p in schemas.props(items, doc, prop.path)]
        return {"widget": "list", "label_singular": items.get("title") or prop.title, "collapsed": True, "fields": subs}
    if prop.key == "photos":  # repository paths of images: the CMS uploads into the province's media folder
        return {"widget": "list", "field": {"name": "photo", "label": "Ảnh", "widget": "image"}}
    return {"widget": "list"}


def unit_widget(registry: Registry, prop: Prop, ctx: dict[str, str]) -> dict[str, Any]:
    """Units are objects {level, code, version, name}: the officer picks a ward; the rest is fixed (2025)."""
    hidden = lambda name, value: {"name": name, "widget": "hidden", "default": value}  # noqa: E731
    if prop.key == "province" or prop.path[-1] == "unit":
        ref = records.unit_ref("province", ctx["code"]) or {}
        return {"widget": "object", "collapsed": True,
                "summary": ref.get("name", ""), "fields": [hidden(k, v) for k, v in ref.items()]}
    wards = records.ward_choices(registry, ctx["province"])
    return {"widget": "object", "fields": [
        hidden("level", "ward"),
        {"name": "code", "label": "Xã/phường (bộ mã 2025)", "widget": "select",
         "options": [{"label": f"{name} ({code})", "value": code} for code, name in wards]},
        hidden("version", "2025")]}


def js_compatible(pattern: str) -> bool:
    return "(?P" not in pattern and not re.search(r"\\[AZz]", pattern)


def config_yaml(root: Path, local_backend: bool | str = False, registry: Registry | None = None) -> str:
    header = ("# Sinh tự động từ schemas/*.schema.json và registry/provinces.yaml bởi `ocop build` / `ocop cms`.\n"
              "# Không sửa tay: sửa lược đồ rồi dựng lại trang.\n")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: the ward lists make this ~1 MB
    return header + yaml.dump(config(root, registry, local_backend), Dumper=dumper, allow_unicode=True,
                              sort_keys=False, width=120)


def install(site_dir: Path, root: Path | None = None, local_backend: bool | str = False,
            registry: Registry | None = None) -> Path:
    """Copy the editor into site_dir/admin with its generated config.yml; returns the admin folder.

    Call after the site is built (the lead wires it into `ocop build`); nothing is fetched at view time.
    """
    if not (DIST / "decap-cms.js").is_file():
        raise CmsMissing(f"Chưa cài Decap CMS: chạy «npm install» trong {PACKAGE} (phiên bản ghi trong package.json).")
    root = root or PACKAGE.parents[1]
    admin = site_dir / "admin"
    if admin.exists():
        shutil.rmtree(admin)
    admin.mkdir(parents=True)
    for path in DIST.glob("*decap-cms.js"):
        shutil.copy2(path, admin / path.name)
    licence = DIST.parent / "LICENSE"
    if licence.is_file():
        shutil.copy2(licence, admin / "LICENSE-decap-cms.txt")
    (admin / "index.html").write_text(INDEX_HTML, "utf-8")
    (admin / "config.yml").write_text(config_yaml(root, local_backend, registry), "utf-8")
    (admin / "version.json").write_text(json.dumps({"decap-cms": version()}), "utf-8")
    return admin


def version() -> str:
    data = json.loads((PACKAGE / "node_modules" / "decap-cms" / "package.json").read_text("utf-8"))
    return str(data.get("version"))
