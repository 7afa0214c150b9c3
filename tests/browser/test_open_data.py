"""The open data of the built sample site (issue 13), read by the tools other systems use.

Shares the session's built sample site (tests/browser/conftest.py); none of these tests opens a browser.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import referencing
import yaml

from browser.conftest import REPO, TODAY
from ocop.publish.opendata import sitemap

API = "api/v1"
RECORD = REPO / "tests/fixtures/core/valid/registry/hai-phong/products/sp-hai-phong-0001.yaml"
AJV = REPO / "tools" / "ajv"
CLI = Path(sys.executable).parent


def api_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / API).rglob("*.json") if p.name != "openapi.json")


@pytest.fixture(scope="module")
def openapi_validators(sample_site):
    """path → a Draft 2020-12 validator of its response schema, through a registry holding the OpenAPI
    document and the published record schemas under their own $id (nothing fetched)."""
    from jsonschema_path import SchemaPath
    from openapi_spec_validator import OpenAPIV31SpecValidator

    site, _ = sample_site
    spec = json.loads((site / API / "openapi.json").read_text("utf-8"))
    published = {}
    for path in (site / "du-lieu" / "luoc-do").glob("*.schema.json"):
        published[json.loads(path.read_text("utf-8"))["$id"]] = json.loads(path.read_text("utf-8"))
    offline = {"https": lambda uri: published[uri.split("#")[0]], "http": lambda uri: published[uri.split("#")[0]]}
    # the description itself is valid OpenAPI 3.1 (its $refs to the record schemas read from the built site)
    OpenAPIV31SpecValidator(SchemaPath.from_dict(spec, handlers=offline, ref_resolver_handlers=offline)).validate()
    spec_uri = "urn:ocop:openapi"
    resources = [(spec_uri, referencing.Resource.from_contents(spec, default_specification=referencing.jsonschema.DRAFT202012))]
    for path in (site / "du-lieu" / "luoc-do").glob("*.schema.json"):
        schema = json.loads(path.read_text("utf-8"))
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    routes = []
    for template, item in spec["paths"].items():
        ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        pattern = re.escape(template)
        for param in item.get("parameters", []):  # each path parameter as its schema allows
            schema = param["schema"]
            allowed = "[1-9][0-9]*" if schema["type"] == "integer" else schema.get("pattern", "^[a-z0-9-]+$")[1:-1]
            pattern = pattern.replace(re.escape("{" + param["name"] + "}"), f"(?:{allowed})")
        validator = jsonschema.Draft202012Validator({"$ref": spec_uri + ref}, registry=registry,
                                                    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        routes.append((re.compile(pattern), validator))
    return routes


def validator_of(routes, rel: str):
    matches = [v for pattern, v in routes if pattern.fullmatch(rel)]
    assert len(matches) == 1, f"{rel}: {len(matches)} OpenAPI paths match"
    return matches[0]


def test_every_api_file_is_valid_against_openapi(sample_site, openapi_validators):
    site, _ = sample_site
    files = api_files(site)
    kinds = {p.relative_to(site / API).parts[0] for p in files}
    assert {"products", "certificates", "producers", "decisions", "evaluations", "plans", "provinces"} <= kinds
    for path in files:
        rel = "/" + path.relative_to(site / API).as_posix()
        doc = json.loads(path.read_text("utf-8"))
        errors = [e.message for e in validator_of(openapi_validators, rel).iter_errors(doc)]
        assert errors == [], f"{rel}: {errors[:3]}"
        assert doc.get("as_of") == TODAY.isoformat(), rel


def test_openapi_validation_rejects_a_wrong_document(sample_site, openapi_validators):
    site, _ = sample_site
    path = next((site / API / "certificates").glob("cn-*.json"))
    doc = json.loads(path.read_text("utf-8"))
    validator = validator_of(openapi_validators, f"/certificates/{path.name}")
    wrong_state = {**doc, "derived": {**doc["derived"], "state": "active"}}
    wrong_record = {**doc, "record": {**doc["record"], "star": "năm"}}
    assert not validator.is_valid(wrong_state)
    assert not validator.is_valid(wrong_record)  # the record part is checked by the record's own schema
    assert not validator.is_valid({k: v for k, v in doc.items() if k != "as_of"})


def test_index_pages_list_every_record_in_pages_of_at_most_1000(sample_site):
    site, _ = sample_site
    root = json.loads((site / API / "index.json").read_text("utf-8"))
    for entry in root["kinds"]:
        folder = site / API / entry["first_page"].split(f"/{API}/", 1)[1].rsplit("/", 1)[0]
        listed = []
        for number in range(1, entry["pages"] + 1):
            page = json.loads((folder / f"page-{number}.json").read_text("utf-8"))
            assert len(page["items"]) <= 1000
            listed += [item["id"] for item in page["items"]]
        files = sorted(p.stem for p in folder.glob("*.json") if not p.stem.startswith("page-"))
        assert sorted(listed) == files and len(files) == entry["total"]
    provinces = json.loads((site / API / "provinces" / "index.json").read_text("utf-8"))["provinces"]
    per_province = sum(k["total"] for p in provinces for k in p["kinds"] if k["kind"] == "product")
    assert per_province == next(k["total"] for k in root["kinds"] if k["kind"] == "product")


def test_api_states_agree_with_ocop_expiry(sample_site, sample_root):
    site, _ = sample_site
    out = subprocess.run([str(CLI / "ocop"), "--root", str(sample_root), "expiry", "--format", "json",
                          "--today", TODAY.isoformat(), "--within", "100000"],
                         capture_output=True, text=True, check=True).stdout
    listed = {row["certificate"]: row for row in json.loads(out)}
    api = {p.stem: json.loads(p.read_text("utf-8")) for p in (site / API / "certificates").glob("cn-*.json")}
    states = {doc["derived"]["state"] for doc in api.values()}
    assert {"valid", "expiring", "expired", "superseded", "revoked"} <= states  # the sample covers them all
    for cert_id, doc in api.items():
        facts = doc["derived"]
        if cert_id in listed:
            row = listed[cert_id]
            assert (facts["state"], facts["valid_from"], facts["valid_to"], facts["days_left"]) == \
                   (row["state"], row["valid_from"], row["valid_to"], row["days_left"]), cert_id
        else:  # `ocop expiry` lists every certificate except the revoked and superseded ones
            assert facts["state"] in ("revoked", "superseded"), cert_id


def test_product_facts_name_the_current_certificate_and_star(sample_site):
    site, _ = sample_site
    for path in (site / API / "products").glob("sp-*.json"):
        doc = json.loads(path.read_text("utf-8"))
        facts = doc["derived"]
        if not facts["current_certificate"]:
            assert facts["state"] == "none" and facts["star"] is None
            continue
        cert = json.loads((site / API / "certificates" / f"{facts['current_certificate']}.json").read_text("utf-8"))
        assert cert["derived"]["current"] is True and cert["derived"]["state"] == facts["state"]
        assert facts["star"] == (cert["record"]["star"] if facts["state"] in ("valid", "expiring") else None)
        assert doc["links"]["related"]["current_certificate"] == cert["links"]["self"]
        assert doc["links"]["html"].endswith(f"/san-pham/{doc['id']}/")


def test_catalogue_reads_the_api(sample_site):
    site, _ = sample_site
    page = (site / "danh-muc" / "index.html").read_text("utf-8")
    assert 'data-index="../api/v1/catalogue.json"' in page
    catalogue = json.loads((site / API / "catalogue.json").read_text("utf-8"))
    assert catalogue["as_of"] == TODAY.isoformat()
    assert len(catalogue["items"]) == len(list((site / API / "products").glob("sp-*.json")))


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM (Excel would garble the accents)"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_has_every_derived_column_filled(sample_site):
    site, _ = sample_site
    data = site / "du-lieu"
    certificates = read_csv(data / "certificates.csv")
    assert certificates and all(r["hieu_luc_tu"] and r["hieu_luc_den"] and r["trang_thai"] and r["ten_tinh"]
                                for r in certificates)
    products = read_csv(data / "products.csv")
    certified = [r for r in products if r["trang_thai"] in ("valid", "expiring")]
    assert certified and all(r["hang_sao"] in ("3", "4", "5") and r["hieu_luc_den"] for r in certified)
    assert all(r["ten_tinh"] for r in products)
    producers = read_csv(data / "producers.csv")
    digits = [r for r in producers if re.fullmatch(r"[0-9]+", api_record(site, "producers", r["id"]).get("tax_code", "-"))]
    assert digits and all(r["ma_so_thue"] == f'="{api_record(site, "producers", r["id"])["tax_code"]}"'
                          for r in digits)  # Excel keeps it as text, leading zero included
    decisions = read_csv(data / "decisions.csv")
    assert all(r["ma_don_vi_co_quan"].startswith('="') for r in decisions if r["ma_don_vi_co_quan"])


def api_record(site: Path, kind: str, record_id: str) -> dict:
    return json.loads((site / API / kind / f"{record_id}.json").read_text("utf-8"))["record"]


def test_dumps_match_the_api_and_their_checksums(sample_site):
    import hashlib
    import zipfile

    site, _ = sample_site
    data = site / "du-lieu"
    lines = (data / "products.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    assert json.loads((site / API / "products" / f"{first['id']}.json").read_text("utf-8")) == first
    with zipfile.ZipFile(data / "products.csv.zip") as archive:
        assert archive.read("products.csv") == (data / "products.csv").read_bytes()
    sums = dict(reversed(line.split("  ", 1)) for line in (data / "SHA256SUMS").read_text("utf-8").splitlines())
    assert {"products.csv", "products.jsonl.zip", "datapackage.json", "data.json", "delta.json"} <= set(sums)
    for name, digest in sums.items():
        assert hashlib.sha256((data / name).read_bytes()).hexdigest() == digest, name


def frictionless(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI / "frictionless"), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_data_package_passes_frictionless_validate(sample_site, tmp_path):
    site, _ = sample_site
    result = frictionless("validate", "--json", "datapackage.json", cwd=site / "du-lieu")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    package = json.loads((site / "du-lieu" / "datapackage.json").read_text("utf-8"))
    keys = {(r["name"], fk["fields"][0], fk["reference"]["resource"])
            for r in package["resources"] for fk in r["schema"].get("foreignKeys", [])}
    assert keys == {("products", "chu_the", "producers"), ("certificates", "san_pham", "products"),
                    ("certificates", "quyet_dinh", "decisions"), ("evaluations", "san_pham", "products")}
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    # a certificate naming a product that is not in products.csv must fail the foreign key
    broken = tmp_path / "broken"
    shutil.copytree(site / "du-lieu", broken, ignore=shutil.ignore_patterns("*.zip", "*.jsonl", "luoc-do"))
    rows = (broken / "certificates.csv").read_bytes().decode("utf-8").split("\r\n")
    rows[1] = re.sub(r",sp-[a-z0-9-]+,", ",sp-khong-co-9999,", rows[1], count=1)
    (broken / "certificates.csv").write_bytes("\r\n".join(rows).encode("utf-8"))
    package["resources"] = [{k: v for k, v in r.items() if k not in ("hash", "bytes")} for r in package["resources"]]
    (broken / "datapackage.json").write_text(json.dumps(package), "utf-8")
    result = frictionless("validate", "--json", "datapackage.json", cwd=broken)
    assert result.returncode != 0 and "foreign-key" in result.stdout


def test_dcat_catalogue_is_json_ld_naming_every_download(sample_site):
    import rdflib

    site, server = sample_site
    graph = rdflib.Graph().parse(data=(site / "du-lieu" / "data.json").read_text("utf-8"), format="json-ld")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    datasets = set(graph.subjects(rdflib.RDF.type, dcat.Dataset))
    assert len(datasets) == 6
    downloads = [str(o) for o in graph.objects(None, dcat.downloadURL)]
    assert len(downloads) == 24
    for url in downloads:
        assert url.startswith(server.url) and (site / url[len(server.url):]).is_file(), url
    assert all((d, dct.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
               for d in datasets)


def jsonld_of(html: str, url: str) -> list[dict]:
    import extruct

    return extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]


def test_product_page_embeds_schema_org_certification(sample_site):
    site, server = sample_site
    api = json.loads((site / API / "certificates" / "cn-ha-noi-2024-0002.json").read_text("utf-8"))
    product_id = api["record"]["product"]
    html = (site / "san-pham" / product_id / "index.html").read_text("utf-8")
    items = jsonld_of(html, server.url + f"san-pham/{product_id}/")
    product = next(i for i in items if i["@type"] == "Product")
    cert = next(c for c in product["hasCertification"] if c["identifier"] == api["id"])
    assert cert["@type"] == "Certification"
    assert cert["certificationIdentification"] == api["derived"]["decision_number"]
    assert cert["issuedBy"]["name"] == api["derived"]["issuer"]["name"]
    assert (cert["validFrom"], cert["expires"]) == (api["derived"]["valid_from"], api["derived"]["valid_to"])
    assert cert["certificationRating"]["ratingValue"] == api["record"]["star"]
    assert cert["certificationStatus"] == "https://schema.org/CertificationActive"
    inactive = [c for c in product["hasCertification"] if c["identifier"] != api["id"]]
    assert inactive and all(c["certificationStatus"].endswith("CertificationInactive") for c in inactive)


def test_producer_page_embeds_an_organization(sample_site):
    site, server = sample_site
    path = next((site / "chu-the").glob("ct-*/index.html"))
    items = jsonld_of(path.read_text("utf-8"), server.url)
    org = next(i for i in items if i["@type"] == "Organization")
    api = json.loads((site / API / "producers" / f"{path.parent.name}.json").read_text("utf-8"))
    assert org["name"] == api["record"]["name"] and org["url"] == api["links"]["html"]


def test_json_ld_keeps_hostile_text_inside_the_script(xss_site):
    site, _ = xss_site
    for path in [*(site / "san-pham").glob("*/index.html"), *(site / "chu-the").glob("*/index.html")]:
        html = path.read_text("utf-8")
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(scripts) == 1, path  # no value closed the script early
        assert "<" not in scripts[0]
        data = json.loads(scripts[0])
        api_kind = "products" if data["@type"] == "Product" else "producers"
        record = json.loads((site / API / api_kind / f"{path.parent.name}.json").read_text("utf-8"))["record"]
        assert data["name"] == record["name"] and "<" in record["name"]  # the markup survives as text


def test_published_schemas_are_the_repository_files_with_absolute_ids(sample_site):
    site, _ = sample_site
    for source in (REPO / "schemas").glob("*.schema.json"):
        published = site / "du-lieu" / "luoc-do" / source.name
        assert published.read_bytes() == source.read_bytes()
        assert json.loads(source.read_text("utf-8"))["$id"] == \
            f"https://ocop-vn.github.io/ocop-registry/du-lieu/luoc-do/{source.name}"


def check_jsonschema(server_url: str, instance: Path) -> subprocess.CompletedProcess:
    # --base-uri: the site serves here what its $id names on the public host (this test runs offline)
    url = server_url + "du-lieu/luoc-do/product.schema.json"
    return subprocess.run([str(CLI / "check-jsonschema"), "--no-cache", "--base-uri", url, "--schemafile", url,
                           str(instance)], capture_output=True, text=True, timeout=120)


def ajv(server_url: str, instance: Path) -> subprocess.CompletedProcess:
    if shutil.which("node") is None:
        pytest.fail("Node.js is required to run ajv")
    if not (AJV / "node_modules" / "ajv").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=AJV, check=True, timeout=300)
    urls = [server_url + f"du-lieu/luoc-do/{p.name}" for p in sorted((REPO / "schemas").glob("*.schema.json"))]
    return subprocess.run(["node", str(AJV / "validate.mjs"), "product", str(instance), *urls],
                          capture_output=True, text=True, timeout=120)


def test_a_record_outside_schemas_validates_against_the_served_schema(sample_site, tmp_path):
    _, server = sample_site
    record = yaml.safe_load(RECORD.read_text("utf-8"))
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(record), "utf-8")
    bad.write_text(json.dumps({**record, "address": {**record["address"], "province": {"code": 1}}}), "utf-8")
    shutil.copy(RECORD, tmp_path / "good.yaml")
    for instance in (tmp_path / "good.yaml", good):
        result = check_jsonschema(server.url, instance)
        assert result.returncode == 0, result.stdout + result.stderr
    assert check_jsonschema(server.url, bad).returncode == 1  # the $ref into common.schema.json was followed
    assert ajv(server.url, good).returncode == 0
    wrong = ajv(server.url, bad)
    assert wrong.returncode == 1 and "/address/province" in wrong.stdout


def test_sitemap_lists_every_public_page_with_git_dates(sample_site):
    site, server = sample_site
    text = (site / "sitemap.xml").read_text("utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", text))
    pages = {server.url + p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
             if p.relative_to(site).parts[0] not in ("admin", "api", "assets", "anh", "pagefind")}
    pages = {u.replace(server.url + "./", server.url) for u in pages}
    assert pages - listed == set()
    assert any("/san-pham/" in u for u in listed) and any("/xac-minh/" in u for u in listed)
    assert (site / "robots.txt").read_text("utf-8").endswith(f"Sitemap: {server.url}sitemap.xml\n")


def test_sitemap_becomes_an_index_past_the_limit(sample_site, sample_root, tmp_path):
    from ocop.check.pipeline import load_registry
    from ocop.publish.opendata.history import History
    from ocop.publish.site import model

    site, server = sample_site
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("api", "anh", "pagefind", "admin", "du-lieu"))
    site_model = model.build(load_registry(sample_root, use_cache=False)[0], TODAY, server.url)
    count = sitemap.write(copy, site_model, History(), limit=50)
    index = (copy / "sitemap.xml").read_text("utf-8")
    parts = re.findall(r"<loc>([^<]+)</loc>", index)
    assert "<sitemapindex" in index and count > 100 and len(parts) == -(-count // 50)
    urls = sum(len(re.findall("<url>", (copy / p.rsplit("/", 1)[1]).read_text("utf-8"))) for p in parts)
    assert urls == count
