"""The strict loader: safe, bounded, positioned, and never re-typing values YAML 1.1 would."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from ocop.load import MAX_FILE_BYTES, load_document


def load(tmp_path: Path, content: str | bytes):
    path = tmp_path / "x.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return load_document(path, "x.yaml")


def rules(doc) -> list[str]:
    return [f.rule for f in doc.findings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code: 010", "010"),
        ("code: 0884683755", "0884683755"),
        ("answer: no", "no"),
        ("switch: on", "on"),
        ("time: 24:00", "24:00"),
        ("date: 2024-02-30", "2024-02-30"),
        ("date: 2024-13-01", "2024-13-01"),
        ("number: 1e3", "1e3"),
        ("hex: 0x1F", "0x1F"),
    ],
)
def test_yaml_11_traps_stay_strings(tmp_path: Path, text: str, expected: str) -> None:
    doc = load(tmp_path, text + "\n")
    assert doc.findings == []
    assert next(iter(doc.data.values())) == expected


def test_plain_scalars_keep_core_types(tmp_path: Path) -> None:
    doc = load(tmp_path, "a: 12\nb: 64.5\nc: true\nd: null\ne: -3\n")
    assert doc.data == {"a": 12, "b": 64.5, "c": True, "d": None, "e": -3}


def test_billion_laughs_is_refused_fast_and_small(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    tracemalloc.start()  # this call's own peak (ru_maxrss would be the whole pytest process's)
    start = time.perf_counter()
    doc = load(tmp_path, "\n".join(lines) + "\n")
    elapsed = time.perf_counter() - start
    grown_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert rules(doc) == ["YAML-ALIAS"]
    assert doc.findings[0].line == 2  # the first alias, not the anchor
    assert elapsed < 1.0 and grown_mb < 200


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    doc = load(tmp_path, "note: " + "x" * (10 * 1024 * 1024) + "\n")
    assert rules(doc) == ["FILE-SIZE"]
    assert MAX_FILE_BYTES < 10 * 1024 * 1024


def test_nfd_is_normalised_with_a_warning_naming_the_field(tmp_path: Path) -> None:
    doc = load(tmp_path, "id: a\nstory: Ca\u0300 phe\u0302\n")
    assert doc.data["story"] == "Cà phê"
    assert rules(doc) == ["TEXT-NFC"]
    assert "story" in doc.findings[0].message and doc.findings[0].line == 2


def test_bom_is_stripped_with_a_warning(tmp_path: Path) -> None:
    doc = load(tmp_path, b"\xef\xbb\xbfid: a\n")
    assert doc.data == {"id": "a"} and rules(doc) == ["YAML-BOM"]


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "YAML-DUPLICATE-KEY", 4),
        ("a:\n\tb: 1\n", "YAML-TAB", 2),
        ("a: !!python/object:os.system x\n", "YAML-TAG", 1),
        ("a: !!binary aGVsbG8=\n", "YAML-TAG", 1),
        ("a: !!set {x}\n", "YAML-TAG", 1),
        ("- 1\n- 2\n", "RECORD-NOT-MAPPING", 1),
        ("just a scalar\n", "RECORD-NOT-MAPPING", 1),
        ("", "YAML-EMPTY", 1),
        ("  \n# only a comment\n", "YAML-EMPTY", 1),
        ("a: 1\n---\nb: 2\n", "YAML-SYNTAX", 2),
        ('"key\\x01": 1\n', "TEXT-CONTROL", 1),
        ("a: [1, 2\n", "YAML-SYNTAX", 2),
        ("true: 1\n", "YAML-KEY", 1),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "YAML-DEPTH", 1),
    ],
)
def test_bad_input_becomes_one_positioned_finding(tmp_path: Path, content: str, rule: str, line: int) -> None:
    doc = load(tmp_path, content)
    assert doc.data is None
    assert rules(doc) == [rule]
    assert doc.findings[0].line == line


def test_latin1_file_points_at_the_bad_byte(tmp_path: Path) -> None:
    doc = load(tmp_path, "id: a\nname: H\xe0 N\xf4i\n".encode("latin-1"))
    assert rules(doc) == ["YAML-ENCODING"]
    assert (doc.findings[0].line, doc.findings[0].column) == (2, 8)


def test_locate_finds_nested_values_and_keys(tmp_path: Path) -> None:
    doc = load(tmp_path, "id: a\naddress:\n  ward:\n    code: '1'\nlist:\n  - x\n  - y\n")
    assert doc.locate(("address", "ward", "code")) == (4, 11)
    assert doc.locate(("address", "ward", "code"), at_key=True) == (4, 5)
    assert doc.locate(("list", 1)) == (7, 5)
    assert doc.locate(("address", "missing")) == (3, 3)  # nearest existing parent


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    doc = load_document(tmp_path / "missing.yaml", "missing.yaml")
    assert rules(doc) == ["FILE-READ"] and doc.data is None


@pytest.mark.parametrize("text", ["9" * 5000, "1.0e999", "-1e999"])
def test_numbers_no_field_can_hold_stay_text_for_the_schema(tmp_path: Path, text: str) -> None:
    """int() refuses over 4300 digits and 1e999 is infinity: neither may crash a check downstream."""
    doc = load(tmp_path, f"id: a\nstar: {text}\n")
    assert doc.findings == [] and doc.data["star"] == text


# --- TEXT-CONTROL: characters that forge layout or hide text --------------------------------------------

INVISIBLE = {
    "\u2028": "line separator: forges a heading or a list item in a plan's PDF",
    "\u2029": "paragraph separator",
    **{chr(c): "bidi embedding/override: shows a name reversed" for c in range(0x202A, 0x202F)},
    **{chr(c): "bidi isolate" for c in range(0x2066, 0x206A)},
    "\u200e": "left-to-right mark", "\u200f": "right-to-left mark",
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
    "\u2060": "word joiner", "\ufeff": "zero-width no-break space (BOM inside text)",
    "\u00ad": "soft hyphen", "\U000e0041": "tag letter A (invisible ASCII smuggling)",
}


@pytest.mark.parametrize("char", list(INVISIBLE), ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("style", ["plain", "double", "single", "block", "escape"])
def test_invisible_and_layout_characters_are_refused_naming_field_and_code_point(
        tmp_path: Path, char: str, style: str) -> None:
    value = f"Trà{char}xanh"
    written = {"plain": value, "double": f'"{value}"', "single": f"'{value}'", "block": f"|\n      {value}\n      = Đề mục",
               "escape": f'"Trà\\u{ord(char):04X}xanh"' if ord(char) <= 0xFFFF else f'"Trà\\U{ord(char):08X}xanh"'}[style]
    doc = load(tmp_path, f"id: a\nsections:\n  - title: Mở đầu\n  - title: {written}\n")
    assert doc.data is None and rules(doc) == ["TEXT-CONTROL"], doc.findings
    finding = doc.findings[0]
    assert "«sections[1].title»" in finding.message and f"U+{ord(char):04X}" in finding.message
    assert "'" not in finding.message, finding.message  # no Python repr quoting
    assert finding.line == 4


def test_the_column_points_at_the_character_in_a_plain_value(tmp_path: Path) -> None:
    doc = load(tmp_path, "id: a\nname: Trà xanh\u202eđảo ngược\n")
    assert rules(doc) == ["TEXT-CONTROL"]
    assert (doc.findings[0].line, doc.findings[0].column) == (2, 15)


@pytest.mark.parametrize(("content", "where"), [
    ('"na\\x07me": x\n', "«na<U+0007>me»"),
    ("list:\n  - ok\n  - {\"k\\u200bey\": 1}\n", "«list[1].k<U+200B>ey»"),
    ('name: "Trà\\x07 xanh"\n', "«name»"),
])
def test_control_characters_name_the_field_path_without_quotes(tmp_path: Path, content: str, where: str) -> None:
    doc = load(tmp_path, content)
    assert rules(doc) == ["TEXT-CONTROL"]
    assert where in doc.findings[0].message, doc.findings[0].message
    assert "'" not in doc.findings[0].message


@pytest.mark.parametrize("text", ["Trà xanh Thái Nguyên", "Cà phê Buôn Ma Thuột ☕", "Giá: 100.000 ₫ — «đặc sản»",
                                  "Dòng 1\nDòng 2\tcột", "ꪀꪁ (chữ Thái Việt)", "\u00a0không ngắt"])
def test_ordinary_text_passes(tmp_path: Path, text: str) -> None:
    doc = load(tmp_path, f"id: a\nname: {json_quoted(text)}\n")
    assert doc.findings == [] and doc.data["name"] == text


def json_quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def test_the_refused_set_is_every_format_and_separator_character() -> None:
    """Cf (format: bidi controls, zero-width, tags, soft hyphen), Zl and Zp, and C0/C1 controls; nothing else.

    Checked against this Python's Unicode database, so a newer Unicode that adds a format character fails here."""
    import unicodedata

    from ocop.load.loader import INVISIBLE_CHARS, has_invisible

    for cp in range(0x110000):
        char = chr(cp)
        category = unicodedata.category(char)
        refused = bool(INVISIBLE_CHARS.match(char))
        if category in ("Cf", "Zl", "Zp") or (category == "Cc" and 0x80 <= cp <= 0x9F):
            assert refused and has_invisible(f"Trà{char}xanh"), f"U+{cp:04X} {category}"
        else:
            assert not refused, f"U+{cp:04X} {category}"


