"""GTIN check digits (GS1 mod 10) on GTIN-8, -12, -13 and -14."""

from __future__ import annotations

import pytest

from ocop.model.gs1 import check_digit, gtin14, gtin_valid


@pytest.mark.parametrize("gtin", ["96385074", "036000291452", "8934567000017", "00012345600012", "8939999900010"])
def test_valid(gtin: str):
    assert gtin_valid(gtin)


@pytest.mark.parametrize("gtin", ["96385075", "036000291453", "8934567000013", "00012345600013",
                                  "893456700001", "8934567O00017", "", "123456789012345"])
def test_invalid(gtin: str):
    assert not gtin_valid(gtin)


def test_check_digit_and_fourteen_digits():
    assert check_digit("893456700001") == 7
    assert check_digit("0001234560001") == 2
    assert gtin14("96385074") == "00000096385074"
