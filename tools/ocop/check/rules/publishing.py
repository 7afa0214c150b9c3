"""Rules found while publishing (a step of `ocop build`, not of `ocop validate`). They are registered
here, with the checks, so that the rule catalogue is the same in every process and `ocop rules` lists
them without importing the renderers. The family has no check function."""

from __future__ import annotations

from ocop.findings import rule

DOC_RENDER = rule("DOC-RENDER", "error", "Không xuất được văn bản Kế hoạch",
                  "`ocop build` xuất mỗi Kế hoạch ra DOCX và PDF; một Kế hoạch không xuất được làm bản dựng thất bại "
                  "(các Kế hoạch khác vẫn được xuất) thay vì lặng lẽ mất nút tải văn bản.",
                  example="trình dựng PDF (Typst) báo lỗi với nội dung của plans/kh-ha-noi-2021-146.yaml",
                  fix="Đọc thông báo lỗi, sửa nội dung Kế hoạch hoặc báo lỗi cho nhóm phát triển.", family="documents", fixed="sửa nội dung được chỉ ra; ocop build xuất đủ DOCX và PDF của mọi Kế hoạch")
