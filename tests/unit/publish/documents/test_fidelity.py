"""The sample plans carry what their source documents say, and say so where the source is blank."""

from __future__ import annotations

import docx
import pytest

from ocop.publish.documents.compose import SOURCE_BLANK, signature_lines

HA_NOI = "kh-ha-noi-2021-146"


def _texts(blocks: list) -> list[str]:
    out = []
    for block in blocks or []:
        if isinstance(block, str):
            out.append(block)
        else:
            for item in block.get("items", []):
                out += [item] if isinstance(item, str) else [item["text"], *_texts([{"items": item.get("items", [])}])]
    return out


def test_ha_noi_says_where_the_source_is_blank(plans: dict) -> None:
    plan = plans[HA_NOI]
    duties = {a["agency"]: _texts(a["duties"]) for a in plan["assignments"]}
    assert [duties[name] for name in list(duties)[1:4]] == [[SOURCE_BLANK]] * 3  # "2. Sở Công Thương:" is blank
    assert plan["preamble"] == SOURCE_BLANK and "legal_bases" not in plan


def test_ha_noi_appendix_keeps_the_source_numbering(plans: dict) -> None:
    rows = plans[HA_NOI]["appendices"][0]["rows"]
    assert [r.get("stt") or r["group"] for r in rows] == [*map(str, range(1, 10)), "IV", *map(str, range(10, 22))]
    blank = [r["stt"] for r in rows if r.get("task") == SOURCE_BLANK]
    assert {"1", "3", "9", "11", "12", "13", "21"} <= set(blank)  # no task in the source: none invented
    assert all(r.get("lead") for r in rows if not r.get("group"))


def test_ha_noi_sections_keep_the_source_numbers(plans: dict) -> None:
    content = plans[HA_NOI]["sections"][1]["sections"]
    assert [s["number"] for s in content] == ["1.", "2.", "4.", "5.", "6.", "7."]  # the source has no 3.


def test_dong_thap_and_hai_duong_carry_no_invented_headings(plans: dict, rendered: dict) -> None:
    dong_thap = " ".join(p.text for p in docx.Document(str(rendered["kh-dong-thap-2018-226"]["docx"])).paragraphs)
    assert "Sáu nhóm sản phẩm" not in dong_thap and "gồm 06 nhóm:" in dong_thap
    assert "Yêu cầu các sở, ngành tỉnh" in dong_thap and "của Chính phủ về phát triển ngành nghề nông thôn" in dong_thap
    assert "báo cáo kết quả thực hiện nhiệm vụ của đơn vị về Sở" in dong_thap
    hai_duong = [p.text for p in docx.Document(str(rendered["kh-hai-phong-2023-hai-duong-1366"]["docx"])).paragraphs]
    assert not any("Các mục tiêu khác" in text for text in hai_duong)
    digital = next(i for i, text in enumerate(hai_duong) if text.startswith("- Chuyển đổi số"))
    annual = next(i for i, text in enumerate(hai_duong) if text.endswith("Hằng năm"))
    assert digital > annual  # the source's last bullets of 3.2, after "Hằng năm", under no heading of their own


@pytest.mark.parametrize("pid", ["kh-dong-thap-2018-226", HA_NOI, "kh-hai-phong-2023-hai-duong-1366"])
def test_an_issued_plan_names_its_signer_or_says_the_source_does_not(plans: dict, pid: str) -> None:
    plan = plans[pid]
    lines, signer = signature_lines(plan)
    if plan["signature"].get("unknown"):
        assert signer == SOURCE_BLANK
    else:
        assert plan["signature"]["position"] in lines and signer == plan["signature"]["signer"]["name"]


def test_schema_refuses_an_issued_plan_without_signer(plans: dict) -> None:
    import jsonschema

    from ocop.model.schemas import SCHEMA_DIR, load_schemas

    schemas = load_schemas(SCHEMA_DIR)
    registry = {f"{name}.schema.json": s for name, s in schemas.items()}
    from referencing import Registry, Resource

    refs = Registry().with_resources((uri, Resource.from_contents(s)) for uri, s in registry.items())
    validator = jsonschema.Draft202012Validator(schemas["plan"], registry=refs)
    plan = plans[HA_NOI]
    assert validator.is_valid(plan)
    assert not validator.is_valid({**plan, "signature": {"authority": ["TM. ỦY BAN NHÂN DÂN"]}})
    assert validator.is_valid({**plan, "signature": {"authority": ["TM. ỦY BAN NHÂN DÂN"], "position": "CHỦ TỊCH",
                                                      "signer": {"name": "Nguyễn Văn A"}}})
