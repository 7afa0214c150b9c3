"""Rules of `ocop import` (records from a province's spreadsheet or the national system's JSON). They are
registered here, with the checks, so that the rule catalogue is the same in every process and `ocop rules` lists
them without importing the importer. The family has no check function: `authoring/importer/` reports them, each
at a cell of the spreadsheet (`Finding.cell`, e.g. "Sheet1!C12") or a value of the JSON ("/12/manufacturer/name")."""

from __future__ import annotations

from ocop.findings import rule

F = "import"
V = "0.2.0"

rule("IMPORT-FILE", "error", "Không đọc được bảng tính",
     "`ocop import` đọc tệp .xlsx (Excel 2007 trở lên) hoặc .csv. Tệp hỏng, tệp .xls cũ, tệp có mật khẩu, tệp quá "
     "lớn (quá nhiều dòng, cột hay dữ liệu nén) hoặc không có trang tính được yêu cầu thì không nhập được; không "
     "hồ sơ nào được ghi.",
     example="ocop import danh-sach.xls --province hai-phong   (định dạng Excel 97-2003)",
     fix="Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng «Excel Workbook (.xlsx)» hoặc «CSV UTF-8».",
     fixed="ocop import danh-sach.xlsx --province hai-phong", family=F, added_in=V)
rule("IMPORT-ENCODING", "error", "Tệp CSV không phải UTF-8",
     "Tệp CSV phải được lưu với mã hóa UTF-8 (có hoặc không có BOM); tệp lưu bằng bảng mã cũ (Windows-1258, TCVN3, "
     "UTF-16) làm sai tiếng Việt nên không được đọc đoán.",
     example="Tệp lưu bằng Excel với «CSV (Comma delimited)» trên Windows tiếng Việt (bảng mã Windows-1258)",
     fix="Trong Excel: Tệp → Lưu thành → chọn «CSV UTF-8 (Comma delimited) (*.csv)».",
     fixed="Tệp lưu với «CSV UTF-8 (Comma delimited)»", family=F, added_in=V)
rule("IMPORT-HEADER", "error", "Không tìm thấy dòng tiêu đề hoặc cột bắt buộc",
     "Bảng tính cần một dòng tiêu đề (có thể nằm dưới các dòng tên văn bản, có thể gộp ô) với ít nhất cột tên sản "
     "phẩm và cột chủ thể; tên cột được so khớp không phân biệt hoa thường và dấu (STT, Tên sản phẩm, Chủ thể, Địa "
     "chỉ, Hạng sao, Điểm, Nhóm, Số quyết định, Ngày quyết định, Mã số thuế, Điện thoại…).",
     example="Cột tên sản phẩm ghi «Sản phẩm OCOP được công nhận» (không khớp tên cột nào)",
     fix="Đổi tên cột theo danh sách trên, hoặc chỉ rõ cột bằng --map \"Tên cột=product_name\".",
     fixed='ocop import bang.xlsx --province hai-phong --map "Sản phẩm OCOP được công nhận=product_name"',
     family=F, added_in=V)
rule("IMPORT-VALUE", "error", "Giá trị trong ô không đọc được",
     "Giá trị của một cột cần cho hồ sơ phải đọc được: hạng sao 3–5 («3 sao», «3★», «03»), ngày dd/mm/yyyy hoặc ngày "
     "Excel, mã số thuế 10 chữ số (hoặc 10-3 cho chi nhánh), nhóm sản phẩm theo bộ tiêu chí đang áp dụng, văn bản "
     "không quá dài và không có ký tự điều khiển. Ô chứa công thức (=…) không được tính: dán giá trị thay cho công "
     "thức.",
     example='Ô «Hạng sao» ghi «2 sao»; ô tên sản phẩm chứa =HYPERLINK("http://…","Trà")',
     fix="Sửa giá trị trong bảng tính; với công thức: sao chép cột rồi «Dán đặc biệt → Giá trị».",
     fixed="Ô «Hạng sao» ghi «3 sao»; ô tên sản phẩm ghi Trà", family=F, added_in=V)
rule("IMPORT-VALUE-DROPPED", "warning", "Bỏ qua giá trị không đọc được ở cột không bắt buộc",
     "Giá trị của một cột không bắt buộc (điện thoại, thư điện tử, điểm…) không đọc được: hồ sơ vẫn được nhập, "
     "không có giá trị đó.",
     example="Ô «Điện thoại» ghi «0912 345 678 - 0987 654 321» (hai số)",
     fix="Ghi một giá trị đúng dạng trong ô, hoặc bổ sung vào hồ sơ sau khi nhập.",
     fixed="Ô «Điện thoại» ghi «0912 345 678»", family=F, added_in=V)
