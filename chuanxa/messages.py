"""The message catalogue: every sentence a user can see, in Vietnamese and English.

Messages are templates with named placeholders, filled from an error's attributes, so that the location
and the values stay data and the wording stays in one place.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["vi", "en"]
LANGS: Final[tuple[Lang, ...]] = ("vi", "en")

CATALOGUE: Final[dict[str, dict[Lang, str]]] = {
    # --- reading YAML ---
    "yaml.syntax": {
        "vi": "Tệp YAML không đọc được: {detail_vi}.",
        "en": "The YAML file cannot be read: {detail}.",
    },
    "yaml.bad_date": {
        "vi": "'{text}' không phải là một ngày có thật (viết ngày dạng YYYY-MM-DD, ví dụ 2023-03-20).",
        "en": "'{text}' is not a real date (write dates as YYYY-MM-DD, e.g. 2023-03-20).",
    },
    "yaml.bad_scalar": {
        "vi": "Giá trị '{text}' không đọc được ({detail}).",
        "en": "The value '{text}' cannot be read ({detail}).",
    },
    "yaml.duplicate_key": {
        "vi": "Khóa '{key}' xuất hiện hai lần (lần đầu ở dòng {first_line}). Hãy xóa hoặc đổi tên một trong hai.",
        "en": "The key '{key}' appears twice (first at line {first_line}). Remove or rename one of them.",
    },
    "yaml.not_mapping": {
        "vi": "Tệp phải là một bảng khóa: giá trị (mapping) ở cấp cao nhất.",
        "en": "The file must hold a mapping (key: value) at its top level.",
    },
    "file.unreadable": {
        "vi": "Không mở được tệp: {detail_vi}.",
        "en": "The file cannot be opened: {detail}.",
    },
    "results.unreadable": {
        "vi": "Đây không phải là tệp kết quả JSON của chuanxa đọc được ({detail}). Hãy dùng tệp do 'chuanxa batch -o TỆP.json' ghi ra.",
        "en": "This is not a chuanxa results JSON file that can be read ({detail}). Use a file written by 'chuanxa batch -o FILE.json'.",
    },
    # --- ruleset model ---
    "ruleset.invalid_field": {
        "vi": "Giá trị không hợp lệ: {detail_vi}.",
        "en": "Invalid value: {detail}.",
    },
    "ruleset.unknown_kind": {
        "vi": "'{key}: {value}' không phải là loại đã biết. Dùng một trong: {allowed}.",
        "en": "'{key}: {value}' is not a known kind. Use one of: {allowed}.",
    },
    "ruleset.folder_missing": {
        "vi": "Không có thư mục bộ tiêu chí '{folder}'.",
        "en": "The ruleset folder '{folder}' does not exist.",
    },
    "ruleset.overlay_caused": {
        "vi": "Các lỗi dưới đây xuất hiện sau khi áp dụng tệp {overlay} lên {base} (bộ gốc tự nó hợp lệ): hãy sửa các thay đổi trong {overlay}.",
        "en": "The errors below appear once {overlay} is applied to {base} (the base alone is valid): correct the changes in {overlay}.",
    },
    "ruleset.overlay_new_item": {
        "vi": "Mã '{id}' không có trong bộ gốc, nên đây là một mục mới và cần đủ các khóa (thiếu: {missing}). Nếu muốn sửa một mục có sẵn, hãy dùng đúng mã của nó.",
        "en": "'{id}' is not in the base, so this is a new item and needs all its keys (missing: {missing}). To change an existing item, use its id.",
    },
    "ruleset.bad_as_of": {
        "vi": "'{value}' không phải là một ngày hay năm đánh giá có thật. Viết năm (2024) hoặc ngày dạng YYYY-MM-DD hay DD/MM/YYYY.",
        "en": "'{value}' is not a real assessment date or year. Write a year (2024) or a date as YYYY-MM-DD or DD/MM/YYYY.",
    },
    "ruleset.unknown_key": {
        "vi": "Khóa '{key}' không được phép ở đây.",
        "en": "The key '{key}' is not allowed here.",
    },
    "ruleset.missing_key": {
        "vi": "Thiếu khóa bắt buộc '{key}'.",
        "en": "The required key '{key}' is missing.",
    },
    "ruleset.unknown_input": {
        "vi": "Chỉ tiêu {owner} đọc dữ liệu '{name}' nhưng dữ liệu này chưa được khai báo trong 'inputs'.",
        "en": "Indicator {owner} reads the input '{name}', which is not declared under 'inputs'.",
    },
    "ruleset.indicator_points": {
        "vi": "Tổng điểm các chỉ tiêu của tiêu chí {criterion} là {actual}, nhưng điểm tối đa của tiêu chí là {expected}.",
        "en": "The indicators of criterion {criterion} add up to {actual} points, but the criterion's maximum is {expected}.",
    },
    "ruleset.criteria_points": {
        "vi": "Tổng điểm các tiêu chí là {actual}, nhưng tổng điểm của bộ tiêu chí là {expected}.",
        "en": "The criteria add up to {actual} points, but the ruleset's total is {expected}.",
    },
    "ruleset.duplicate_id": {
        "vi": "Mã {what_vi} '{id}' bị trùng (đã dùng ở {first}).",
        "en": "The {what} id '{id}' is used twice (first at {first}).",
    },
    "ruleset.level_points": {
        "vi": "Mức điểm {points} của chỉ tiêu {indicator} nằm ngoài khoảng 0 đến {max}.",
        "en": "Level points {points} of indicator {indicator} lie outside 0 to {max}.",
    },
    "ruleset.best_level": {
        "vi": "Mức cao nhất của chỉ tiêu {indicator} cho {best} điểm, nhưng điểm tối đa là {max}.",
        "en": "The best level of indicator {indicator} gives {best} points, but its maximum is {max}.",
    },
    "ruleset.kind_field": {
        "vi": "Chỉ tiêu {indicator} loại '{kind}' {problem}.",
        "en": "Indicator {indicator} of kind '{kind}' {problem_en}.",
    },
    "ruleset.input_type": {
        "vi": "Chỉ tiêu {indicator} so sánh '{name}' (kiểu {actual}) với {threshold}; kiểu này không so sánh được bằng '{op}'.",
        "en": "Indicator {indicator} compares '{name}' (of type {actual}) with {threshold}; that type cannot be compared with '{op}'.",
    },
    "ruleset.table_keys": {
        "vi": "Bảng ngưỡng theo {by_vi} phải có đúng mỗi vùng một giá trị. Thiếu: {missing}. Thừa: {extra}.",
        "en": "A threshold table by {by} must give exactly one value per {by}. Missing: {missing}. Unknown: {extra}.",
    },
    "ruleset.weight_input": {
        "vi": "Dữ liệu '{name}' gộp theo trung bình có trọng số '{weight}', nhưng '{weight}' {problem}.",
        "en": "The input '{name}' merges as a mean weighted by '{weight}', but '{weight}' {problem_en}.",
    },
    "ruleset.choices_missing": {
        "vi": "Dữ liệu '{name}' kiểu lựa chọn (choice) phải liệt kê 'choices'.",
        "en": "The choice input '{name}' must list its 'choices'.",
    },
    "ruleset.bad_extends": {
        "vi": "'extends: {ref}' không trỏ tới bộ tiêu chí nào đã biết.",
        "en": "'extends: {ref}' names no known ruleset.",
    },
    "ruleset.extends_cycle": {
        "vi": "Chuỗi 'extends' bị vòng lặp: {chain}.",
        "en": "The 'extends' chain loops: {chain}.",
    },
    "ruleset.remove_unknown": {
        "vi": "Không thể xóa '{id}': bộ gốc không có mục này.",
        "en": "Cannot remove '{id}': the base has no such item.",
    },
    "ruleset.overlapping_dates": {
        "vi": "Các phiên bản {a} và {b} của bộ '{family}' có hiệu lực chồng lên nhau (từ {start} đến {end}).",
        "en": "Versions {a} and {b} of '{family}' are in force over the same days ({start} to {end}).",
    },
    "ruleset.duplicate_version": {
        "vi": "Bộ tiêu chí {ref} được khai báo hai lần: {first} và {second}.",
        "en": "The ruleset {ref} is declared twice: {first} and {second}.",
    },
    "ruleset.dates_order": {
        "vi": "Ngày hết hiệu lực {until} đứng trước ngày có hiệu lực {effective}.",
        "en": "The end date {until} comes before the effective date {effective}.",
    },
    "ruleset.version_date": {
        "vi": "Phiên bản {version} phải trùng ngày có hiệu lực {effective}.",
        "en": "The version {version} must equal the effective date {effective}.",
    },
    "ruleset.not_found": {
        "vi": "Không tìm thấy bộ tiêu chí '{ref}'. Các bộ hiện có: {known}.",
        "en": "No ruleset '{ref}'. Known rulesets: {known}.",
    },
    "ruleset.bad_reference": {
        "vi": "'{ref}' không phải là tên bộ tiêu chí hợp lệ. Ví dụ đúng: qd1300 hoặc qd1300@2023-03-20.",
        "en": "'{ref}' is not a ruleset reference. Examples: qd1300 or qd1300@2023-03-20.",
    },
    "ruleset.none_in_force": {
        "vi": "Không có phiên bản nào của bộ '{family}' có hiệu lực vào ngày {as_of}. Các phiên bản: {versions}.",
        "en": "No version of '{family}' is in force on {as_of}. Versions: {versions}.",
    },
    "ruleset.no_default": {
        "vi": "Không có bộ tiêu chí mặc định đang có hiệu lực vào ngày {as_of}.",
        "en": "No default ruleset is in force on {as_of}.",
    },
    # --- test cases as data (chuanxa rulesets test) ---
    "cases.no_ruleset": {
        "vi": "Không rõ ca '{case}' dùng bộ tiêu chí nào: ghi 'ruleset: qd1300@2023-03-20' ở đầu tệp, hoặc đặt tên tệp theo bộ tiêu chí (qd1300_2023-03-20.cases.yaml).",
        "en": "Which ruleset case '{case}' uses is not said: write 'ruleset: qd1300@2023-03-20' at the top of the file, or name the file after the ruleset (qd1300_2023-03-20.cases.yaml).",
    },
    "cases.unknown_indicator": {
        "vi": "Ca '{case}' nêu kết quả của chỉ tiêu '{id}', nhưng {ruleset} không có chỉ tiêu này.",
        "en": "Case '{case}' expects a result for indicator '{id}', but {ruleset} has no such indicator.",
    },
    "cases.unknown_criterion": {
        "vi": "Ca '{case}' nêu kết quả của tiêu chí '{id}', nhưng {ruleset} không có tiêu chí này.",
        "en": "Case '{case}' expects a result for criterion '{id}', but {ruleset} has no such criterion.",
    },
    "cases.none_found": {
        "vi": "Không tìm thấy tệp ca kiểm thử (*.cases.yaml) trong {path}.",
        "en": "No test-case files (*.cases.yaml) found in {path}.",
    },
    "cases.difference": {
        "vi": "{what}: mong đợi {expected}, thực tế {actual}",
        "en": "{what}: expected {expected}, got {actual}",
    },
    "cases.summary": {
        "vi": "{total} ca: {passed} đạt, {failed} không đạt.",
        "en": "{total} case(s): {passed} passed, {failed} failed.",
    },
    # --- the score sheet in and out of Excel (chuanxa rulesets export / import) ---
    "sheet.not_exported": {
        "vi": "Tệp này không phải bảng điểm do chuanxa xuất (thiếu trang ẩn '{sheet}'). Hãy xuất bằng 'chuanxa rulesets export ID -o bang-diem.xlsx' rồi sửa trên tệp đó.",
        "en": "This file is not a score sheet exported by chuanxa (the hidden sheet '{sheet}' is missing). Export one with 'chuanxa rulesets export ID -o bang-diem.xlsx' and edit that file.",
    },
    "sheet.base_changed": {
        "vi": "Bảng điểm được xuất từ {ref} có mã băm {expected}, nhưng {ref} hiện có nội dung khác (mã băm {actual}). Hãy xuất lại bảng điểm và chép các sửa đổi sang.",
        "en": "The sheet was exported from {ref} with hash {expected}, but {ref} now has other content (hash {actual}). Export the sheet again and copy your corrections over.",
    },
    "sheet.missing_sheet": {
        "vi": "Không có trang '{sheet}' trong tệp (đừng đổi tên hay xóa trang này).",
        "en": "The workbook has no sheet '{sheet}' (do not rename or delete it).",
    },
    "sheet.header_changed": {
        "vi": "Tiêu đề cột đã bị đổi: ô này phải là '{expected}' (đang là '{actual}'). Đừng thêm, xóa hay đổi tên cột.",
        "en": "A column heading was changed: this cell must read '{expected}' (it reads '{actual}'). Do not add, delete or rename columns.",
    },
    "sheet.unknown_indicator": {
        "vi": "Chỉ tiêu số '{id}' không có trong {ref}. Bảng điểm chỉ sửa các chỉ tiêu sẵn có; thêm chỉ tiêu mới phải viết trong tệp YAML.",
        "en": "Indicator number '{id}' is not in {ref}. The sheet corrects existing indicators only; a new indicator is written in the YAML file.",
    },
    "sheet.unknown_criterion": {
        "vi": "Tiêu chí số '{id}' không có trong {ref}.",
        "en": "Criterion number '{id}' is not in {ref}.",
    },
    "sheet.missing_indicator": {
        "vi": "Dòng của chỉ tiêu {id} ('{title}') đã bị xóa khỏi bảng. Hãy khôi phục dòng này (muốn bỏ một chỉ tiêu thì sửa tệp YAML với remove: true).",
        "en": "The row of indicator {id} ('{title}') was deleted from the sheet. Restore it (to drop an indicator, write remove: true in the YAML file).",
    },
    "sheet.missing_criterion": {
        "vi": "Dòng của tiêu chí {id} ('{title}') đã bị xóa khỏi bảng. Hãy khôi phục dòng này.",
        "en": "The row of criterion {id} ('{title}') was deleted from the sheet. Restore it.",
    },
    "sheet.read_only": {
        "vi": "Cột '{column}' chỉ để đọc (chuanxa tự viết theo các cột khác): lúc xuất là '{expected}', nay là '{actual}'. Hãy sửa ở cột {instead}.",
        "en": "The column '{column}' is read-only (chuanxa writes it from the other columns): exported as '{expected}', now '{actual}'. Make the change in column {instead}.",
    },
    "sheet.provisional_needs_source": {
        "vi": "Chỉ tiêu {id} chỉ được bỏ dấu 'tạm thời' khi ghi căn cứ mới (cột Căn cứ) theo văn bản chính thức.",
        "en": "Indicator {id} may drop its provisional mark only when a new source is written (column Source) from the official text.",
    },
    "sheet.compound_condition": {
        "vi": "Mức này của chỉ tiêu {id} có điều kiện ghép (nhiều dữ liệu), chỉ sửa được trong tệp YAML: hãy để các cột ngưỡng như lúc xuất.",
        "en": "This level of indicator {id} has a compound condition (several inputs), which only the YAML file can change: leave its threshold columns as exported.",
    },
    "sheet.moved_indicator": {
        "vi": "Chỉ tiêu {id} thuộc tiêu chí {criterion} nhưng dòng của nó đã bị chuyển xuống tiêu chí {now}. Chuyển chỉ tiêu sang tiêu chí khác phải sửa trong tệp YAML.",
        "en": "Indicator {id} belongs to criterion {criterion} but its row was moved under criterion {now}. Moving an indicator to another criterion is done in the YAML file.",
    },
    "sheet.orphan_level": {
        "vi": "Dòng mức điểm này không nằm dưới dòng chỉ tiêu nào.",
        "en": "This level row is not under any indicator row.",
    },
    "sheet.no_levels": {
        "vi": "Chỉ tiêu {id} (loại {kind}) không có mức điểm: hãy xóa dòng này.",
        "en": "Indicator {id} (kind {kind}) has no levels: delete this row.",
    },
    "sheet.cell_unused": {
        "vi": "Chỉ tiêu {id} (loại {kind}) không dùng cột '{column}' ở dòng chỉ tiêu: ô này đã bị sửa nhưng sẽ không có tác dụng. Hãy để ô như lúc xuất; quy tắc của loại này sửa trong tệp YAML.",
        "en": "Indicator {id} (kind {kind}) does not use the column '{column_en}' on its indicator row: this cell was edited but would have no effect. Leave it as exported; this kind's rule is edited in the YAML file.",
    },
    "sheet.bad_op": {
        "vi": "Phép so sánh '{value}' không hợp lệ: dùng một trong ≥ > ≤ < = ≠ (hoặc >= <= != ==).",
        "en": "The comparison '{value}' is not valid: use one of ≥ > ≤ < = ≠ (or >= <= != ==).",
    },
    "sheet.bad_mark": {
        "vi": "'{value}' không phải là dấu hợp lệ: đánh 'x' cho có, để trống cho không.",
        "en": "'{value}' is not a valid mark: write 'x' for yes, leave it blank for no.",
    },
    # --- expressions ---
    "expr.syntax": {
        "vi": "Biểu thức '{expr}' sai cú pháp: {detail}.",
        "en": "The expression '{expr}' has a syntax error: {detail}.",
    },
    "expr.forbidden": {
        "vi": "Biểu thức '{expr}' có {what_vi} '{construct}', là phần không được phép. Chỉ dùng số, chuỗi, tên dữ liệu, + - * /, so sánh, and/or/not, in, min/max/abs.",
        "en": "The expression '{expr}' has {what} '{construct}', which is not allowed. Use numbers, strings, input names, + - * /, comparisons, and/or/not, in, min/max/abs.",
    },
    "expr.unknown_name": {
        "vi": "Biểu thức '{expr}' dùng tên '{name}' chưa được khai báo.",
        "en": "The expression '{expr}' uses the name '{name}', which is not declared.",
    },
    "expr.type": {
        "vi": "Biểu thức '{expr}': {detail_vi}.",
        "en": "The expression '{expr}': {detail}.",
    },
    # --- commune data ---
    "data.bad_value": {
        "vi": "Giá trị '{value}' không hợp lệ cho '{label_vi}' ({input}): cần {expected_vi}.",
        "en": "The value '{value}' is not valid for '{label_en}' ({input}): expected {expected}.",
    },
    "data.out_of_bounds": {
        "vi": "Giá trị {value} của '{label_vi}' ({input}) nằm ngoài khoảng cho phép {low} đến {high}.",
        "en": "The value {value} of '{label_en}' ({input}) lies outside the allowed range {low} to {high}.",
    },
    "plan.sweep_size": {
        "vi": "Phép quét có {size} điểm; cần từ 1 đến {max} điểm. Hãy thu hẹp khoảng hoặc tăng bước.",
        "en": "The sweep has {size} points; it needs 1 to {max}. Narrow the ranges or use larger steps.",
    },
    "data.derived_out_of_bounds": {
        "vi": "'{label_vi}' ({input}) tính ra {value} từ {expr}, nằm ngoài khoảng {low} đến {high}: hãy kiểm tra các số liệu thành phần.",
        "en": "'{label_en}' ({input}) comes out as {value} from {expr}, outside {low} to {high}: check the numbers it is computed from.",
    },
    "data.below_minimum": {
        "vi": "Giá trị {value} của '{label_vi}' ({input}) phải từ {low} trở lên.",
        "en": "The value {value} of '{label_en}' ({input}) must be {low} or more.",
    },
    "data.above_maximum": {
        "vi": "Giá trị {value} của '{label_vi}' ({input}) phải không quá {high}.",
        "en": "The value {value} of '{label_en}' ({input}) must be at most {high}.",
    },
    "data.unknown_input": {
        "vi": "Dữ liệu '{name}' không có trong bộ tiêu chí {ruleset}.",
        "en": "'{name}' is not an input of the ruleset {ruleset}.",
    },
    "data.derived_input": {
        "vi": "'{name}' được tính tự động từ {sources}; hãy nhập các số liệu đó thay vì nhập trực tiếp.",
        "en": "'{name}' is computed from {sources}; enter those instead of the value itself.",
    },
    "data.unknown_indicator": {
        "vi": "Chỉ tiêu '{name}' không có trong bộ tiêu chí {ruleset}.",
        "en": "There is no indicator '{name}' in the ruleset {ruleset}.",
    },
    "data.assessed_points": {
        "vi": "Điểm thẩm định {points} của chỉ tiêu {indicator} nằm ngoài khoảng 0 đến {max}{step_vi}.",
        "en": "The assessed points {points} of indicator {indicator} lie outside 0 to {max}{step_en}.",
    },
    "data.missing_field": {
        "vi": "Thiếu thông tin bắt buộc '{field_vi}' của xã.",
        "en": "The commune's required field '{field}' is missing.",
    },
    "data.table_not_commune": {
        "vi": "'{name}' là bảng nhiều xã, còn ở đây cần tệp của một xã (.yaml hoặc .json). Với bảng, dùng 'chuanxa score', 'chuanxa batch' hoặc 'chuanxa plan-targets'.",
        "en": "'{name}' is a table of many communes; this needs one commune's file (.yaml or .json). For a table use 'chuanxa score', 'chuanxa batch' or 'chuanxa plan-targets'.",
    },
    "data.commune_not_table": {
        "vi": "'{name}' là tệp của một xã, còn ở đây cần bảng nhiều xã (.csv hoặc .xlsx). Với một xã, dùng 'chuanxa score', 'chuanxa plan' hoặc 'chuanxa simulate'.",
        "en": "'{name}' is one commune's file; this needs a table of communes (.csv or .xlsx). For one commune use 'chuanxa score', 'chuanxa plan' or 'chuanxa simulate'.",
    },
    "data.unknown_field": {
        "vi": "Trường '{field}' không có trong tệp số liệu xã (các trường: {allowed}).",
        "en": "'{field}' is not a field of the commune file (fields: {allowed}).",
    },
    "data.bad_field": {
        "vi": "Thông tin '{field_vi}' của xã không hợp lệ: '{value}'. {expected_vi}",
        "en": "The commune's field '{field}' is not valid: '{value}'. {expected}",
    },
    "data.unknown_columns": {
        "vi": "Các cột không dùng đến (không khớp dữ liệu nào): {columns}.",
        "en": "Columns not used (they match no input): {columns}.",
    },
    "data.no_data_sheet": {
        "vi": "Không trang tính nào có cột mã xã (đã xem: {sheets}). Hàng tiêu đề cần một cột 'Mã xã' (hoặc 'code').",
        "en": "No sheet has a commune-code column (sheets seen: {sheets}). The header row needs a 'Mã xã' (or 'code') column.",
    },
    "data.too_large": {
        "vi": "Tệp quá lớn để đọc an toàn: {what_vi} vượt giới hạn {limit}. Hãy kiểm tra tệp (có thể bị hỏng hoặc chứa dữ liệu thừa) hoặc chia nhỏ bảng.",
        "en": "The file is too large to read safely: {what} exceeds the limit of {limit}. Check the file (it may be damaged or hold stray data) or split the table.",
    },
    "data.header_row_no_code": {
        "vi": "Hàng {row} (--header-row) không có cột mã xã. Hàng tiêu đề cần một cột 'Mã xã'; bỏ --header-row để chuanxa tự tìm.",
        "en": "Row {row} (--header-row) has no commune-code column. The header row needs a 'Mã xã' (code) column; leave out --header-row to let chuanxa find it.",
    },
    "data.no_such_sheet": {
        "vi": "Không có trang tính '{sheet}' (các trang: {sheets}).",
        "en": "There is no sheet '{sheet}' (sheets: {sheets}).",
    },
    "data.fraction_ambiguous": {
        "vi": "{value} — có phải {percent}%? Cột '{label_vi}' là tỷ lệ phần trăm: ghi {percent} nếu là {percent}%, hoặc {value}% nếu đúng là dưới 1%.",
        "en": "{value_en} — did you mean {percent_en}%? '{label_en}' is a percentage: write {percent_en} for {percent_en}%, or {value_en}% if it really is below 1%.",
    },
    # --- notices of the table reader (what was taken, what was skipped and why) ---
    "notice.header_row": {
        "vi": "lấy làm hàng tiêu đề ({columns} cột khớp dữ liệu).",
        "en": "taken as the header row ({columns} columns matched).",
    },
    "notice.header_rows": {
        "vi": "lấy làm hàng tiêu đề (hàng nhóm cột ghép với hàng tên cột; {columns} cột khớp dữ liệu).",
        "en": "taken as the header (a group row combined with the label row; {columns} columns matched).",
    },
    "notice.title_rows": {
        "vi": "bỏ qua: tiêu đề phía trên bảng.",
        "en": "skipped: title rows above the table.",
    },
    "notice.numbering_row": {
        "vi": "bỏ qua: hàng đánh số cột.",
        "en": "skipped: a row of column numbers.",
    },
    "notice.totals_row": {
        "vi": "bỏ qua: dòng tổng cộng, không phải một xã.",
        "en": "skipped: a totals row, not a commune.",
    },
    "notice.no_commune_row": {
        "vi": "bỏ qua: không có mã xã và không có số liệu (dòng tiêu đề nhóm hoặc dòng trống).",
        "en": "skipped: no commune code and no data (a section heading or an empty line).",
    },
    "notice.notes_row": {
        "vi": "bỏ qua: ghi chú hoặc phần ký tên; bảng kết thúc ở đây.",
        "en": "skipped: notes or a signature block; the table ends here.",
    },
    "notice.after_end": {
        "vi": "bỏ qua: nằm sau khi bảng đã kết thúc.",
        "en": "skipped: after the end of the table.",
    },
    "notice.stopped": {
        "vi": "từ đây trở xuống được coi là trống (đã ngừng đọc sau một dãy dài hàng trống liên tiếp).",
        "en": "from here down the sheet is taken as empty (reading stopped after a long run of empty rows).",
    },
    "notice.fraction_column": {
        "vi": "cột '{column}' ghi tỷ lệ dạng số thập phân từ 0 đến 1: đọc là phần trăm (ví dụ {value} là {percent}%).",
        "en": "the column '{column}' holds rates as fractions from 0 to 1: read as percentages (e.g. {value} is {percent}%).",
    },
    # where a table notice is, before its words: "hàng 6–7: …" / "rows 6–7: …"
    "table.at_row": {
        "vi": "hàng {rows}: ",
        "en": "row {rows}: ",
    },
    "table.at_rows": {
        "vi": "hàng {rows}: ",
        "en": "rows {rows}: ",
    },
    "watch.bad_assessed": {
        "vi": "Điểm thẩm định của chỉ tiêu {indicator} phải là một số hoặc {{\"points\": số, \"note\": \"…\"}}, không phải {value!r}.",
        "en": "The assessed points of indicator {indicator} must be a number or {{\"points\": number, \"note\": \"…\"}}, not {value!r}.",
    },
    "watch.new_commune": {
        "vi": "Xã {code} chưa được theo dõi: bản cập nhật đầu tiên của một xã cần 'commune_info' (tên, tỉnh, vùng, địa hình, khoảng cách).",
        "en": "Commune {code} is not being watched yet: a commune's first update needs 'commune_info' (name, province, region, terrain, distance).",
    },
    # --- a commune's place: why its region, what was inferred (chuanxa.wording, from the identity's fields) ---
    "region.given": {
        "vi": "Vùng kinh tế - xã hội ghi trong số liệu của xã.",
        "en": "Socio-economic region as given in the commune's data.",
    },
    "region.former_province": {
        "vi": "Vùng theo tỉnh cũ {former_province} (QĐ 1300 xếp ngưỡng theo 7 vùng cũ).",
        "en": "Region of the former province {former_province} (1300's thresholds follow the 7 former regions).",
    },
    "region.commune_code": {
        "vi": "Vùng theo tỉnh cũ {issued_in}, nơi cấp mã xã.",
        "en": "Region of the former province {issued_in}, where the commune's code was issued.",
    },
    "region.province": {
        "vi": "Vùng của tỉnh {province} (mọi tỉnh cũ hợp thành đều thuộc một vùng).",
        "en": "Region of {province} (all its former provinces lie in one region).",
    },
    "region.unknown_spans": {
        "vi": "Chưa xác định được vùng: tỉnh {province} gồm các tỉnh cũ thuộc nhiều vùng ({spans}). Ghi tỉnh cũ (former_province) hoặc vùng (region).",
        "en": "Region unknown: {province} was formed from provinces in several regions ({spans}). Give the former province or the region.",
    },
    "region.unknown": {
        "vi": "Chưa xác định được vùng: ghi tỉnh hoặc vùng kinh tế - xã hội.",
        "en": "Region unknown: give the province or the region.",
    },
    "place.FORMER_PROVINCE": {
        "vi": "Tỉnh cũ '{former_province}' nay thuộc {province}; tên cũ được giữ ở 'former_province'.",
        "en": "The former province '{former_province}' is now part of {province}; the old name is kept as 'former_province'.",
    },
    "place.FORMER_DISTRICT": {
        "vi": "Huyện '{former_district}' không còn là cấp chính quyền từ 01/7/2025; được giữ ở 'former_district' cho hồ sơ cũ.",
        "en": "District '{former_district}' is no longer a level of government since 1 July 2025; kept as 'former_district' for old records.",
    },
    "place.CODE_NOT_CURRENT": {
        "vi": "Mã '{code}' không có trong danh sách đơn vị hành chính hiện hành (có thể là mã cũ); vẫn được chấm điểm.",
        "en": "Code '{code}' is not in the current list of administrative units (perhaps an old code); scored all the same.",
    },
    "place.CODE_NAME_DIFFERS": {
        "vi": "Mã '{code}' hiện là {current_name}; tên ghi '{name}' khác (có thể là mã cũ đã được dùng lại).",
        "en": "Code '{code}' is now {current_name}; the name given, '{name}', differs (perhaps an old code reused).",
    },
    "place.ASSESSED_BEFORE_MERGER": {
        "vi": "Ngày đánh giá {date_vi} trước khi xã mới được thành lập (01/7/2025): số liệu thuộc các xã cũ.",
        "en": "Assessment dated {date_en}, before the merged commune existed (1 July 2025): the data belong to the old communes.",
    },
    # --- the steps of a plan (chuanxa.wording.step_text, from the step's numbers and the input's label) ---
    "step.raise": {
        "vi": "Nâng {label_vi} từ {before} lên {after}: {gain}{cost}",
        "en": "Raise {label_en} from {before} to {after}: {gain}{cost}",
    },
    "step.lower": {
        "vi": "Giảm {label_vi} từ {before} xuống {after}: {gain}{cost}",
        "en": "Lower {label_en} from {before} to {after}: {gain}{cost}",
    },
    "step.no_value": {"vi": "chưa có", "en": "unknown"},
    "step.answer": {
        "vi": "Bảo đảm: {label_vi}: {gain}{cost}",
        "en": "Make sure that: {label_en}: {gain}{cost}",
    },
    "step.answer_choice": {
        "vi": "Bảo đảm {label_vi} là «{answer_vi}»: {gain}{cost}",
        "en": "Make sure that {label_en} is “{answer_en}”: {gain}{cost}",
    },
    "step.collect": {
        "vi": "Thu thập số liệu cho chỉ tiêu {indicator}{cost}",
        "en": "Collect the data of indicator {indicator}{cost}",
    },
    "step.condition": {
        "vi": "Đáp ứng điều kiện của chỉ tiêu {indicator} để đạt {points} điểm: {gain}{cost}",
        "en": "Meet the condition of indicator {indicator} for {points} points: {gain}{cost}",
    },
    "step.evidence": {
        "vi": "Bổ sung minh chứng chỉ tiêu {indicator} để đạt {points} điểm: {gain}{cost}",
        "en": "Evidence for indicator {indicator} worth {points} points: {gain}{cost}",
    },
    "blocker.INDICATOR_BLOCKED": {
        "vi": "Chỉ tiêu {indicator} bắt buộc phải cải thiện nhưng không thể: {cause}.",
        "en": "Indicator {indicator} must improve but cannot: {cause}.",
    },
    "blocker.CRITERION_UNREACHABLE": {
        "vi": "Tiêu chí {criterion} chỉ có thể đạt tối đa {reachable} điểm, dưới mức tối thiểu {required}.",
        "en": "Criterion {criterion} can reach at most {reachable} points, below its floor of {required}.",
    },
    "blocker.TOTAL_UNREACHABLE": {
        "vi": "Tổng điểm chỉ có thể đạt tối đa {reachable}, dưới mức {required}.",
        "en": "The total can reach at most {reachable}, below the minimum of {required}.",
    },
    "blocker.NO_COMBINATION": {
        "vi": "Không có tổ hợp cải thiện nào đáp ứng đồng thời mọi điều kiện công nhận.",
        "en": "No combination of improvements meets every recognition condition at once.",
    },
    "blocker.SEARCH_CUT": {
        "vi": "Các chỉ tiêu {note} dùng chung số liệu và có quá nhiều tổ hợp cải thiện: chỉ xét được một phần, "
              "trong đó không có phương án nào; có thể vẫn có phương án trong các tổ hợp chưa xét.",
        "en": "Indicators {note} share data and have too many combinations of improvements: only part of them was "
              "tried and none of those works; a plan may exist among the others.",
    },
    "step.gain": {"vi": "+{gain} điểm", "en": "+{gain} points"},
    "step.gain_one": {"vi": "+{gain} điểm", "en": "+{gain} point"},
    "step.cost": {"vi": ", chi phí {cost}", "en": ", cost {cost}"},
    # why a required indicator cannot improve (a blocker's `cause`), and a blocker code this version does not know
    "blocked.COSTS_IMPOSSIBLE": {"vi": "tệp chi phí ghi là không thể cải thiện", "en": "the costs file marks it impossible"},
    "blocked.COSTS_IMPOSSIBLE_NOTE": {"vi": "tệp chi phí ghi là không thể cải thiện ({note})", "en": "the costs file marks it impossible ({note})"},
    "blocked.NO_OPTION": {"vi": "không có cách cải thiện nào đạt số điểm bắt buộc", "en": "no option reaches the required points"},
    "blocker.UNRECORDED": {
        "vi": "Không có lộ trình (tệp do phiên bản chuanxa cũ hơn ghi chỉ giữ câu giải thích, không giữ lý do; hãy lập lại lộ trình để xem lý do).",
        "en": "No plan (the file, written by an older chuanxa, kept the explanation's sentence, not its reason; plan again to see why).",
    },
    "plan.unreadable": {
        "vi": "Đây không phải là tệp lộ trình JSON của chuanxa đọc được ({detail_vi}). Hãy dùng tệp do 'chuanxa plan --format json' hoặc 'chuanxa plan-targets --format json' ghi ra.",
        "en": "This is not a chuanxa plan JSON file that can be read ({detail_en}). Use a file written by 'chuanxa plan --format json' or 'chuanxa plan-targets --format json'.",
    },
    "blocker.unknown": {
        "vi": "Không có lộ trình ({code}: lý do do một phiên bản chuanxa mới hơn ghi lại).",
        "en": "No plan ({code}: a reason written by a newer version of chuanxa).",
    },
    # --- reasons and gaps of a result (chuanxa.wording: built from the records' codes and numbers) ---
    "reason.knockout_failed": {
        "vi": "Không đạt chỉ tiêu điểm liệt {indicator}: không được công nhận dù tổng điểm bao nhiêu.",
        "en": "Knock-out indicator {indicator} failed: no recognition whatever the total.",
    },
    "reason.criterion_below_floor": {
        "vi": "Tiêu chí {criterion} đạt {points:g}/{max:g} điểm, dưới mức tối thiểu {required:g} ({share}){tail_vi}",
        "en": "Criterion {criterion} scores {points:g}/{max:g}, below its floor of {required:g} ({share}){tail_en}",
    },
    "reason.floor_provisional": {
        "vi": " — điểm của tiêu chí là giả định nên mức này cũng tạm thời.",
        "en": " — the criterion's points are assumed, so this floor is provisional.",
    },
    "reason.total_below_minimum": {
        "vi": "Tổng điểm {points:g}/{max:g} ({got}), dưới mức {required:g} ({share}).",
        "en": "Total {points:g}/{max:g} ({got}) is below {required:g} ({share}).",
    },
    "reason.missing_data": {
        "vi": "Thiếu số liệu hoặc điểm thẩm định của {count} chỉ tiêu: chưa thể kết luận.",
        "en": "{count} indicator(s) lack data or assessed points: no verdict yet.",
    },
    "gap.missing_input": {
        "vi": "Chưa có số liệu '{label_vi}': nhập số liệu để chấm chỉ tiêu {indicator} (tối đa +{gain:g} điểm).",
        "en": "No data for '{label_en}': enter it to score indicator {indicator} (up to +{gain:g} points).",
    },
    "gap.missing": {
        "vi": "Chưa có điểm thẩm định hoặc số liệu cho chỉ tiêu {indicator} (tối đa +{gain:g} điểm).",
        "en": "Indicator {indicator} has no assessed points or data yet (up to +{gain:g} points).",
    },
    "gap.evidence": {
        "vi": "Bổ sung minh chứng cho chỉ tiêu {indicator}: còn thiếu {gain:g} điểm.",
        "en": "Evidence for indicator {indicator}: {gain:g} points still to earn.",
    },
    "gap.condition": {
        "vi": "Chỉ tiêu {indicator} chưa đạt điều kiện: còn thiếu {gain:g} điểm.",
        "en": "Indicator {indicator} does not meet its condition yet: {gain:g} points still to earn.",
    },
    "gap.steps": {"vi": "{label_vi}: {steps}", "en": "{label_en}: {steps}"},
    "gap.gain": {"vi": "+{gain:g} điểm", "en": "+{gain:g} points"},
    "gap.yes": {"vi": "có", "en": "yes"},
    "gap.no": {"vi": "không", "en": "no"},
    "gap.percent_change": {"vi": "{change:+.1f} điểm phần trăm", "en": "{change:+.1f} points of percentage"},
    # An indicator's rule in the officer's words (`chuanxa.wording.rule_text`; each kind arranges its own).
    "rule.award": {"vi": ": {points} điểm", "en": ": {points} points"},
    "rule.award_one": {"vi": ": {points} điểm", "en": ": {points} point"},
    "rule.and": {"vi": " và ", "en": " and "},
    "rule.or": {"vi": " hoặc ", "en": " or "},
    "rule.by_zone": {"vi": "theo vùng", "en": "by zone"},
    "rule.by_region": {"vi": "theo vùng KT-XH", "en": "by region"},
    "rule.zone": {"vi": "vùng {zone}", "en": "zone {zone}"},
    "rule.assessed": {"vi": "đoàn thẩm định chấm từ 0 đến {max} điểm theo minh chứng", "en": "the appraisal team awards 0 to {max} points on evidence"},
    "rule.assessed_step": {"vi": " (bước {step})", "en": " (in steps of {step})"},
    # --- `chuanxa watch` events (chuanxa.monitoring.events) ---
    "watch.event.commune_added": {
        "vi": "Xã mới được theo dõi: {after_vi} ({total:g} điểm).",
        "en": "Now watching this commune: {after_en} ({total:g} points).",
    },
    "watch.event.verdict_changed": {
        "vi": "Kết luận thay đổi: {before_vi} → {after_vi} ({total:g} điểm).",
        "en": "Verdict changed: {before_en} → {after_en} ({total:g} points).",
    },
    "watch.event.criterion_below_floor": {
        "vi": "Tiêu chí {criterion} xuống dưới mức tối thiểu.",
        "en": "Criterion {criterion} fell below its floor.",
    },
    "watch.event.criterion_above_floor": {
        "vi": "Tiêu chí {criterion} đã đạt mức tối thiểu.",
        "en": "Criterion {criterion} rose above its floor.",
    },
    "watch.event.knockout_failed": {
        "vi": "Không đạt chỉ tiêu điểm liệt {indicator}.",
        "en": "Knock-out indicator {indicator} failed.",
    },
    "watch.event.knockout_cleared": {
        "vi": "Đã đạt lại chỉ tiêu điểm liệt {indicator}.",
        "en": "Knock-out indicator {indicator} cleared.",
    },
    "watch.event.provisional_decides": {
        "vi": "Kết luận nay phụ thuộc vào các chỉ tiêu tạm thời.",
        "en": "Provisional indicators now decide the verdict.",
    },
    "watch.event.out_of_order": {
        "vi": "Bản cập nhật ngày {date} cũ hơn số liệu đang theo dõi (ngày {state_date}): không áp dụng.",
        "en": "This update of {date} is older than the state being watched ({state_date}): not applied.",
    },
    "watch.verdict.recognised": {"vi": "đạt chuẩn", "en": "recognised"},
    "watch.verdict.not_recognised": {"vi": "chưa đạt chuẩn", "en": "not recognised"},
    "watch.verdict.incomplete": {"vi": "chưa đủ số liệu", "en": "incomplete (data missing)"},
    "watch.line.nested": {
        "vi": "dòng lồng nhau quá sâu, không phải một bản cập nhật.",
        "en": "the line is nested far too deeply to be an update.",
    },
    "watch.line.not_json": {
        "vi": "dòng không phải JSON hợp lệ (lỗi ở ký tự thứ {column}).",
        "en": "the line is not valid JSON ({detail} at character {column}).",
    },
    "watch.line.not_object": {
        "vi": "mỗi dòng phải là một đối tượng JSON {{…}}.",
        "en": "each line must be a JSON object {{…}}.",
    },
    "watch.line.too_long": {
        "vi": "dòng dài hơn {limit:,} ký tự, không phải một bản cập nhật: bỏ qua.",
        "en": "the line is longer than {limit:,} characters, not an update: skipped.",
    },
    "watch.update.no_commune": {
        "vi": "dòng cập nhật thiếu mã xã (\"commune\").",
        "en": "the update lacks the commune code (\"commune\").",
    },
    "watch.update.too_large": {
        "vi": "cập nhật có số quá lớn hoặc lồng nhau quá sâu.",
        "en": "the update holds a number too large or nesting too deep ({detail}).",
    },
    "watch.update.malformed": {
        "vi": "cập nhật không đúng dạng: 'values' và 'assessed' phải là bảng {{mã: giá trị}}.",
        "en": "malformed update ({detail}): 'values' and 'assessed' must be objects {{id: value}}.",
    },
    "watch.update.invalid": {
        "vi": "cập nhật không hợp lệ ở '{where}': {detail_vi}.",
        "en": "invalid update at '{where}': {detail}.",
    },
    "costs.unknown_key": {
        "vi": "Khóa '{key}' không dùng được trong tệp chi phí (dùng: {allowed}).",
        "en": "The key '{key}' is not allowed in a costs file (use: {allowed}).",
    },
    "costs.unknown_id": {
        "vi": "Tệp chi phí có '{id}' trong mục {section}, nhưng bộ tiêu chí {ruleset} không có mã này.",
        "en": "The costs file lists '{id}' under {section}, which the ruleset {ruleset} does not have.",
    },
    "engine.unknown": {
        "vi": "Không có bộ máy chấm điểm '{name}': dùng 'core' hoặc 'durable'.",
        "en": "There is no scoring engine '{name}': use 'core' or 'durable'.",
    },
    "data.empty": {
        "vi": "Tệp không có dòng dữ liệu nào.",
        "en": "The file has no data rows.",
    },
    "upload.too_large": {
        "vi": "Tệp tải lên quá lớn (tối đa {limit} MB). Hãy chia nhỏ tệp rồi tải lại.",
        "en": "The uploaded file is too large (at most {limit} MB). Split it and upload again.",
    },
    "data.bad_format": {
        "vi": "Không đọc được loại tệp '{suffix}'. Dùng .yaml, .yml, .json, .csv hoặc .xlsx.",
        "en": "Cannot read files of type '{suffix}'. Use .yaml, .yml, .json, .csv or .xlsx.",
    },
    "data.merge": {
        "vi": "Không gộp được '{field}' cho xã mới {commune}: {detail_vi}.",
        "en": "Cannot merge '{field}' for the new commune {commune}: {detail}.",
    },
    # --- writing outputs (every file is written whole or not at all) ---
    "output.write_failed": {
        "vi": "Không ghi được tệp {file}: {detail_vi}. Tệp cũ (nếu có) vẫn được giữ nguyên, không có tệp nào bị ghi dở.",
        "en": "Could not write {file}: {detail}. The previous file (if any) is kept unchanged; nothing half-written was left.",
    },
    "output.not_regular": {
        "vi": "'{file}' không phải là một tệp thông thường (có thể là thư mục hoặc thiết bị): hãy chọn một tên tệp khác.",
        "en": "'{file}' is not a regular file (it may be a folder or a device): choose another file name.",
    },
    "output.read_only": {
        "vi": "Tệp '{file}' đang ở chế độ chỉ đọc nên không ghi đè: hãy bỏ chế độ chỉ đọc hoặc chọn tên khác.",
        "en": "The file '{file}' is read-only, so it is not overwritten: make it writable or choose another name.",
    },
    "output.incomplete_pdf": {
        "vi": "Chromium chỉ ghi được một tệp PDF không hoàn chỉnh ({detail_vi}), có thể do ổ đĩa đầy. Tệp cũ (nếu có) vẫn được giữ nguyên.",
        "en": "Chromium wrote only an incomplete PDF ({detail}), perhaps because the disk is full. The previous file (if any) is kept unchanged.",
    },
    "state.broken": {
        "vi": "Tệp trạng thái {file} bị hỏng hoặc không phải do chuanxa watch ghi ({detail}). Hãy khôi phục bản sao lưu, hoặc xóa nó để bắt đầu lại từ đầu.",
        "en": "The state file {file} is damaged or was not written by chuanxa watch ({detail}). Restore a backup, or delete it to start again from scratch.",
    },
    "state.locked": {
        "vi": "Tệp trạng thái {file} đang được một tiến trình chuanxa watch khác sử dụng; hai tiến trình cùng ghi sẽ làm mất cập nhật. Hãy dừng tiến trình kia hoặc dùng tệp trạng thái khác.",
        "en": "The state file {file} is in use by another chuanxa watch; two watchers writing it would lose updates. Stop the other one or use another state file.",
    },
    "yaml.too_large": {
        "vi": "Tệp vượt giới hạn an toàn: {detail_vi}. Tệp số liệu hoặc bộ tiêu chí thật luôn nhỏ hơn nhiều; tệp này có thể bị lỗi hoặc cố ý gây hại.",
        "en": "The file exceeds a safety limit: {detail}. Real data and ruleset files stay far below it; this file may be broken or hostile.",
    },
    "yaml.encoding": {
        "vi": "Tệp không phải văn bản UTF-8 (có vẻ là {encoding_vi}). Hãy mở tệp và lưu lại dạng UTF-8.",
        "en": "The file is not UTF-8 text (it looks like {encoding}). Open it and save it again as UTF-8.",
    },
    "expr.too_large": {
        "vi": "Biểu thức quá lớn: {detail_vi} (giới hạn {limit}). Hãy chia thành các đầu vào dẫn xuất nhỏ hơn.",
        "en": "The expression is too large: {detail} (limit {limit}). Split it into smaller derived inputs.",
    },
    # --- a commune's recognition standing and a merged commune's notes (chuanxa.wording: standing_note_text, merge_note_text) ---
    "standing.DECISION_PREDATES_COMMUNE": {
        "vi": "Quyết định {decision} ({date_vi}) có trước khi xã được thành lập ({established_vi}): không tính.",
        "en": "Decision {decision} ({date_en}) predates the commune ({established_en}): not counted.",
    },
    "standing.MERGED_NO_INHERITANCE": {
        "vi": "Xã mới sáp nhập từ {former}: không kế thừa công nhận của các xã cũ.",
        "en": "Merged from {former}: inherits no recognition from the old communes.",
    },
    "standing.MAINTENANCE_OVERDUE": {"vi": "Quá hạn kiểm tra duy trì hằng năm (hạn {due_vi}).", "en": "Yearly maintenance check overdue (due {due_en})."},
    "standing.RERECOGNITION_NEEDED": {"vi": "Cần công nhận lại.", "en": "Re-recognition needed."},
    "standing.PREPARE_RERECOGNITION": {"vi": "Chuẩn bị hồ sơ công nhận lại.", "en": "Prepare the re-recognition dossier."},
    "merge.STATION_SITES": {
        "vi": "{commune}: một trạm y tế với {count} điểm trạm ({sites}).",
        "en": "{commune}: one health station with {count} sites ({sites}).",
    },
    "merge.INPUT_COMBINED": {"vi": "{label_vi}: {method}{provisional}.", "en": "{label_en}: {method}{provisional}."},
    "merge.NO_INHERITANCE": {
        "vi": "Xã mới không kế thừa công nhận đạt chuẩn của các xã cũ; điểm thẩm định của xã cũ không được chuyển sang.",
        "en": "The new commune inherits no recognition from the old communes; their assessed points are not carried over.",
    },
    # how a station-level input combines across the sites (its ruleset's `sites.method`), and the mark of a provisional rule
    "merge.method.sum": {"vi": "cộng số của các điểm trạm", "en": "the sites' figures added up"},
    "merge.method.any": {"vi": "có nếu ít nhất một điểm trạm có", "en": "yes if at least one site has it"},
    "merge.method.all": {"vi": "có chỉ khi mọi điểm trạm đều có", "en": "yes only if every site has it"},
    "merge.method.min": {"vi": "lấy giá trị thấp nhất của các điểm trạm", "en": "the lowest value among the sites"},
    "merge.method.max": {"vi": "lấy giá trị cao nhất của các điểm trạm", "en": "the highest value among the sites"},
    "merge.method.mean": {"vi": "trung bình của các điểm trạm", "en": "the mean of the sites"},
    "merge.method.weighted_mean": {"vi": "trung bình có trọng số của các điểm trạm", "en": "the sites' weighted mean"},
    "merge.provisional": {"vi": " (tạm thời: QĐ 1300 ban hành trước khi có điểm trạm)", "en": " (provisional: 1300 predates sites)"},
    # --- engines ---
    "report.pdf_missing": {
        "vi": "Không tìm thấy trình duyệt Chromium để in PDF. Cài Chromium (Debian/Ubuntu: apt-get install chromium) hoặc đặt CHUANXA_BROWSER; định dạng html và xlsx vẫn dùng được.",
        "en": "No Chromium browser found to print the PDF. Install Chromium (Debian/Ubuntu: apt-get install chromium) or set CHUANXA_BROWSER; html and xlsx still work.",
    },
    "report.pdf_failed": {
        "vi": "Chromium không in được PDF: {detail}.",
        "en": "Chromium could not print the PDF: {detail}.",
    },
    "engine.durable_missing": {
        "vi": "Chưa cài bộ máy durable-rules. Cài bằng: pip install 'chuanxa[durable]'.",
        "en": "The durable-rules engine is not installed. Install it with: pip install 'chuanxa[durable]'.",
    },
    "cli.extra_missing": {
        "vi": "Lệnh này cần gói tùy chọn '{extra}' (chưa cài mô-đun {module}). Cài bằng: python -m pip install \"chuanxa[{extra}]\"",
        "en": "This command needs the optional extra '{extra}' (the module {module} is not installed). Install it with: python -m pip install \"chuanxa[{extra}]\"",
    },
    # --- the assessment store and the HTTP API (chuanxa.store, chuanxa.server) ---
    "store.database_unavailable": {
        "vi": "Không kết nối được cơ sở dữ liệu {url}: {detail}. Hãy kiểm tra địa chỉ (--db hoặc CHUANXA_DB), máy chủ cơ sở dữ liệu và quyền truy cập.",
        "en": "Cannot reach the database {url}: {detail}. Check the address (--db or CHUANXA_DB), the database server and the access rights.",
    },
    "store.not_found": {
        "vi": "Không tìm thấy {what_vi} '{ref}'.",
        "en": "No {what} '{ref}' was found.",
    },
    "store.no_assessment": {
        "vi": "Xã {code} chưa có phiếu đánh giá năm {year}. Tạo mới bằng PUT kèm 'If-None-Match: *', hoặc nhập từ bảng.",
        "en": "Commune {code} has no assessment for {year}. Create it with PUT and 'If-None-Match: *', or import a table.",
    },
    "store.assessment_exists": {
        "vi": "Xã {code} đã có phiếu đánh giá năm {year} (phiên bản {etag}). Hãy tải lại rồi sửa kèm 'If-Match'.",
        "en": "Commune {code} already has an assessment for {year} (version {etag}). Reload it and send 'If-Match' to change it.",
    },
    "store.precondition_required": {
        "vi": "Cần tiêu đề 'If-Match' với ETag của phiên bản bạn đã đọc (lấy bằng GET), để không ghi đè thay đổi của người khác.",
        "en": "An 'If-Match' header with the ETag of the version you read (from GET) is required, so that nobody's changes are overwritten.",
    },
    "store.stale": {
        "vi": "Phiếu của xã {code} năm {year} đã được người khác sửa (bản hiện tại {current}, bạn sửa từ {given}). Thay đổi của bạn được lưu trong lịch sử (phiên bản {kept}); hãy tải lại và áp dụng lại.",
        "en": "The assessment of commune {code} for {year} was changed by someone else (current {current}, you edited {given}). Your changes are kept in the history (revision {kept}); reload and apply them again.",
    },
    "store.forbidden": {
        "vi": "Tài khoản của bạn không có quyền {action_vi}.",
        "en": "Your account may not {action}.",
    },
    "store.unauthenticated": {
        "vi": "Cần đăng nhập (phiên trình duyệt hoặc 'Authorization: Bearer …').",
        "en": "Sign-in needed (a browser session or 'Authorization: Bearer …').",
    },
    "store.bad_credentials": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "The user name or password is wrong.",
    },
    "store.rate_limited": {
        "vi": "Quá nhiều lần đăng nhập sai. Hãy thử lại sau {seconds} giây.",
        "en": "Too many failed sign-ins. Try again in {seconds} seconds.",
    },
    "store.csrf": {
        "vi": "Biểu mẫu đã hết hạn hoặc không đến từ trang của chuanxa (thiếu mã CSRF). Hãy tải lại trang rồi gửi lại.",
        "en": "The form expired or did not come from chuanxa's own page (CSRF token missing). Reload the page and send it again.",
    },
    "store.transition_not_allowed": {
        "vi": "Không thể '{action}' một phiếu đang ở trạng thái '{state}'. Được phép: {allowed}.",
        "en": "Cannot '{action}' an assessment in state '{state}'. Allowed: {allowed}.",
    },
    "store.comment_required": {
        "vi": "Bước '{action}' cần một nhận xét (lý do) để xã biết cần sửa gì.",
        "en": "The step '{action}' needs a comment (the reason), so that the commune knows what to fix.",
    },
    "store.recognition_required": {
        "vi": "Công nhận cần quyết định: số quyết định, ngày ký và cơ quan ban hành.",
        "en": "Recognition needs the decision: its number, date and issuing body.",
    },
    "store.locked": {
        "vi": "Không sửa được phần '{part}' khi phiếu ở trạng thái '{state}' với vai trò của bạn.",
        "en": "The part '{part}' cannot be changed in state '{state}' with your role.",
    },
    "store.too_large": {
        "vi": "Dữ liệu gửi lên quá lớn (tối đa {limit} byte).",
        "en": "The request is too large (at most {limit} bytes).",
    },
    "store.unstorable": {
        "vi": "Yêu cầu có giá trị cơ sở dữ liệu không lưu được (ký tự điều khiển, số quá lớn): hãy sửa giá trị rồi gửi lại.",
        "en": "The request holds a value the database cannot keep (a control character, a number too large): correct it and send it again.",
    },
    "store.bad_request": {
        "vi": "Yêu cầu không hợp lệ: {detail}.",
        "en": "Invalid request: {detail}.",
    },
    "store.weak_password": {
        "vi": "Mật khẩu quá ngắn: cần ít nhất {min} ký tự.",
        "en": "The password is too short: at least {min} characters.",
    },
    "store.user_exists": {
        "vi": "Đã có tài khoản '{login}'.",
        "en": "The account '{login}' exists already.",
    },
    "store.last_admin": {
        "vi": "Không thể khoá hay đổi vai trò của '{login}': đây là tài khoản quản trị cuối cùng còn dùng được.",
        "en": "'{login}' cannot be disabled or given another role: it is the last enabled administrator.",
    },
    "store.bad_scope": {
        "vi": "Vai trò '{role}' cần {needs_vi}.",
        "en": "The role '{role}' needs {needs}.",
    },
    "store.import_unknown_commune": {
        "vi": "Mã xã '{code}' không có trong danh mục đơn vị hành chính của hệ thống.",
        "en": "The commune code '{code}' is not in the list of administrative units.",
    },
    "store.import_out_of_scope": {
        "vi": "Xã '{code}' không thuộc phạm vi tài khoản của bạn; hàng này không được nhập.",
        "en": "Commune '{code}' is outside your account's scope; this row is not imported.",
    },
    "store.import_locked": {
        "vi": "Phiếu của xã '{code}' đang ở trạng thái '{state}', không nhập đè được; hàng này không được nhập.",
        "en": "The assessment of commune '{code}' is in state '{state}' and cannot be overwritten by an import; this row is not imported.",
    },
    # --- issue 18: ruleset overlays uploaded to the store and activated for a province ---
    "overlay.no_files": {
        "vi": "Chưa chọn tệp nào: hãy tải lên tệp YAML của bộ hiệu chỉnh hoặc bảng điểm Excel đã sửa (kèm tệp ca kiểm thử nếu có).",
        "en": "No file given: upload the overlay's YAML file or the edited score-sheet workbook (with its test cases, if any).",
    },
    "overlay.too_many_files": {
        "vi": "Tải lên {count} tệp, nhiều hơn mức cho phép ({limit} tệp).",
        "en": "{count} files uploaded, more than allowed ({limit}).",
    },
    "overlay.bad_file_name": {
        "vi": "Tên tệp '{name}' không dùng được: chỉ chữ không dấu, số, '_', '.', '-', và đuôi .yaml, .yml hoặc .xlsx.",
        "en": "The file name '{name}' cannot be used: only letters without accents, digits, '_', '.', '-', ending in .yaml, .yml or .xlsx.",
    },
    "overlay.file_too_large": {
        "vi": "Tệp '{name}' quá lớn (tối đa {limit} MB).",
        "en": "The file '{name}' is too large (at most {limit} MB).",
    },
    "overlay.duplicate_file": {
        "vi": "Có hai tệp cùng tên '{name}'.",
        "en": "Two files are named '{name}'.",
    },
    "overlay.sheet_unchanged": {
        "vi": "Bảng điểm '{name}' không có sửa đổi nào so với bộ tiêu chí đã xuất: không có gì để kích hoạt.",
        "en": "The score sheet '{name}' holds no change from the ruleset it was exported from: nothing to activate.",
    },
    "overlay.case_names_file": {
        "vi": "Tệp ca '{name}' trỏ tới một tệp số liệu xã (file: hoặc base: là tên tệp); khi tải lên, mỗi ca phải tự ghi đủ số liệu.",
        "en": "The cases file '{name}' names a commune data file (file: or base: as a file name); uploaded cases must hold their own data.",
    },
    "overlay.one_ruleset": {
        "vi": "Các tệp tải lên phải cho đúng một bộ tiêu chí hiệu chỉnh, nhưng cho {count} ({names}).",
        "en": "The uploaded files must give exactly one ruleset overlay, but give {count} ({names}).",
    },
    "overlay.not_an_overlay": {
        "vi": "'{name}' không phải bộ hiệu chỉnh: thiếu dòng 'extends:' chỉ bộ tiêu chí gốc (ví dụ extends: qd1300@2023-03-20).",
        "en": "'{name}' is not an overlay: it has no 'extends:' naming the ruleset it corrects (e.g. extends: qd1300@2023-03-20).",
    },
    "store.overlay_cases_failed": {
        "vi": "Chưa kích hoạt được: {failed} trong {total} ca kiểm thử của bộ hiệu chỉnh không đạt. Hãy sửa bộ hoặc ca rồi tải lên lại.",
        "en": "Not activated: {failed} of the overlay's {total} test cases fail. Correct the overlay or its cases and upload again.",
    },
    "store.activation_too_early": {
        "vi": "Ngày hiệu lực {date} sớm hơn ngày bộ {ref} có hiệu lực ({effective}).",
        "en": "The effective date {date} is before {ref} comes into force ({effective}).",
    },
    "store.activation_exists": {
        "vi": "Tỉnh '{province}' đã có bộ {ref} kích hoạt từ ngày {date} (lần kích hoạt số {id}); hãy hủy kích hoạt đó trước.",
        "en": "Province '{province}' already has {ref} active from {date} (activation {id}); deactivate it first.",
    },
    "store.activation_ended": {
        "vi": "Lần kích hoạt số {id} đã bị hủy từ trước.",
        "en": "Activation {id} was already deactivated.",
    },
    "store.refuse_bind": {
        "vi": "Không mở máy chủ ra ngoài ({host}) khi chưa có tài khoản nào. Tạo tài khoản trước: chuanxa users add TÊN --role admin.",
        "en": "Refusing to listen on {host} with no users configured. Add one first: chuanxa users add NAME --role admin.",
    },
}


def render(key: str, lang: Lang, params: dict[str, object]) -> str:
    """Fill the catalogue template `key` in `lang` with `params` (missing placeholders stay visible)."""
    text = CATALOGUE[key][lang].format_map(_Lenient(params))
    suggestions = params.get("suggestions")
    if suggestions:
        joined = ", ".join(str(s) for s in suggestions)  # type: ignore[attr-defined]
        text += f" {_DID_YOU_MEAN[lang]} {joined}?"
    return text


_DID_YOU_MEAN: Final[dict[Lang, str]] = {"vi": "Có phải ý bạn là:", "en": "Did you mean:"}


class _Lenient(dict[str, object]):
    def __missing__(self, key: str) -> str:
        # A language-specific placeholder ("field_vi") falls back on the common one ("field") when not given.
        for suffix in ("_vi", "_en"):
            if key.endswith(suffix) and key[: -len(suffix)] in self:
                return str(self[key[: -len(suffix)]])
        return "{" + key + "}"
