"""Words of the web application in Vietnamese (first) and English, and how a request picks its language.

The language is the `lang` query parameter when given (the switch in the header sets it), else the `lang`
cookie, else Vietnamese. Words shared with the reports and tables come from `chuanxa.outputs.labels`.
"""

from __future__ import annotations

from typing import Any, Final

from chuanxa.messages import Lang
from chuanxa.outputs.labels import LABELS

WORDS: Final[dict[str, dict[Lang, str]]] = {
    "app_name": {"vi": "Chuẩn quốc gia về y tế xã", "en": "National commune-health criteria"},
    "skip": {"vi": "Bỏ qua đến nội dung chính", "en": "Skip to main content"},
    "language": {"vi": "Ngôn ngữ", "en": "Language"},
    "switch_to": {"vi": "English", "en": "Tiếng Việt"},
    "nav": {"vi": "Điều hướng chính", "en": "Main navigation"},
    "overview": {"vi": "Tổng quan tỉnh", "en": "Province overview"},
    "whatif": {"vi": "Mô phỏng", "en": "What-if"},
    "whatif_title": {"vi": "Mô phỏng: nếu thay đổi số liệu thì sao?", "en": "What-if: what if the data changed?"},
    "whatif_help": {"vi": "Sửa một giá trị: điểm, kết luận và phần còn thiếu được tính lại ngay, không tải lại trang.",
                    "en": "Change a value: points, verdict and gaps are recomputed at once, without reloading the page."},
    "plan": {"vi": "Lộ trình", "en": "Plan"},
    "import": {"vi": "Nhập số liệu", "en": "Import"},
    "reports": {"vi": "Báo cáo", "en": "Reports"},
    "rulesets": {"vi": "Bộ tiêu chí", "en": "Rulesets"},
    "users": {"vi": "Người dùng", "en": "Users"},
    "ruleset_overlays": {"vi": "Bộ tiêu chí hiệu chỉnh", "en": "Corrected rulesets"},
    # How a revision came to be (store.models.Revision.kind).
    "revision_save": {"vi": "lưu", "en": "saved"},
    "revision_import": {"vi": "nhập từ tệp", "en": "imported"},
    "revision_conflict": {"vi": "lưu trùng (bản cũ được giữ)", "en": "stale save (kept)"},
    "revision_ruleset": {"vi": "đổi bộ tiêu chí áp dụng", "en": "ruleset in force changed"},
    "sign_in": {"vi": "Đăng nhập", "en": "Sign in"},
    "sign_out": {"vi": "Đăng xuất", "en": "Sign out"},
    "print": {"vi": "In trang này", "en": "Print this page"},
    "recompute": {"vi": "Tính lại", "en": "Recompute"},
    "save_draft": {"vi": "Lưu nháp", "en": "Save draft"},
    "submit": {"vi": "Gửi thẩm định", "en": "Submit for appraisal"},
    "check": {"vi": "Kiểm tra và chấm điểm", "en": "Check and score"},
    "commune_info": {"vi": "Thông tin xã", "en": "Commune"},
    "name": {"vi": "Tên xã", "en": "Name"},
    "province": {"vi": "Tỉnh", "en": "Province"},
    "terrain": {"vi": "Địa hình", "en": "Terrain"},
    "distance_km": {"vi": "Khoảng cách đến trung tâm (km)", "en": "Distance to the centre (km)"},
    "difficult_terrain": {"vi": "Địa hình đặc biệt khó khăn", "en": "Especially difficult terrain"},
    "year": {"vi": "Năm đánh giá", "en": "Assessment year"},
    "not_chosen": {"vi": "— chưa nhập —", "en": "— not entered —"},
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "range": {"vi": "Khoảng hợp lệ", "en": "Valid range"},
    "blank_is_missing": {"vi": "Để trống nghĩa là chưa có số liệu (không tính là 0).", "en": "Leave blank when there is no data (blank is never counted as 0)."},
    "errors_found": {"vi": "Có {count} ô chưa đúng. Xem thông báo ngay dưới từng ô.", "en": "{count} fields need attention. See the message under each field."},
    "score_sheet": {"vi": "Biểu chấm điểm", "en": "Score sheet"},
    "result": {"vi": "Kết quả", "en": "Result"},
    "points_of": {"vi": "{points} / {max} điểm", "en": "{points} of {max} points"},
    "gaps_title": {"vi": "Việc cần làm để đạt chuẩn", "en": "What is missing to reach the standard"},
    "no_gaps": {"vi": "Không còn thiếu gì.", "en": "Nothing is missing."},
    "provisional_mark": {"vi": "tạm thời", "en": "provisional"},
    "changed_from": {"vi": "trước: {value}", "en": "before: {value}"},
    "verdict_before": {"vi": "Kết luận trước khi thay đổi", "en": "Verdict before the changes"},
    "assessed_points": {"vi": "Điểm thẩm định", "en": "Assessed points"},
    "assessed_help": {"vi": "Điểm do đoàn thẩm định chấm (0 đến tối đa, theo bước).", "en": "Points the appraisal team awards (0 to the maximum, by its step)."},
    "choose_ruleset": {"vi": "Bộ tiêu chí áp dụng", "en": "Ruleset"},
    "open": {"vi": "Mở", "en": "Open"},
    "compare": {"vi": "So sánh", "en": "Compare"},
    "compare_title": {"vi": "So sánh hai phiên bản bộ tiêu chí", "en": "Compare two ruleset versions"},
    "old_version": {"vi": "Phiên bản cũ", "en": "Older version"},
    "new_version": {"vi": "Phiên bản mới", "en": "Newer version"},
    "no_changes": {"vi": "Hai phiên bản giống nhau.", "en": "The two versions are the same."},
    "provisional_list": {"vi": "Chỉ tiêu tạm thời (chưa đối chiếu văn bản gốc)", "en": "Provisional indicators (not checked against the official text)"},
    "none": {"vi": "Không có.", "en": "None."},
    "inputs": {"vi": "Số liệu cần nhập", "en": "Data to enter"},
    "legal_basis": {"vi": "Căn cứ pháp lý", "en": "Legal basis"},
    "chart_criteria": {"vi": "Điểm từng tiêu chí (% điểm tối đa)", "en": "Points per criterion (% of maximum)"},
    "chart_minimum": {"vi": "- - - ngưỡng tổng điểm để đạt chuẩn: {points}", "en": "- - - total points needed: {points}"},
    "chart_trend": {"vi": "Tổng điểm qua các năm", "en": "Total points over the years"},
    "chart_target": {"vi": "Số xã đạt chuẩn so với chỉ tiêu", "en": "Recognised communes against the target"},
    "not_found": {"vi": "Không tìm thấy trang này.", "en": "This page does not exist."},
    "bad_request": {"vi": "Yêu cầu không hợp lệ.", "en": "The request is not valid."},
    "csrf_failed": {"vi": "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang rồi thử lại.",
                    "en": "The session expired or the form is not valid. Reload the page and try again."},
    "example_commune": {"vi": "Bắt đầu từ xã mẫu", "en": "Start from the example commune"},
    "costs_file": {"vi": "Tệp chi phí (YAML)", "en": "Costs file (YAML)"},
    "plan_title": {"vi": "Lộ trình rẻ nhất để đạt chuẩn", "en": "Cheapest path to recognition"},
    "plan_none": {"vi": "Không tìm được lộ trình với các chi phí đã cho.", "en": "No path was found with the given costs."},
    "plan_already": {"vi": "Xã đã đạt chuẩn: không cần thay đổi.", "en": "The commune is already recognised: nothing to change."},
    "cost": {"vi": "Chi phí", "en": "Cost"},
    "step": {"vi": "Bước", "en": "Step"},
    "total_cost": {"vi": "Tổng chi phí", "en": "Total cost"},
}


def word(key: str, lang: Lang, **params: Any) -> str:
    """The word for `key` in `lang` (from the web table, else the shared table of renderers)."""
    entry = WORDS.get(key) or LABELS.get(key)
    if entry is None:
        return key
    text = entry[lang]
    return text.format(**params) if params else text


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """The request's language: `?lang=` first, then the cookie, then Vietnamese."""
    for candidate in (query, cookie):
        if candidate in ("vi", "en"):
            return candidate  # type: ignore[return-value]
    return "vi"


__all__ = ["WORDS", "pick_lang", "word"]
