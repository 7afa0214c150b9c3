"""Scoring rules: every evaluation is recomputed from the dated criteria data and compared with what
was declared, and every certificate's star and score with the evaluation it cites."""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.domain import scoring
from ocop.findings import Finding, Related, make, rule
from ocop.model.registry import Record, Registry, as_list

F = "scoring"
rule("SCORE-CRITERIA-SET", "error", "Bộ tiêu chí không có hiệu lực vào ngày đó",
     "Phiếu đánh giá dùng bộ tiêu chí có hiệu lực vào ngày đánh giá (1048/2019 đến 23/02/2023, 148/2023 từ "
     "24/02/2023); quyết định công nhận ghi bộ tiêu chí có hiệu lực vào ngày ban hành (hoặc bộ của các phiếu "
     "đánh giá mà nó công nhận).",
     example='date: "2024-05-10" với criteria_set: "1048/2019"',
     fix="Sửa criteria_set theo ngày đánh giá (và product_set cho khớp bộ tiêu chí).", family=F, fixed="date: \"2024-05-10\" với criteria_set: \"148/2023\"")
rule("SCORE-PRODUCT-SET", "error", "Bộ sản phẩm không có trong bộ tiêu chí",
     "product_set phải là một bộ sản phẩm trong dữ liệu bộ tiêu chí; phiếu theo tiêu chí cần bộ có phiếu chấm chi tiết.",
     example='criteria_set: "148/2023" với product_set: 1048-01',
     fix="Dùng mã bộ sản phẩm đúng (xem tools/ocop/domain/data/criteria/), hoặc ghi điểm theo phần.", family=F, fixed="criteria_set: \"1048/2019\" với product_set: 1048-01")
rule("SCORE-OPTION", "error", "Phương án không có trong phiếu chấm",
     "Mỗi thành viên chọn đúng một phương án có trong phiếu chấm cho mọi tiêu chí của bộ sản phẩm.",
     example="choices: {A01: 7}  (tiêu chí A01 chỉ có phương án 1–3)",
     fix="Sửa số phương án theo phiếu chấm; bổ sung tiêu chí còn thiếu.", family=F, fixed="choices: {A01: 3}")
rule("SCORE-PART-MAX", "error", "Điểm phần vượt điểm tối đa",
     "Điểm phần A, B, C không vượt điểm tối đa của bộ tiêu chí (1048: 35/25/40; 148: 40/25/35).",
     example='criteria_set: "1048/2019", parts: {A: 38, B: 20, C: 30}',
     fix="Sửa điểm phần; kiểm tra phiếu có dùng đúng bộ tiêu chí không.", family=F, fixed="criteria_set: \"1048/2019\", parts: {A: 35, B: 20, C: 30}")
rule("SCORE-MANDATORY", "error", "Tiêu chí bắt buộc không hợp lệ",
     "failed_mandatory chỉ ghi mã tiêu chí bắt buộc của bộ tiêu chí có cơ chế bắt buộc (148/2023).",
     example='criteria_set: "1048/2019" với failed_mandatory: [A01]',
     fix="Xóa failed_mandatory hoặc sửa mã tiêu chí cho đúng phiếu chấm.", family=F, fixed="criteria_set: \"1048/2019\" và star tối đa 2 khi không đạt tiêu chí bắt buộc A01")
rule("SCORE-TOTAL", "error", "Tổng điểm khác điểm tính lại",
     "Tổng điểm là trung bình tổng điểm của các thành viên, làm tròn 2 chữ số thập phân (làm tròn nửa lên, xa số 0).",
     example="members: A 26 + B 15 + C 23 và A 25 + B 16 + C 24 → 64.5, nhưng total: 68",
     fix="Sửa total theo điểm tính lại bằng «ocop score <tệp>», hoặc sửa điểm của thành viên.", family=F, fixed="members: A 26 + B 15 + C 23 và A 25 + B 16 + C 24 → total: 64.5")
