"""Vietnamese labels for codes that appear in records (groups, states, producer types, …)."""

from __future__ import annotations

GROUPS = {
    "thuc_pham": "Thực phẩm",
    "do_uong": "Đồ uống",
    "duoc_lieu": "Dược liệu và sản phẩm từ dược liệu",
    "thu_cong_my_nghe": "Hàng thủ công mỹ nghệ",
    "sinh_vat_canh": "Sinh vật cảnh",
    "du_lich": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
    # 1048/2019 groups, kept readable for legacy records
    "thao_duoc": "Thảo dược (bộ tiêu chí 1048)",
    "vai_may_mac": "Vải và may mặc (bộ tiêu chí 1048)",
    "luu_niem_noi_that_trang_tri": "Lưu niệm – nội thất – trang trí (bộ tiêu chí 1048)",
    "du_lich_nong_thon_ban_hang": "Dịch vụ du lịch nông thôn, bán hàng (bộ tiêu chí 1048)",
}
GROUP_ORDER = list(GROUPS)
# The public site names no legal instrument a shopper cannot know ("1048"); officers' forms keep GROUPS.
PUBLIC_GROUPS = {code: label.replace(" (bộ tiêu chí 1048)", " (phân loại trước 2023)") for code, label in GROUPS.items()}
CRITERIA_SETS = {"148/2023": "Bộ tiêu chí hiện hành (ban hành năm 2023)",
                 "1048/2019": "Bộ tiêu chí trước 24/02/2023 (ban hành năm 2019)"}

STATES = {
    "valid": "Hiệu lực",
    "expiring": "Sắp hết hạn",
    "expired": "Hết hạn",
    "revoked": "Bị thu hồi",
    "superseded": "Đã thay thế",
    "none": "Chưa có giấy chứng nhận",
}
STATE_ORDER = list(STATES)

PRODUCER_TYPES = {
    "doanh_nghiep": "Doanh nghiệp",
    "htx": "Hợp tác xã",
    "to_hop_tac": "Tổ hợp tác",
    "ho_kinh_doanh": "Hộ kinh doanh",
}

CHANNEL_TYPES = {
    "website": "Trang web",
    "ecommerce": "Sàn thương mại điện tử",
    "store": "Cửa hàng",
    "fair": "Hội chợ",
    "other": "Kênh khác",
}

ENTRY_ACTIONS = {
    "new": "Công nhận mới",
    "re_recognition": "Công nhận lại",
    "upgrade": "Nâng hạng",
}

GROUNDS = {
    "not_reevaluated": "Không đánh giá lại đúng hạn",
    "failed_mandatory": "Không đạt tiêu chí bắt buộc",
    "breach": "Vi phạm quy chế quản lý sản phẩm OCOP",
    "other": "Lý do khác",
}

DECISION_TYPES = {"recognition": "Công nhận", "revocation": "Thu hồi"}

ISSUER_LEVELS = {"central": "Trung ương", "province": "Cấp tỉnh", "district": "Cấp huyện"}

IP_TYPES = {
    "geographical_indication": "Chỉ dẫn địa lý",
    "trademark": "Nhãn hiệu",
    "collective_trademark": "Nhãn hiệu tập thể",
    "certification_mark": "Nhãn hiệu chứng nhận",
}

PARTS = {"A": "Phần A – Sản phẩm và sức mạnh cộng đồng", "B": "Phần B – Khả năng tiếp thị",
         "C": "Phần C – Chất lượng sản phẩm"}


def label(table: dict[str, str], key: object) -> str:
    """The label for a code, or the code itself: an unknown value still shows (escaped) rather than vanishing."""
    return table.get(key, str(key)) if isinstance(key, str) else ""


def stars(n: object) -> str:
    return "★" * n if isinstance(n, int) and 0 < n <= 5 else ""

# tasks[].status of a plan's task rows (schemas/plan.schema.json $defs/task_row): what the progress report shows.
TASK_STATUSES = {
    "not_started": "Chưa triển khai",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "overdue": "Quá hạn, chưa hoàn thành",
    "dropped": "Không thực hiện",
}