def test_a_raw_separator_in_a_file_that_stays_broken_is_named_at_its_line(tmp_path: Path) -> None:
    doc = load(tmp_path, "id: a\nname: x\u2028y: [\n")
    assert rules(doc) == ["TEXT-CONTROL"]
    assert (doc.findings[0].line, doc.findings[0].column) == (2, 8) and "U+2028" in doc.findings[0].message


@pytest.mark.parametrize(("content", "position"), [
    ("id: a\n# ghi chú\u2028star: 5\n", (2, 10)),  # a hidden line in a comment: star: 5 would be a field
    ('id: a\nname: "Trà\x85xanh"\n', (2, 7)),  # libyaml folds a raw NEL in quotes into a space
])
def test_raw_line_breaking_characters_are_refused_anywhere(tmp_path: Path, content: str, position: tuple) -> None:
    doc = load(tmp_path, content)
    assert rules(doc) == ["TEXT-CONTROL"] and doc.data is None
    assert (doc.findings[0].line, doc.findings[0].column) == position, doc.findings[0]


def test_an_invisible_character_in_a_comment_is_refused_too(tmp_path: Path) -> None:
    """Trojan Source: a bidi override in a comment reorders how the rest of the line reads in review."""
    doc = load(tmp_path, "id: a\nstar: 3 # \u202e ;5 :rats\n")
    assert rules(doc) == ["TEXT-CONTROL"] and (doc.findings[0].line, doc.findings[0].column) == (2, 11)
    assert "chú thích" in doc.findings[0].message and "U+202E" in doc.findings[0].message
