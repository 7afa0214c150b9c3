"""The markup rule's cheap prefilter answers exactly as its case-insensitive pattern does."""

from __future__ import annotations

import re
import sys

import pytest

from ocop.check.rules.markup import _TRIGGER, might_hold_markup

TEXTS = ["", "Vải thiều sấy lạnh", "<b>", "x < y", "SCRIPT:", "ScRiPt \n :", "data:", "DATA  :", "dữ liệu: data",
         "javascript :alert(1)", "script", "data", "metadata:", "scrİpt:", "scrıpt:", "ſcript:", "ſcrİpt", "dAtA\t:",
         "İ<", "{'id': 'sp-ha-noi-0001', 'name': 'Trà'}", "ĐATA:", "ｄａｔａ:", "data\u00a0:", "script\u2028:"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_prefilter_agrees_with_the_pattern(text: str) -> None:
    assert might_hold_markup(text) == (_TRIGGER.search(text) is not None)


def test_every_character_that_re_folds_to_a_trigger_letter_is_handled() -> None:
    """str.lower() and re.I agree on every letter of the trigger but for İ, ı and ſ, which take the pattern."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    cased = [c for c in every if c.lower() != c]
    for letter in "scriptda":
        by_re = set(re.findall(letter, every, re.I))
        by_lower = {letter} | {c for c in cased if c.lower() == letter}
        for c in by_re ^ by_lower:
            word = "script:" if letter in "script" else "data:"
            text = word.replace(letter, c, 1)
            assert might_hold_markup(text) == (_TRIGGER.search(text) is not None), hex(ord(c))