rule("IMPORT-MISSING", "error", "Thiếu thông tin bắt buộc để tạo hồ sơ",
     "Hồ sơ mới cần đủ trường bắt buộc của lược đồ: chủ thể cần tên, loại hình (suy từ tên «Công ty…», «HTX…», «Hộ "
     "kinh doanh…» hoặc cột Loại hình), người đại diện, mã số thuế (doanh nghiệp, hợp tác xã) hoặc số đăng ký; sản "
     "phẩm cần tên và nhóm; quyết định cần số, ngày, cơ quan ban hành và người ký. Không có giá trị nào được đoán.",
     example="Dòng có «Hợp tác xã Chè Tân Cương» nhưng bảng không có cột «Người đại diện»",
     fix="Thêm cột còn thiếu vào bảng tính (hoặc chỉ rõ bằng --map), hoặc dùng --signer/--issuer cho quyết định.",
     fixed="Thêm cột «Người đại diện» ghi «Nguyễn Văn An»", family=F, added_in=V)
rule("IMPORT-AMBIGUOUS", "error", "Có nhiều hồ sơ khớp: không tự gộp",
     "Chủ thể được ghép với hồ sơ đã có theo mã số thuế, nếu không có thì theo tên (chuẩn hóa) trong cùng tỉnh; sản "
     "phẩm theo tên (chuẩn hóa) và chủ thể. Khi có từ hai hồ sơ khớp trở lên, dòng không được nhập: công cụ không "
     "chọn thay người dùng.",
     example="Hai hồ sơ ct-hai-phong-0001 và ct-hai-phong-0007 cùng tên «HTX Nông nghiệp Thanh An», dòng không có "
             "mã số thuế",
     fix="Ghi mã số thuế của chủ thể vào bảng tính, hoặc gộp các hồ sơ trùng trong sổ đăng ký trước.",
     fixed="Thêm mã số thuế 0801234567 vào dòng", family=F, added_in=V)
rule("IMPORT-CONFLICT", "error", "Bảng tính mâu thuẫn với sổ đăng ký",
     "Quyết định và chứng nhận đã ban hành không bị sửa bằng nhập bảng tính: một quyết định đã có (cùng số và ngày) "
     "phải liệt kê đúng sản phẩm và hạng sao như trong bảng. Chủ thể cùng tên nhưng khác mã số thuế, hay một sản "
     "phẩm hai hạng sao trong cùng quyết định, cũng là mâu thuẫn.",
     example="Bảng ghi sản phẩm 4 sao theo Quyết định 865/QĐ-UBND ngày 15/03/2022, trong sổ quyết định này ghi 3 sao",
     fix="Đối chiếu bản giấy của quyết định; sửa bảng tính, hoặc thêm quyết định mới nếu đây là lần công nhận khác.",
     fixed="Bảng ghi 3 sao như quyết định", family=F, added_in=V)
rule("IMPORT-DUPLICATE", "warning", "Dòng lặp lại",
     "Cùng một sản phẩm của cùng chủ thể xuất hiện hai lần trong cùng một quyết định (hoặc hai lần khi bảng không có "
     "cột quyết định): chỉ dòng đầu tiên được nhập.",
     example="Dòng 12 và dòng 40 cùng ghi «Trà xanh Tân Cương» của «HTX Chè Tân Cương», Quyết định 123/QĐ-UBND",
     fix="Xóa dòng lặp trong bảng tính.", fixed="Chỉ còn dòng 12", family=F, added_in=V)
rule("IMPORT-PROVINCE", "error", "Địa chỉ thuộc tỉnh khác",
     "Địa chỉ trong bảng phải thuộc tỉnh được nhập (--province), theo đơn vị hiện hành hoặc đơn vị trước 01/7/2025 "
     "đã sáp nhập vào tỉnh đó.",
     example="ocop import … --province hai-phong, ô địa chỉ ghi «xã Yên Sở, huyện Hoài Đức, thành phố Hà Nội»",
     fix="Nhập dòng này với --province của tỉnh đúng, hoặc sửa địa chỉ.",
     fixed="ocop import … --province ha-noi", family=F, added_in=V)
