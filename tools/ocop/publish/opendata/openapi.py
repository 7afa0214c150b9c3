"""/api/v1/openapi.json: an OpenAPI 3.1 description of the static paths, with a JSON Schema per response.

A record document's `record` is the record's own published schema (by its absolute `$id`); the
derived facts and the envelopes are described here. The test suite validates every file against it.
"""

from __future__ import annotations

from typing import Any

from ocop.domain.lifecycle import STATES
from ocop.model.layout import KINDS
from ocop.model.schemas import schema_uri
from ocop.publish.opendata.facts import PLURAL

NULLABLE_TEXT = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
URL = {"type": "string", "format": "uri"}
IDS = {"type": "array", "items": {"type": "string"}}
ISSUER = {"oneOf": [{"type": "null"}, {"type": "object"}], "description": "Cơ quan ban hành (issuer của quyết định)."}
PRODUCT_STATES = [*STATES, "none"]
# a record id (a slug); "page-N" names an index page, never a record (ids start with their kind's prefix)
ID = {"type": "string", "pattern": "^(?!page-)[a-z0-9]+(-[a-z0-9]+)*$"}


def _object(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": props,
            "required": list(props) if required is None else required}


DERIVED: dict[str, dict[str, Any]] = {
    "certificate": _object({
        "state": {"enum": list(STATES)}, "state_label": {"type": "string"},
        "valid_from": NULLABLE_DATE, "valid_to": NULLABLE_DATE, "days_left": {"type": ["integer", "null"]},
        "star": {"type": ["integer", "null"]}, "issuer": ISSUER, "decision_number": NULLABLE_TEXT,
        "decision_date": NULLABLE_TEXT, "superseded_by": IDS, "revoked_by": NULLABLE_TEXT,
        "current": {"type": "boolean"}, "province_name": {"type": "string"}}),
    "product": _object({
        "state": {"enum": PRODUCT_STATES}, "star": {"type": ["integer", "null"]}, "last_star": {"type": ["integer", "null"]},
        "current_certificate": NULLABLE_TEXT, "valid_from": NULLABLE_DATE, "valid_to": NULLABLE_DATE,
        "issuer": ISSUER, "certificates": IDS, "evaluations": IDS, "producer_name": NULLABLE_TEXT,
        "province_name": {"type": "string"}}),
    "producer": _object({"products": IDS, "certified_products": IDS, "province_name": {"type": "string"}}),
    "decision": _object({"issuer": ISSUER, "entries": {"type": "integer", "minimum": 0}, "certificates": IDS,
                         "province_name": {"type": "string"}}),
    "evaluation": _object({"province_name": {"type": "string"}}),
    "plan": _object({"issuer": ISSUER, "province_name": {"type": "string"}}),
}


def _title(kind: str) -> str:
    return kind.capitalize()


def record_document(kind: str, record_schema: str) -> dict[str, Any]:
    return _object({
        "as_of": DATE, "kind": {"const": kind}, "id": {"type": "string"},
        "modified": {"type": ["string", "null"], "format": "date-time"},
        "record": {"$ref": record_schema},
        "derived": {"$ref": f"#/components/schemas/{_title(kind)}Facts"},
        "links": _object({"self": URL, "html": {"type": ["string", "null"], "format": "uri"},
                          "related": {"type": "object", "additionalProperties": {
                              "oneOf": [URL, {"type": "array", "items": URL}]}}}),
    })


INDEX_LINE = _object({
    "id": {"type": "string"}, "province": {"type": "string"}, "modified": {"type": ["string", "null"]},
    "url": URL, "html": {"type": ["string", "null"], "format": "uri"}, "name": NULLABLE_TEXT,
    "state": {"enum": PRODUCT_STATES}, "star": {"type": ["integer", "null"]},
}, required=["id", "province", "modified", "url", "html", "name"])

INDEX_PAGE = _object({
    "as_of": DATE, "kind": {"enum": list(KINDS)}, "province": NULLABLE_TEXT,
    "page": {"type": "integer", "minimum": 1}, "pages": {"type": "integer", "minimum": 1},
    "total": {"type": "integer", "minimum": 0},
    "items": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/IndexLine"}},
    "links": _object({"self": URL, "first": URL, "last": URL, "prev": {"type": ["string", "null"]},
                      "next": {"type": ["string", "null"]}}),
})

KIND_COUNT = _object({"kind": {"enum": list(KINDS)}, "total": {"type": "integer"}, "pages": {"type": "integer"},
                      "first_page": URL})
ROOT = _object({"as_of": DATE, "version": {"const": "v1"}, "kinds": {"type": "array", "items": KIND_COUNT},
                "links": _object({"self": URL, "provinces": URL, "openapi": URL, "datasets": URL})})
PAIRS = {"type": "array", "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}],
                                     "minItems": 2, "maxItems": 2}}