rule("SCORE-STAR", "error", "Hạng sao khác hạng tính lại",
     "Hạng sao của phiếu theo khung điểm (5★ 90–100, 4★ 70–<90, 3★ 50–<70, 2★ 30–<50, 1★ <30), "
     "hạ xuống khi không đạt một tiêu chí bắt buộc cho hạng đó.",
     example="total: 72 với star: 5", fix="Sửa star theo «ocop score <tệp>».", family=F, fixed="total: 72 với star: 4")
rule("CERT-STAR", "error", "Chứng nhận có hạng sao khác kết quả đánh giá",
     "Hạng sao của chứng nhận bằng hạng tính lại từ phiếu đánh giá của nó (sản phẩm ≥ 90 điểm ở cấp tỉnh "
     "được công nhận 4★ trong khi chờ trung ương).",
     example="chứng nhận star: 5 cho phiếu đánh giá 72 điểm",
     fix="Sửa hạng sao của chứng nhận (và mục trong quyết định), hoặc dẫn đúng phiếu đánh giá.", family=F, fixed="chứng nhận star: 4 cho phiếu đánh giá 72 điểm")
rule("CERT-SCORE", "error", "Điểm trên chứng nhận khác tổng điểm đánh giá",
     "Trường score của chứng nhận bằng tổng điểm tính lại của phiếu đánh giá mà nó dẫn.",
     example="score: 75 nhưng phiếu đánh giá tính ra 64.5", fix="Sửa score theo «ocop score <phiếu>».", family=F, fixed="score: 64.5, đúng điểm phiếu đánh giá tính ra")

CENTRAL_PENDING = (5, 4)  # (computed, certified): a province recognises 4★ while central rates a 5★ product


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    del ctx
    scores: dict[str, scoring.Score | None] = {}
    for evaluation in registry.all("evaluation"):
        result, findings = _evaluation(evaluation)
        scores[evaluation.id] = result
        yield from findings
    for cert in registry.all("certificate"):
        yield from _certificate(registry, cert, scores)
    for decision in registry.all("decision"):
        yield from _decision_set(registry, decision)


def _evaluation(evaluation: Record) -> tuple[scoring.Score | None, list[Finding]]:
    findings = list(_set_in_force(evaluation))
    if findings:
        return None, findings
    result = scoring.score(evaluation.data)
    if result is None:
        return None, findings
    for problem in result.problems:
        line, column = evaluation.locate(*problem.keypath)
        findings.append(make(problem.code, evaluation.path, line, column, problem.message, problem.hint))
    if result.problems:
        return None, findings
    findings.extend(_declared(evaluation, result))
    return result, findings


def _set_in_force(evaluation: Record) -> Iterator[Finding]:
    date, set_id = evaluation.get("date"), evaluation.get("criteria_set")
    cset = scoring.criteria_sets().get(str(set_id))
    if not isinstance(date, str) or cset is None or cset.in_force(date):
        return
    right = scoring.set_in_force(date)
    line, column = evaluation.locate("criteria_set")
    yield make("SCORE-CRITERIA-SET", evaluation.path, line, column,
               f"Ngày đánh giá {date} nhưng bộ tiêu chí {set_id} chỉ có hiệu lực {cset.period_vi()}.",
               f"Dùng bộ tiêu chí {right.id} và một bộ sản phẩm của nó." if right
               else "Không có bộ tiêu chí nào có hiệu lực vào ngày này: kiểm tra lại ngày đánh giá.")


