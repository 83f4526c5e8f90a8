"""Words of tables and headings in Vietnamese and English (one catalogue for every renderer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from chuanxa.messages import Lang
from chuanxa.wording import criterion_share, percent

LABELS: Final[dict[str, dict[Lang, str]]] = {
    "ref": {"vi": "Bộ tiêu chí", "en": "Ruleset"},
    "title": {"vi": "Tên", "en": "Title"},
    "effective": {"vi": "Hiệu lực từ", "en": "Effective"},
    "until": {"vi": "Đến", "en": "Until"},
    "extends": {"vi": "Mở rộng từ", "en": "Extends"},
    "origin": {"vi": "Nguồn", "en": "Origin"},
    "bundled": {"vi": "có sẵn", "en": "bundled"},
    "criterion": {"vi": "Tiêu chí", "en": "Criterion"},
    "indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "kind": {"vi": "Loại", "en": "Kind"},
    "max": {"vi": "Điểm tối đa", "en": "Max"},
    "points": {"vi": "Điểm", "en": "Points"},
    "floor": {"vi": "Tối thiểu", "en": "Floor"},  # the share is the ruleset's (`floor_share`), never written here
    "rule": {"vi": "Quy tắc", "en": "Rule"},
    "provisional": {"vi": "Tạm thời", "en": "Provisional"},
    "knockout": {"vi": "Điểm liệt", "en": "Knock-out"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "source": {"vi": "Căn cứ", "en": "Source"},
    "status": {"vi": "Kết quả", "en": "Status"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "threshold": {"vi": "Ngưỡng áp dụng", "en": "Threshold used"},
    "commune": {"vi": "Xã", "en": "Commune"},
    "code": {"vi": "Mã xã", "en": "Code"},
    "zone": {"vi": "Vùng", "en": "Zone"},
    "region": {"vi": "Vùng KT-XH", "en": "Region"},
    "total": {"vi": "Tổng điểm", "en": "Total"},
    "share": {"vi": "Tỷ lệ", "en": "Share"},
    "verdict": {"vi": "Kết luận", "en": "Verdict"},
    "reasons": {"vi": "Lý do", "en": "Reasons"},
    "gaps": {"vi": "Còn thiếu", "en": "Gaps"},
    "blocks": {"vi": "Ảnh hưởng", "en": "Blocks"},
    "yes": {"vi": "có", "en": "yes"},
    "zone_given": {"vi": "do tỉnh xác định", "en": "given"},
    "zone_derived": {"vi": "suy ra theo quy tắc phân vùng", "en": "derived"},
    "zone_unknown": {"vi": "chưa xác định được", "en": "unknown"},
    "no": {"vi": "không", "en": "no"},
    "met_floor": {"vi": "đạt", "en": "met"},
    "below_floor": {"vi": "dưới mức", "en": "below"},
    "errors": {"vi": "Lỗi", "en": "Errors"},
    "row": {"vi": "Hàng", "en": "Row"},
    "change": {"vi": "Thay đổi", "en": "Change"},
    "before": {"vi": "Trước", "en": "Before"},
    "after": {"vi": "Sau", "en": "After"},
    "added": {"vi": "thêm", "en": "added"},
    "removed": {"vi": "bỏ", "en": "removed"},
    "changed": {"vi": "sửa", "en": "changed"},
    "provisional_notice": {
        "vi": "Lưu ý: {count} chỉ tiêu đang dùng nội dung TẠM THỜI (chưa đối chiếu văn bản gốc){decides}.",
        "en": "Note: {count} indicators use PROVISIONAL content (not checked against the official text){decides}.",
    },
    "provisional_decides": {"vi": "; kết luận có thể thay đổi khi các chỉ tiêu này được hiệu chỉnh", "en": "; the verdict could change once they are corrected"},
}

STATUS: Final[dict[str, dict[Lang, str]]] = {
    "met": {"vi": "đạt", "en": "met"},
    "partly_met": {"vi": "đạt một phần", "en": "partly met"},
    "not_met": {"vi": "không đạt", "en": "not met"},
    "missing_data": {"vi": "thiếu số liệu", "en": "missing data"},
    "not_applicable": {"vi": "không áp dụng", "en": "not applicable"},
    "assessed": {"vi": "thẩm định", "en": "assessed"},
}

VERDICT: Final[dict[str, dict[Lang, str]]] = {
    "recognised": {"vi": "ĐẠT chuẩn", "en": "RECOGNISED"},
    "not_recognised": {"vi": "CHƯA ĐẠT chuẩn", "en": "NOT RECOGNISED"},
    "incomplete": {"vi": "CHƯA ĐỦ SỐ LIỆU", "en": "INCOMPLETE"},
}

#: Why a commune is not recognised, in a few words (summaries carry codes, not sentences).
FAILURE: Final[dict[str, dict[Lang, str]]] = {
    "KNOCKOUT_FAILED": {"vi": "không đạt chỉ tiêu điểm liệt", "en": "a knock-out indicator failed"},
    "CRITERION_BELOW_FLOOR": {"vi": "có tiêu chí dưới mức tối thiểu", "en": "a criterion below its floor"},
    "TOTAL_BELOW_MINIMUM": {"vi": "tổng điểm dưới mức tối thiểu", "en": "total below the minimum"},
    "MISSING_DATA": {"vi": "thiếu số liệu", "en": "data missing"},
}


def failure_word(code: str, lang: Lang) -> str:
    return FAILURE[code][lang]


def floor_share(items: Iterable[Any]) -> str | None:
    """The criterion floor of the ruleset behind `items` (results or summaries) as a share, e.g. "50%": the
    ruleset's own (its stamp), so a ruleset with another floor is shown with its own."""
    for item in items:
        share = criterion_share(item.ruleset, item.criteria)
        if share is not None:
            return percent(share)
    return None


def floor_header(items: Iterable[Any], lang: Lang) -> str:
    """The column of criteria below their floor: "TC < 50%" (or without a share when there is nothing to read it from)."""
    share = floor_share(items)
    if share is None:
        return "TC dưới mức tối thiểu" if lang == "vi" else "Criteria below floor"
    return f"TC < {share}" if lang == "vi" else f"Criteria < {share}"


def label(key: str, lang: Lang, **params: object) -> str:
    return LABELS[key][lang].format(**params) if params else LABELS[key][lang]


def status_word(status: str, lang: Lang) -> str:
    return STATUS[status][lang]


def verdict_word(verdict: str, lang: Lang) -> str:
    return VERDICT[verdict][lang]
