"""Cross-record references: every id a record names exists, is of the right kind, and links back."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.check.rules.layout import year_of
from ocop.findings import Finding, Related, make, rule
from ocop.model.layout import KIND_VI
from ocop.model.registry import Record, Registry, as_list

rule("REF-MISSING", "error", "Tham chiếu tới hồ sơ không tồn tại",
     "Mã hồ sơ được nhắc tới (chủ thể, sản phẩm, quyết định, chứng nhận, phiếu đánh giá) phải có trong sổ đăng ký.",
     example="producer: ct-ha-noi-9999 (không có tệp ct-ha-noi-9999.yaml)",
     fix="Sửa mã cho đúng, hoặc thêm hồ sơ được nhắc tới trong cùng yêu cầu hợp nhất (pull request).",
     family="references", fixed="producer: ct-ha-noi-0001 (có tệp registry/ha-noi/producers/ct-ha-noi-0001.yaml)")
rule("REF-KIND", "error", "Tham chiếu sai loại hồ sơ",
     "Mã được nhắc tới tồn tại nhưng là loại hồ sơ khác.",
     example="product: ct-ha-noi-0001 (đây là mã chủ thể)", fix="Dùng mã của đúng loại hồ sơ.", family="references", fixed="product: sp-ha-noi-0001")
rule("DECISION-ENTRY", "error", "Quyết định và chứng nhận không khớp",
     "Mỗi chứng nhận phải được liệt kê trong quyết định của nó, với cùng sản phẩm và hạng sao, và ngược lại.",
     example="cn-…-0001 có star: 4 nhưng trong quyết định ghi star: 3",
     fix="Sửa cho chứng nhận và mục trong quyết định khớp nhau.", family="references", fixed="cn-…-0001 có star: 3, đúng như dòng của nó trong quyết định")
rule("CERT-PROVINCE", "error", "Chứng nhận khác tỉnh với sản phẩm",
     "Chứng nhận nằm trong thư mục tỉnh của sản phẩm.",
     example="registry/ha-noi/certificates/… cho sản phẩm của hai-phong",
     fix="Chuyển chứng nhận vào thư mục tỉnh của sản phẩm.", family="references", fixed="registry/hai-phong/certificates/… cho sản phẩm của hai-phong")
rule("SUPERSEDES", "error", "Thay thế chứng nhận không hợp lệ",
     "Chứng nhận chỉ thay thế một chứng nhận trước đó của cùng sản phẩm.",
     example="supersedes: cn-… của sản phẩm khác", fix="Sửa mã chứng nhận được thay thế.", family="references", fixed="supersedes: cn-… của chính sản phẩm này")
rule("CERT-EVALUATION", "error", "Phiếu đánh giá của sản phẩm khác",
     "Chứng nhận chỉ dẫn phiếu đánh giá của chính sản phẩm được công nhận.",
     example="cn-… cho sp-ha-noi-0001 có evaluation: dg-… chấm sp-ha-noi-0002",
     fix="Sửa mã phiếu đánh giá cho đúng sản phẩm.", family="references", fixed="cn-… cho sp-ha-noi-0001 có evaluation: dg-… chấm chính sp-ha-noi-0001")
rule("REF-PHOTO", "error", "Ảnh không có trong kho",
     "Đường dẫn ảnh phải trỏ tới tệp ảnh có trong sổ đăng ký, trong thư mục registry/ "
     "(thường là registry/<tỉnh>/media/); liên kết tượng trưng không được tính.",
     example="photos: [registry/ha-noi/media/khong-co.jpg]",
     fix="Thêm tệp ảnh vào kho cùng yêu cầu hợp nhất, hoặc sửa đường dẫn.", family="references", fixed="photos: [registry/ha-noi/media/sp-ha-noi-0001.jpg]  (tệp có trong kho)")


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    del ctx
    for product in registry.all("product"):
        yield from _ref(registry, product, "producer", ("producer",))
        yield from _photos(registry, product)
    for evaluation in registry.all("evaluation"):
        yield from _ref(registry, evaluation, "product", ("product",))
    for cert in registry.all("certificate"):
        yield from _certificate(registry, cert)
    for decision in registry.all("decision"):
        yield from _decision_entries(registry, decision)


def _ref(registry: Registry, record: Record, kind: str, keypath: tuple) -> Iterator[Finding]:
    value = record.data
    for key in keypath:
        value = value.get(key) if isinstance(value, dict) else (value[key] if isinstance(value, list) else None)
    if not isinstance(value, str):
        return
    if registry.get(kind, value) is not None:
        return
    line, column = record.locate(*keypath)
    other = registry.find(value)
    if other is not None:
        yield make("REF-KIND", record.path, line, column,
                   f"«{value}» là {KIND_VI[other.kind]}, không phải {KIND_VI[kind]}.",
                   related=[Related(other.path, 1, 1, f"hồ sơ {KIND_VI[other.kind]} «{value}»")])
    else:
        yield make("REF-MISSING", record.path, line, column,
                   f"Không tìm thấy {KIND_VI[kind]} «{value}» trong sổ đăng ký.",
                   f"Kiểm tra lại mã, hoặc thêm tệp {value}.yaml vào thư mục {KIND_VI[kind]} của tỉnh.")


def _photos(registry: Registry, product: Record) -> Iterator[Finding]:
    for i, photo in enumerate(as_list(product.get("photos"))):
        if not isinstance(photo, str):
            continue
        if not _photo_exists(registry, photo):
            line, column = product.locate("photos", i)
            yield make("REF-PHOTO", product.path, line, column, f"Không có tệp ảnh «{photo}» trong kho.",
                       "Đặt ảnh trong registry/<tỉnh>/media/ (cùng yêu cầu hợp nhất) và ghi đường dẫn tới đó.")


def _photo_exists(registry: Registry, photo: str) -> bool:
    """Among the files the loader found (registry/ and plans/, no symlinks): then the verdict depends only
    on inputs the validation cache keys on."""
    return posixpath.normpath(photo) in registry.files


def _certificate(registry: Registry, cert: Record) -> Iterator[Finding]:
    yield from _ref(registry, cert, "product", ("product",))
    yield from _ref(registry, cert, "decision", ("decision",))
    if isinstance(cert.get("evaluation"), str):
        yield from _ref(registry, cert, "evaluation", ("evaluation",))
        yield from _evaluation_product(registry, cert)
    if isinstance(cert.get("supersedes"), str):
        yield from _ref(registry, cert, "certificate", ("supersedes",))
        yield from _supersedes(registry, cert)
    product = registry.get("product", cert.get("product"))
    if product and product.get("province") != cert.get("province") and isinstance(product.get("province"), str):
        line, column = cert.locate("product")
        yield make("CERT-PROVINCE", cert.path, line, column,
                   f"Sản phẩm «{product.id}» thuộc tỉnh «{product.get('province')}», chứng nhận lại ở «{cert.get('province')}».",
                   related=[Related(product.path, *product.locate("province"), "tỉnh của sản phẩm")])
    decision = registry.get("decision", cert.get("decision"))
    if decision is None:
        return
    yield from _listed_in_decision(cert, decision)
    date, keypath = year_of(cert, registry)
    folder = cert.location.year_folder
    if isinstance(date, str) and date[:4] != folder:
        line, column = cert.locate(*keypath)
        yield make("LAYOUT-YEAR", cert.path, line, column,
                   f"Chứng nhận có hiệu lực từ năm {date[:4]} nhưng nằm trong thư mục «{folder}».",
                   f"Chuyển tệp vào thư mục «{date[:4]}».")


def _evaluation_product(registry: Registry, cert: Record) -> Iterator[Finding]:
    evaluation = registry.get("evaluation", cert.get("evaluation"))
    if evaluation is not None and evaluation.get("product") != cert.get("product"):
        yield make("CERT-EVALUATION", cert.path, *cert.locate("evaluation"),
                   f"Phiếu đánh giá «{evaluation.id}» chấm sản phẩm «{evaluation.get('product')}», không phải «{cert.get('product')}».",
                   related=[Related(evaluation.path, *evaluation.locate("product"), "sản phẩm của phiếu đánh giá")])


def _listed_in_decision(cert: Record, decision: Record) -> Iterator[Finding]:
    entries = [e for e in as_list(decision.get("entries")) if isinstance(e, dict)]
    index = next((i for i, e in enumerate(entries) if e.get("certificate") == cert.id), None)
    if decision.get("type") != "recognition":
        yield make("DECISION-ENTRY", cert.path, *cert.locate("decision"),
                   f"Quyết định «{decision.id}» không phải quyết định công nhận.",
                   related=[Related(decision.path, *decision.locate("type"), "loại quyết định")])
        return
    if index is None:
        yield make("DECISION-ENTRY", cert.path, *cert.locate("decision"),
                   f"Quyết định «{decision.id}» không liệt kê chứng nhận «{cert.id}».",
                   "Thêm mục cho chứng nhận này vào entries của quyết định.",
                   related=[Related(decision.path, *decision.locate("entries"), "danh sách sản phẩm của quyết định")])
        return
    entry = entries[index]
    for key in ("product", "star"):
        if key in entry and entry.get(key) != cert.get(key):
            cl, cc = cert.locate(key)
            yield make("DECISION-ENTRY", cert.path, cl, cc,
                       f"Chứng nhận ghi {key}: {cert.get(key)} nhưng quyết định «{decision.id}» ghi {entry.get(key)}.",
                       related=[Related(decision.path, *decision.locate("entries", index, key), "mục trong quyết định")])


def _decision_entries(registry: Registry, decision: Record) -> Iterator[Finding]:
    for i, entry in enumerate(as_list(decision.get("entries"))):
        if not isinstance(entry, dict):
            continue
        yield from _ref(registry, decision, "product", ("entries", i, "product"))
        if not isinstance(entry.get("certificate"), str):
            continue
        yield from _ref(registry, decision, "certificate", ("entries", i, "certificate"))
        cert = registry.get("certificate", entry["certificate"])
        if cert is None:
            continue
        if decision.get("type") == "recognition" and cert.get("decision") != decision.id:
            line, column = decision.locate("entries", i, "certificate")
            yield make("DECISION-ENTRY", decision.path, line, column,
                       f"Chứng nhận «{cert.id}» thuộc quyết định «{cert.get('decision')}», không phải quyết định này.",
                       related=[Related(cert.path, *cert.locate("decision"), "quyết định ghi trong chứng nhận")])
        if decision.get("type") == "revocation" and entry.get("product") != cert.get("product"):
            line, column = decision.locate("entries", i, "product")
            yield make("DECISION-ENTRY", decision.path, line, column,
                       f"Chứng nhận «{cert.id}» là của sản phẩm «{cert.get('product')}».",
                       related=[Related(cert.path, *cert.locate("product"), "sản phẩm của chứng nhận")])


def _supersedes(registry: Registry, cert: Record) -> Iterator[Finding]:
    previous = registry.get("certificate", cert.get("supersedes"))
    if previous is None:
        return
    if previous.get("product") != cert.get("product"):
        line, column = cert.locate("supersedes")
        yield make("SUPERSEDES", cert.path, line, column,
                   f"«{previous.id}» là chứng nhận của sản phẩm khác («{previous.get('product')}»).",
                   related=[Related(previous.path, *previous.locate("product"), "sản phẩm của chứng nhận cũ")])
    elif previous.id == cert.id:
        line, column = cert.locate("supersedes")
        yield make("SUPERSEDES", cert.path, line, column, "Chứng nhận không thể tự thay thế chính nó.")