def _declared(evaluation: Record, result: scoring.Score) -> Iterator[Finding]:
    total = evaluation.get("total")
    if _is_number(total) and scoring.dec(total) != result.total:
        line, column = evaluation.locate("total")
        yield make("SCORE-TOTAL", evaluation.path, line, column,
                   f"Tổng điểm ghi {total}, tính lại từ phiếu của {len(as_list(evaluation.get('members')))} thành viên là "
                   f"{_fmt(result.total)}.",
                   f"Sửa thành total: {_fmt(result.total)} (hoặc sửa điểm thành viên cho đúng biên bản).")
    star = evaluation.get("star")
    if isinstance(star, int) and not isinstance(star, bool) and star != result.star:
        line, column = evaluation.locate("star")
        yield make("SCORE-STAR", evaluation.path, line, column,
                   f"Hạng sao ghi {star}★ nhưng {_why(result)}.", f"Sửa thành star: {result.star}.")


def _why(result: scoring.Score) -> str:
    text = f"tổng điểm {_fmt(result.total)} thuộc hạng {result.band}★"
    if result.star != result.band:
        text += f", hạ xuống {result.star}★ vì không đạt tiêu chí bắt buộc {', '.join(result.failed_mandatory)}"
    return text


def _certificate(registry: Registry, cert: Record, scores: dict[str, scoring.Score | None]) -> Iterator[Finding]:
    evaluation = registry.get("evaluation", cert.get("evaluation"))
    result = scores.get(evaluation.id) if evaluation else None
    if evaluation is None or result is None:
        return
    related = [Related(evaluation.path, 1, 1, f"phiếu đánh giá {evaluation.id}: {_fmt(result.total)} điểm, "
                                             f"{result.star}★")]
    star = cert.get("star")
    if isinstance(star, int) and star != result.star and (result.star, star) != CENTRAL_PENDING:
        line, column = cert.locate("star")
        yield make("CERT-STAR", cert.path, line, column,
                   f"Chứng nhận ghi {star}★ nhưng phiếu đánh giá {evaluation.id}: {_why(result)}.",
                   f"Sửa hạng sao thành {result.star} ở chứng nhận và trong quyết định, hoặc dẫn đúng phiếu đánh giá.",
                   related)
    score = cert.get("score")
    if _is_number(score) and scoring.dec(score) != result.total:
        line, column = cert.locate("score")
        yield make("CERT-SCORE", cert.path, line, column,
                   f"Chứng nhận ghi {score} điểm nhưng phiếu đánh giá {evaluation.id} tính ra {_fmt(result.total)}.",
                   f"Sửa thành score: {_fmt(result.total)}.", related)


def _decision_set(registry: Registry, decision: Record) -> Iterator[Finding]:
    date, set_id = decision.get("date"), decision.get("criteria_set")
    cset = scoring.criteria_sets().get(str(set_id))
    if decision.get("type") != "recognition" or not isinstance(date, str) or cset is None or cset.in_force(date):
        return
    if _transition(registry, decision, cset):
        return
    right = scoring.set_in_force(date)
    line, column = decision.locate("criteria_set")
    yield make("SCORE-CRITERIA-SET", decision.path, line, column,
               f"Quyết định ngày {date} ghi bộ tiêu chí {set_id}, bộ này chỉ có hiệu lực {cset.period_vi()}.",
               (f"Sửa thành criteria_set: \"{right.id}\"" if right else "Kiểm tra lại ngày ban hành")
               + ", hoặc dẫn các phiếu đánh giá (chấm khi bộ tiêu chí còn hiệu lực) từ chứng nhận của quyết định.")


def _transition(registry: Registry, decision: Record, cset: scoring.CriteriaSet) -> bool:
    """A decision just after a change of criteria set may recognise evaluations made under the old one."""
    evaluations = []
    for entry in as_list(decision.get("entries")):
        cert = registry.get("certificate", entry.get("certificate")) if isinstance(entry, dict) else None
        evaluation = registry.get("evaluation", cert.get("evaluation")) if cert else None
        if evaluation is None:
            return False
        evaluations.append(evaluation)
    return bool(evaluations) and all(
        e.get("criteria_set") == cset.id and isinstance(e.get("date"), str) and cset.in_force(e.get("date"))
        for e in evaluations)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value) -> str:
    """64.50 → 64.5, 72.00 → 72: how a council writes a score."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