rule("IMPORT-UNIT", "warning", "Không xác định được đơn vị hành chính",
     "Địa chỉ được tách thành xã (phường, thị trấn), huyện (đơn vị trước 01/7/2025) và tỉnh theo danh mục chính thức, "
     "chấp nhận viết tắt (TT., P., H., TX, TP, Q.) và thiếu dấu. Khi một đơn vị không có trong danh mục hoặc khớp "
     "nhiều đơn vị, hồ sơ giữ nguyên văn địa chỉ ở trường street, không có mã xã; các đơn vị có thể là được liệt kê.",
     example="«thôn 3, xã Tân Hòa, thành phố Hải Phòng» (không có xã Tân Hòa trong thành phố)",
     fix="Sửa tên xã theo danh mục (xem gợi ý), hoặc bổ sung mã xã vào hồ sơ sau khi nhập.",
     fixed="«thôn 3, xã Thanh Hà, thành phố Hải Phòng»", family=F, added_in=V)
rule("IMPORT-UNIT-RENAMED", "warning", "Đơn vị hành chính đã đổi trước ngày quyết định",
     "Đơn vị ghi trong bảng đã được đổi tên, nâng cấp (xã thành thị trấn, phường…) hoặc sáp nhập trước ngày của quyết "
     "định: hồ sơ giữ đơn vị như bảng ghi (khi đơn vị đó có trong danh mục), không tự đổi sang đơn vị kế tiếp; đơn vị "
     "kế tiếp được nêu để người nhập kiểm tra.",
     example="Quyết định ngày 10/09/2025 ghi «xã Thanh An, huyện Thanh Hà, tỉnh Hải Dương» (đã sáp nhập từ 01/7/2025)",
     fix="Nếu chủ thể đã cập nhật địa chỉ theo đơn vị mới, ghi địa chỉ mới vào bảng (ví dụ «xã Hà Bắc, thành phố Hải "
         "Phòng»); nếu không, giữ nguyên.",
     fixed="«thôn An Lại, xã Hà Bắc, thành phố Hải Phòng»", family=F, added_in=V)
rule("IMPORT-CHANGED", "warning", "Bảng tính khác hồ sơ đã có",
     "Dòng khớp với một hồ sơ đã có nhưng một số giá trị khác (địa chỉ, điện thoại, nhóm…). Không có --update thì hồ "
     "sơ được giữ nguyên; với --update chỉ các giá trị khác được ghi lại.",
     example="Bảng ghi điện thoại 0912345678, hồ sơ ct-hai-phong-0001 ghi 0912000000",
     fix="Kiểm tra giá trị nào đúng; chạy lại với --update để ghi giá trị của bảng tính.",
     fixed="ocop import bang.xlsx --province hai-phong --update", family=F, added_in=V)
rule("IMPORT-UNCLASSIFIED", "error", "Không xếp được sản phẩm vào nhóm",
     "`ocop import ocop-vn` đọc loại sản phẩm (`type`) của Hệ thống thông tin OCOP quốc gia: food, drink, herbs, "
     "cloth, keepsake, travel (sáu nhóm của bộ tiêu chí 1048). Theo bộ tiêu chí 148 một loại có thể ứng với nhiều "
     "nhóm («keepsake»: Hàng thủ công mỹ nghệ hoặc Sinh vật cảnh): công cụ không đoán, sản phẩm không được nhập. "
     "Bảng đối chiếu: tools/ocop/domain/data/national-types.yaml.",
     example='Sản phẩm «Lan hồ điệp» ghi "type": "keepsake", quyết định ngày 12/05/2024 (bộ 148)',
     fix="Nhập sản phẩm này bằng bảng tính có cột «Nhóm» (ví dụ «Sinh vật cảnh»), hoặc tạo hồ sơ bằng "
         "ocop new product.",
     fixed="Bảng tính ghi «Lan hồ điệp», nhóm «Sinh vật cảnh»", family=F, added_in=V)
rule("IMPORT-EXPIRY", "warning", "Ngày hết hạn trong tệp khác hiệu lực theo quyết định",
     "Chứng nhận OCOP có hiệu lực 36 tháng kể từ ngày quyết định công nhận; sổ đăng ký tính ngày hết hạn từ ngày "
     "quyết định. Khi tệp nhập (cột «Ngày hết hạn», hay `expiry_date` của hệ thống quốc gia) ghi ngày khác, chứng nhận "
     "vẫn ghi ngày tính được và cảnh báo này chỉ ra chỗ lệch để người nhập đối chiếu.",
     example='"issued_on": "2023-05-12", "expiry_date": "2025-05-12" (24 tháng)',
     fix="Đối chiếu quyết định công nhận: sửa ngày quyết định hoặc ngày hết hạn trong tệp nguồn.",
     fixed='"issued_on": "2023-05-12", "expiry_date": "2026-05-12"', family=F, added_in=V)
