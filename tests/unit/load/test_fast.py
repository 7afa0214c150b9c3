"""The loader's fast path (rapidyaml) against the strict loader: the same data and findings for every text.

The fast path may only answer where the strict loader would give the same data without a finding; every
other text must fall through to the strict loader. Compared here on every YAML file of the fixtures, the
shipped registry, the hostile corpus, scalars YAML readers disagree about, and seeded mutations of records.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

from ocop.load import MAX_FILE_BYTES, load_document
from ocop.load.fast import fast_load
from ocop.load.loader import MAX_DEPTH, MAX_ITEMS, has_invisible
from ocop_testing import FIXTURES, REPO

sys.path.insert(0, str(REPO / "tests" / "acceptance" / "hostile"))
import corpus  # the hostile corpus's case builder (a test folder, not a package)

SHIPPED = sorted([*(REPO / "registry").rglob("*.yaml"), *(REPO / "plans").glob("*.yaml")])
FIXTURE_FILES = sorted(FIXTURES.rglob("*.yaml"))


def outcome(raw: bytes, fast: bool) -> tuple:
    doc = load_document(Path("/nonexistent/x.yaml"), "x.yaml", raw, fast=fast)
    return doc.data, [f.to_dict() for f in doc.findings]


def assert_same(raw: bytes, label: str = "") -> None:
    assert outcome(raw, fast=True) == outcome(raw, fast=False), f"{label}: {raw[:300]!r}"


def answered(raw: bytes) -> bool:
    return fast_load(raw, raw.decode("utf-8"), MAX_DEPTH, MAX_ITEMS, has_invisible) is not None


def test_fast_path_answers_for_plain_records() -> None:
    """Not vacuous: the shipped records, as `ocop fmt` writes them, take the fast path."""
    plain = [p for p in SHIPPED if answered(p.read_bytes())]
    assert len(plain) >= 0.8 * len(SHIPPED), f"only {len(plain)} of {len(SHIPPED)} shipped files took the fast path"


@pytest.mark.parametrize("path", [*SHIPPED, *FIXTURE_FILES], ids=lambda p: p.relative_to(REPO).as_posix())
def test_same_as_strict_on_repository_files(path: Path) -> None:
    assert_same(path.read_bytes(), str(path))


def hostile_texts(case_dir: Path) -> dict[str, bytes]:
    """The YAML files a hostile case adds or changes (overlay, replacements, edits, generated texts,
    encodings), made in memory as build_case_tree and corpus.apply_edits make them on disk."""
    expect = corpus.expect_of(case_dir)
    overlay = case_dir / "overlay"
    files = {p.relative_to(overlay).as_posix(): p.read_bytes() for p in overlay.rglob("*.yaml")} if overlay.is_dir() else {}

    def text(rel: str) -> str:
        return files[rel].decode("utf-8") if rel in files else (corpus.BASE / rel).read_text("utf-8")

    for rel, (old, new) in expect.get("replace", {}).items():
        files[rel] = text(rel).replace(old, new).encode()
    for rel, pairs in expect.get("edits", {}).items():
        edited = text(rel)
        for old, new in pairs:
            edited = edited.replace(old, new)
        files[rel] = edited.encode()
    for rel, kind in expect.get("generate", {}).items():
        if kind != "big":  # 10 MB: refused by its size before either path parses it
            files[rel] = corpus.generated(kind, (corpus.BASE / rel).read_text("utf-8"))
    for rel, encoding in expect.get("encode", {}).items():
        files[rel] = corpus.encoded(text(rel), encoding)
    return {rel: raw for rel, raw in files.items() if rel.endswith(".yaml")}


def test_same_as_strict_on_hostile_corpus() -> None:
    compared = 0
    for case_dir in corpus.CASE_DIRS:
        for rel, raw in hostile_texts(case_dir).items():
            # a big text the fast path leaves to the strict loader gets the strict verdict by construction,
            # and that verdict takes seconds (test_hostile checks it); one over the limit is refused unread
            if len(raw) <= 64 * 1024 or len(raw) > MAX_FILE_BYTES or answered(raw):
                assert_same(raw, f"{case_dir.name}/{rel}")
            compared += 1
    assert compared >= len(corpus.CASE_DIRS) // 2


# Scalars YAML readers disagree about: YAML 1.1 and 1.2 typing, number forms, indicators, escapes, unicode.
SCALARS = [
    "1", "+1", "-1", "-0", "0", "00", "010", "0x1F", "0o17", "0b101", "1_000", "1e5", "1E5", "1.5e3", "-1.5E+3", "1.",
    "0.", ".5", "+.5", "-.5", "..5", "1.2.3", "0123.5", "1e999", "1.0e999", "-1.0e400", "0.1e-400", "1" * 31, "1" * 30,
    ".inf", "-.inf", ".nan", "NaN", "Infinity", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "no", "on",
    "off", "y", "n", "null", "Null", "NULL", "~", "", "''", '""', '"1"', "'1'", '"true"', "'~'", '"True"', "2024-01-02",
    "2024-02-30", "12:30", "24:00", "1:2", "-x", "- x", "-", ":x", "? x", "?x", "@x", "`x`", "%x", "x%", "a@b.vn",
    "x # c", "x#c", "#", "!!str 1", "!x y", "&a 1", "*a", "|", ">-", "[1, 2]", "[1,]", "[, 1]", "{a: 1}", "{a}",
    "[a: b]", "[", "{", "]", "}", "'it''s'", '"a\\"b"', '"\\u202e"', '"\\x00"', "a\\b", "x\ty", "x y ", " x",
    "Hà Nội", "Ha\u0300 No\u0323i", "x\u200by", "x\u2028y", "x\u0085y", "\U0001f600", "a: b", "a, b", "<< x",
    "'a\n  b'", "a\n  b", '"a\n\n  b"',
]


def test_same_as_strict_on_disputed_scalars() -> None:
    for scalar in SCALARS:
        for template in ("k: {}\n", "{}: v\n", "k: [{}]\n", "k: {{a: {}}}\n", "k:\n  - {}\n", "{}\n"):
            assert_same(template.format(scalar).encode("utf-8"), template)


def test_same_as_strict_on_number_forms() -> None:
    """Every short text over the characters of numbers: rapidyaml's idea of a number against the resolver's."""
    alphabet = "0123456789+-.eE_x"
    for size in range(1, 4):
        for chars in itertools.product(alphabet, repeat=size):
            assert_same(f"k: {''.join(chars)}\n{''.join(chars)}: v\n".encode())


INSERTS = ["&", "*", "!", "|", ">", "?", ":", "-", "#", "@", "`", "%", "'", '"', "[", "]", "{", "}", ",", " ", "\n",
           "\t", "\r", "\\", "---", "...", "<<", "True", "~", "1e5", "\u0301", "\u202e", "\ufeff", "\x85", "\x00", "  "]


def test_same_as_strict_on_mutated_records() -> None:
    """Seeded mutations of the shipped records: one to three insertions or deletions at random places."""
    rng = random.Random(17)
    texts = [p.read_text("utf-8") for p in SHIPPED]
    for _ in range(3000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.25:
                text = text[:at] + text[at + rng.randint(1, 3):]
            else:
                text = text[:at] + rng.choice(INSERTS) + text[at:]
        assert_same(text.encode("utf-8", "surrogatepass"), "mutation")


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: b\na: c\n", "a: True\n", "a: NULL\n", "a: ~\n", "a: 1e5\n",
    "1: a\n", "true: a\n", ": a\n", "a: 1.0e999\n", f"a: {'1' * 31}\n", "<<: {a: 1}\n", "? a\n: b\n", "a: |\n  x\n",
    "a: \"\\u202e\"\n", "a: Ha\u0300\n", "a: x\u200by\n", "a:\tb\n", "a: 1\r\n", "- a\n", "a: 1\n---\nb: 2\n",
    "a: @x\n", "a: `x\n", "a: {b:, c: 1}\n", "a: [{b: 1}] - x\n", "a: {b: 1} x\n", "k: " + "[" * 41 + "]" * 41 + "\n", "k: [" + ",".join(["1"] * 2001) + "]\n",
])
def test_fast_path_declines_what_the_strict_loader_must_judge(text: str) -> None:
    assert not answered(text.encode("utf-8"))


@pytest.mark.parametrize("text", ["a: 1\nb: [x, y]\nc: {d: \"01\"}\n", "a: no\nb: 2024-01-02\nc: 010\n", "a: a@b.vn\n"])
def test_fast_path_answers_plain_texts(text: str) -> None:
    assert answered(text.encode("utf-8"))


def test_rapidyaml_errors_never_reach_standard_error(capfd: pytest.CaptureFixture[str]) -> None:
    """rapidyaml's C++ prints each parse error to descriptor 2; officers see only the strict loader's finding."""
    doc = load_document(Path("/nonexistent/x.yaml"), "x.yaml", b"a: [\n")
    assert [f.rule for f in doc.findings] == ["YAML-SYNTAX"]
    print("still open", file=sys.stderr)  # descriptor 2 is given back afterwards
    assert capfd.readouterr().err == "still open\n"
