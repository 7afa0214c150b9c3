"""Catalogue metadata of /du-lieu/: a Frictionless Data Package v2 and a DCAT-AP catalogue (JSON-LD)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ocop.model.layout import KIND_VI, KINDS
from ocop.publish.opendata.facts import PLURAL
from ocop.publish.site import export
from ocop.publish.site.model import SiteModel

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
LICENCE_VI = "Giấy phép Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)"
TITLE = "Sổ đăng ký OCOP"
DESCRIPTION = ("Sổ đăng ký mở các sản phẩm OCOP (Chương trình Mỗi xã một sản phẩm) của Việt Nam: chủ thể, sản phẩm, "
               "quyết định, giấy chứng nhận, phiếu đánh giá và kế hoạch, kèm trạng thái tính tại ngày dựng.")
# kind → (column, kind referenced): the foreign keys of the tables
FOREIGN_KEYS = {
    "product": [("chu_the", "producer")],
    "certificate": [("san_pham", "product"), ("quyet_dinh", "decision")],
    "evaluation": [("san_pham", "product")],
}


def table_schema(kind: str) -> dict[str, Any]:
    fields = []
    for column in export.COLUMNS[kind]:
        field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.title}
        if column.type == "boolean":
            field["trueValues"], field["falseValues"] = ["true"], ["false"]
        fields.append(field)
    schema: dict[str, Any] = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
                              "fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    keys = [{"fields": [column], "reference": {"resource": PLURAL[target], "fields": ["id"]}}
            for column, target in FOREIGN_KEYS.get(kind, [])]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def datapackage(model: SiteModel, sizes: dict[str, int], hashes: dict[str, str], modified: str | None) -> dict[str, Any]:
    """The CSV tables with their schemas and foreign keys (paths relative to datapackage.json)."""
    resources = []
    for kind in KINDS:
        name = f"{PLURAL[kind]}.csv"
        resources.append({
            "name": PLURAL[kind], "title": f"Hồ sơ {KIND_VI[kind]}", "type": "table", "path": name,
            "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": sizes[name], "hash": f"sha256:{hashes[name]}",
            "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                        "header": True, "delimiter": ",", "lineTerminator": "\r\n"},
            "schema": table_schema(kind),
        })
    package: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "ocop-registry", "title": TITLE, "description": DESCRIPTION,
        "homepage": model.url(""), "licenses": [LICENCE], "keywords": ["OCOP", "Việt Nam", "sản phẩm"],
        "resources": resources,
    }
    if modified:
        package["created"] = modified
    return package


def _lit(value: str) -> dict[str, str]:
    return {"@value": value, "@language": "vi"}


def _distribution(model: SiteModel, name: str, media: str, fmt: str, size: int, digest: str,
                  conforms: str | None = None) -> dict[str, Any]:
    url = model.url(f"du-lieu/{name}")
    dist: dict[str, Any] = {
        "@id": url + "#distribution", "@type": "dcat:Distribution", "dct:title": _lit(name),
        "dcat:accessURL": {"@id": url}, "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
        "dct:format": fmt, "dcat:byteSize": {"@value": str(size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                          "spdx:checksumValue": digest},
        "dct:license": {"@id": LICENCE["path"]},
    }
    if conforms:
        dist["dct:conformsTo"] = {"@id": conforms}
    return dist


def dcat(model: SiteModel, sizes: dict[str, int], hashes: dict[str, str], schema_ids: dict[str, str],
         modified: str | None) -> dict[str, Any]:
    """DCAT-AP catalogue (JSON-LD): a dataset per kind with its CSV, JSON Lines and zipped distributions,
    and the static API as a data service."""
    datasets = []
    for kind in KINDS:
        stem = PLURAL[kind]
        dists = [
            _distribution(model, f"{stem}.csv", "text/csv", "CSV", sizes[f"{stem}.csv"], hashes[f"{stem}.csv"],
                          model.url("du-lieu/datapackage.json")),
            _distribution(model, f"{stem}.jsonl", "application/jsonl", "JSONL", sizes[f"{stem}.jsonl"],
                          hashes[f"{stem}.jsonl"], model.url("api/v1/openapi.json")),
            _distribution(model, f"{stem}.csv.zip", "application/zip", "ZIP", sizes[f"{stem}.csv.zip"],
                          hashes[f"{stem}.csv.zip"]),
            _distribution(model, f"{stem}.jsonl.zip", "application/zip", "ZIP", sizes[f"{stem}.jsonl.zip"],
                          hashes[f"{stem}.jsonl.zip"]),
        ]
        dataset: dict[str, Any] = {
            "@id": model.url(f"du-lieu/#{stem}"), "@type": "dcat:Dataset", "dct:identifier": stem,
            "dct:title": _lit(f"{TITLE}: hồ sơ {KIND_VI[kind]}"),
            "dct:description": _lit(f"Mọi hồ sơ {KIND_VI[kind]} của sổ đăng ký OCOP, kèm thông tin suy ra tại ngày "
                                    f"{model.today.isoformat()}."),
            "dcat:keyword": [_lit("OCOP"), _lit(KIND_VI[kind])], "dct:license": {"@id": LICENCE["path"]},
            "dct:publisher": {"@id": model.url("#publisher")},
            "dct:spatial": {"@id": "http://publications.europa.eu/resource/authority/country/VNM"},
            "dct:conformsTo": {"@id": schema_ids[kind]}, "dcat:landingPage": {"@id": model.url("du-lieu/")},
            "dcat:distribution": dists,
        }
        if modified:
            dataset["dct:modified"] = {"@value": modified, "@type": "xsd:dateTime"}
        datasets.append(dataset)
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "xsd": "http://www.w3.org/2001/XMLSchema#",
                     "spdx": "http://spdx.org/rdf/terms#"},
        "@id": model.url("du-lieu/data.json"), "@type": "dcat:Catalog",
        "dct:title": _lit(TITLE), "dct:description": _lit(DESCRIPTION), "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"},
        "dct:license": {"@id": LICENCE["path"]}, "foaf:homepage": {"@id": model.url("")},
        "dct:publisher": {"@id": model.url("#publisher"), "@type": "foaf:Agent", "foaf:name": TITLE},
        "dcat:dataset": datasets,
        "dcat:service": {"@id": model.url("api/v1/"), "@type": "dcat:DataService", "dct:title": _lit(f"{TITLE}: API tĩnh"),
                         "dcat:endpointURL": {"@id": model.url("api/v1/")},
                         "dcat:endpointDescription": {"@id": model.url("api/v1/openapi.json")},
                         "dct:license": {"@id": LICENCE["path"]},
                         "dcat:servesDataset": [{"@id": d["@id"]} for d in datasets]},
    }


def sizes_and_hashes(out: Path, files: list[Path], digest) -> tuple[dict[str, int], dict[str, str]]:
    return ({p.name: p.stat().st_size for p in files}, {p.name: digest(p) for p in files})