CATALOGUE = _object({
    "as_of": DATE, "fields": {"type": "array", "items": {"type": "string"}},
    "provinces": PAIRS, "groups": PAIRS, "states": PAIRS,
    "items": {"type": "array", "items": {"type": "array", "description": "Một sản phẩm: giá trị theo thứ tự `fields`; "
                                                                        "province, group là chỉ số trong các danh sách tương ứng; cert là "
                                                                        "[hiệu lực đến, ngày thu hồi, ngày hiệu lực của chứng nhận thay thế] để "
                                                                        "tính trạng thái theo ngày xem (null: chưa có chứng nhận)."}},
})
STATUS_LIST = {  # publish/stamps/status.py: a W3C Bitstring Status List credential per province
    "type": "object", "required": ["@context", "id", "type", "issuer", "validFrom", "as_of", "credentialSubject"],
    "properties": {
        "@context": IDS, "id": URL, "type": {"type": "array", "contains": {"const": "BitstringStatusListCredential"}},
        "issuer": URL, "validFrom": {"type": "string", "format": "date-time"}, "as_of": DATE,
        "credentialSubject": {"type": "object", "required": ["type", "statusPurpose", "statusSize", "encodedList"],
                              "properties": {"id": URL, "type": {"const": "BitstringStatusList"},
                                             "statusPurpose": {"const": "message"},
                                             "statusSize": {"type": "integer", "minimum": 1},
                                             "statusMessage": {"type": "array"},
                                             "encodedList": {"type": "string", "pattern": "^u[A-Za-z0-9_-]+$",
                                                             "description": "Multibase base64url (u…) của chuỗi bit "
                                                                            "nén GZIP; 2 bit một chứng nhận."}}}},
}
PROVINCES = _object({"as_of": DATE, "provinces": {"type": "array", "items": _object({
    "province": {"type": "string"}, "name": {"type": "string"}, "kinds": {"type": "array", "items": KIND_COUNT}})}})


def _response(ref: str, description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}}


def _get(summary: str, ref: str, params: list[dict] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"get": {"summary": summary, "responses": _response(ref, summary)}}
    if params:
        op["parameters"] = params
    return op


def _param(name: str, description: str, schema: dict | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string"}}


def spec(site_url: str, schemas: dict[str, dict], licence: dict[str, str]) -> dict[str, Any]:
    """The OpenAPI document; `schemas` are the record schemas (name → schema) whose $id the records use."""
    components: dict[str, Any] = {"IndexLine": INDEX_LINE, "IndexPage": INDEX_PAGE, "Root": ROOT,
                                  "Provinces": PROVINCES, "Catalogue": CATALOGUE, "StatusList": STATUS_LIST}
    paths: dict[str, Any] = {
        "/index.json": _get("Mục lục API: các loại hồ sơ và số trang", "Root"),
        "/catalogue.json": _get("Danh mục sản phẩm gọn (trang Danh mục của trang web đọc tệp này)", "Catalogue"),
        "/provinces/index.json": _get("Danh sách tỉnh, thành phố và trang chỉ mục của từng loại hồ sơ", "Provinces"),
        "/status/{province}.json": _get("Danh sách trạng thái (thu hồi, bị thay thế) chứng nhận của một tỉnh, theo "
                                        "W3C Bitstring Status List: trang xác minh đọc tệp này",
                                        "StatusList", [_param("province", "Tên thư mục tỉnh")]),
    }
    page = _param("page", "Số trang, từ 1 (mỗi trang tối đa 1.000 mục).", {"type": "integer", "minimum": 1})
    for kind in KINDS:
        title = _title(kind)
        components[f"{title}Facts"] = DERIVED[kind]
        components[f"{title}Document"] = record_document(kind, schema_uri(kind, schemas[kind]))
        plural = PLURAL[kind]
        paths[f"/{plural}/{{id}}.json"] = _get(f"Một hồ sơ {kind} kèm các thông tin suy ra", f"{title}Document",
                                               [_param("id", "Mã hồ sơ", ID)])
        paths[f"/{plural}/page-{{page}}.json"] = _get(f"Chỉ mục {kind}, theo trang", "IndexPage", [page])
        paths[f"/provinces/{{province}}/{plural}/page-{{page}}.json"] = _get(
            f"Chỉ mục {kind} của một tỉnh, theo trang", "IndexPage", [_param("province", "Tên thư mục tỉnh"), page])
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Sổ đăng ký OCOP — API tĩnh", "version": "1",
                 "description": "Tệp JSON tĩnh, một tệp mỗi hồ sơ; `as_of` là ngày tính các thông tin suy ra "
                                "(trạng thái, hiệu lực). Chỉ có phương thức GET.",
                 "license": licence},
        "servers": [{"url": site_url.rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {"schemas": components},
    }
