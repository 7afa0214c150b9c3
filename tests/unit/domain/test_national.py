"""The national system's product types and the registry's groups (domain/data/national-types.yaml), and the table
that documents them in docs-src/interfaces.md."""

from __future__ import annotations

import re

from ocop.domain import national
from ocop_testing import REPO

GROUPS_148 = {"thuc_pham", "do_uong", "duoc_lieu", "thu_cong_my_nghe", "sinh_vat_canh", "du_lich"}
GROUPS_1048 = {"thuc_pham", "do_uong", "thao_duoc", "vai_may_mac", "luu_niem_noi_that_trang_tri",
               "du_lich_nong_thon_ban_hang"}


def test_every_type_maps_to_groups_of_each_criteria_set_and_every_group_back_to_one_type() -> None:
    for criteria, groups in (("148/2023", GROUPS_148), ("1048/2019", GROUPS_1048)):
        mapped = {g for t in national.types() for g in national.groups_of(t, criteria)}
        assert mapped == groups
        for group in groups:  # exported as a type that imports back to (among others) the same group
            assert group in national.groups_of(national.type_of(group, criteria), criteria)
    # 1048's groups are the national types: one to one, both ways
    assert all(len(national.groups_of(t, "1048/2019")) == 1 for t in national.types())
    assert national.groups_of("keepsake", "148/2023") == ("thu_cong_my_nghe", "sinh_vat_canh")
    assert national.groups_of("toys", "148/2023") == ()


def test_the_documented_table_is_the_data() -> None:
    text = (REPO / "docs-src" / "interfaces.md").read_text("utf-8")
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` [^|]*\| ([^|]*)\| ([^|]*)\|$", text, re.M)
    assert [r[0] for r in rows] == list(national.types())
    for national_type, group_1048, cell_148, _export in rows:
        assert national.groups_of(national_type, "1048/2019") == (group_1048,)
        assert tuple(re.findall(r"`(\w+)`", cell_148)) == national.groups_of(national_type, "148/2023")
    exports = {}
    for *_, cell in rows:
        groups, arrow, national_type = cell.partition("→")
        if arrow:
            exports |= dict.fromkeys(re.findall(r"`(\w+)`", groups), national_type.strip(" `"))
    assert exports == {g: national.type_of(g, "148/2023") for g in GROUPS_148}
