"""Certificate lifecycle rules: validity starting on the decision's date, at most 36 months, revocations
and supersession that go forward in time, one successor per certificate. (Expiry itself is a fact,
reported by `ocop expiry` and lifecycle.expiry_findings.)"""

from __future__ import annotations

from collections.abc import Iterator

from ocop.check.rules import Context
from ocop.domain import lifecycle
from ocop.findings import Finding, Related, make, rule
from ocop.model.registry import Record, Registry, as_list

F = "lifecycle"
rule("LIFECYCLE-ORDER", "error", "Ngày hiệu lực không hợp lệ",
     "valid_to phải sau valid_from, và valid_from không sớm hơn ngày ban hành quyết định.",
     example='valid_from: "2024-09-01", valid_to: "2024-03-01"',
     fix="Sửa ngày theo quyết định; bỏ trống để dùng mặc định (ngày quyết định, +36 tháng).", family=F, fixed="valid_from: \"2024-03-01\", valid_to: \"2027-03-01\"")
rule("LIFECYCLE-START", "error", "Hiệu lực bắt đầu sau ngày ban hành quyết định",
     "Chứng nhận OCOP có hiệu lực 36 tháng kể từ ngày ban hành quyết định công nhận, nên valid_from (nếu ghi) "
     "phải đúng ngày đó. Ghi ngày muộn hơn (nhiều năm sau, hay 9999-12-31) sẽ kéo dài hiệu lực quá 36 tháng.",
     example='decision: qd-hai-phong-2025-002 (ngày 2025-08-15)\nvalid_from: "2025-12-01"',
     fix="Sửa valid_from thành ngày ban hành quyết định, hoặc bỏ trống để dùng ngày đó.", family=F,
     fixed='decision: qd-hai-phong-2025-002 (ngày 2025-08-15)\nvalid_from: "2025-08-15"', added_in="0.2.0")
rule("LIFECYCLE-TOO-LONG", "error", "Hiệu lực quá 36 tháng",
     "Chứng nhận OCOP có hiệu lực 36 tháng kể từ valid_from (cùng ngày của tháng; tháng ngắn hơn thì ngày cuối tháng).",
     example='valid_from: "2024-08-20", valid_to: "2028-08-20"',
     fix="Sửa valid_to thành valid_from + 36 tháng, hoặc bỏ trống để dùng mặc định.", family=F, fixed="valid_from: \"2024-08-20\", valid_to: \"2027-08-20\"")
rule("LIFECYCLE-REVOKE-STALE", "warning", "Thu hồi chứng nhận đã hết tác dụng",
     "Quyết định thu hồi nêu một chứng nhận đã bị thu hồi hoặc đã được thay thế trước ngày đó.",
     example="thu hồi cn-…-0001 năm 2026 trong khi cn-…-0001 đã được công nhận lại (supersedes) năm 2025",
     fix="Kiểm tra mã chứng nhận: có thể cần thu hồi chứng nhận mới nhất của sản phẩm.", family=F, fixed="thu hồi chứng nhận đang còn hiệu lực (cn-…-2025-0001, chứng nhận công nhận lại)")
rule("LIFECYCLE-SUPERSEDE-ORDER", "error", "Thay thế chứng nhận ngược thời gian",
     "Chứng nhận thay thế (công nhận lại, nâng hạng) phải có hiệu lực sau chứng nhận bị thay thế.",
     example="cn-…-2022-0001 (hiệu lực 2022-05-01) supersedes cn-…-2024-0001 (hiệu lực 2024-08-20)",
     fix="Đảo lại: chứng nhận mới ghi supersedes: <mã chứng nhận cũ>.", family=F, fixed="cn-…-2024-0001 (hiệu lực 2024-08-20) supersedes cn-…-2022-0001 (hiệu lực 2022-05-01)")
rule("LIFECYCLE-SUPERSEDE-TWICE", "error", "Một chứng nhận bị nhiều chứng nhận thay thế",
     "Mỗi chứng nhận chỉ được một chứng nhận mới thay thế (công nhận lại hoặc nâng hạng). Khi hai chứng nhận cùng "
     "ghi supersedes một mã, cả hai cùng hiện còn hiệu lực cho một sản phẩm và không biết hạng sao nào đúng.",
     example="cn-hai-phong-2024-0002 và cn-hai-phong-2025-0003 cùng ghi supersedes: cn-hai-phong-2021-0001",
     fix="Chứng nhận mới hơn thay thế chứng nhận gần nhất của chuỗi: sửa supersedes của nó.", family=F,
     fixed="cn-hai-phong-2024-0002: supersedes: cn-hai-phong-2021-0001\n"
           "cn-hai-phong-2025-0003: supersedes: cn-hai-phong-2024-0002", added_in="0.2.0")


def check(registry: Registry, ctx: Context) -> Iterator[Finding]:
    del ctx
    for cert in registry.all("certificate"):
        yield from _dates(registry, cert)
        yield from _supersedes(registry, cert)
        yield from _successors(registry, cert)
    yield from _revocations(registry)


def _where(cert: Record, key: str) -> tuple[int, int]:
    return cert.locate(key if key in cert.data else "decision")


def _dates(registry: Registry, cert: Record) -> Iterator[Finding]:
    start, end = lifecycle.valid_from(registry, cert), lifecycle.valid_to(registry, cert)
    decision = registry.get("decision", cert.get("decision"))
    decided = lifecycle.parse_date(decision.get("date")) if decision else None
    if start and decided and start < decided:
        yield make("LIFECYCLE-ORDER", cert.path, *_where(cert, "valid_from"),
                   f"Hiệu lực từ {start} sớm hơn ngày ban hành quyết định {decision.id} ({decided}).",
                   f"Sửa valid_from thành {decided} (hoặc bỏ trống để dùng ngày quyết định).",
                   [Related(decision.path, *decision.locate("date"), "ngày ban hành quyết định")])
    if start and decided and start > decided:
        number = decision.get("number")
        named = f"{decision.id} (số {number})" if isinstance(number, str) else decision.id
        yield make("LIFECYCLE-START", cert.path, *_where(cert, "valid_from"),
                   f"Hiệu lực từ {start} muộn hơn ngày ban hành quyết định {named} là {decided}: chứng nhận "
                   f"có hiệu lực 36 tháng kể từ ngày quyết định.",
                   f"Sửa thành valid_from: \"{decided}\" hoặc bỏ trống để dùng ngày quyết định.",
                   [Related(decision.path, *decision.locate("date"), "ngày ban hành quyết định")])
        # measure what else is written against the lawful start; a derived valid_to is not the record's
        start, end = decided, lifecycle.parse_date(cert.get("valid_to"))
    if not (start and end):
        return
    if end <= start:
        yield make("LIFECYCLE-ORDER", cert.path, *_where(cert, "valid_to"),
                   f"Hiệu lực đến {end} không sau ngày hiệu lực từ {start}.",
                   "Sửa valid_to (mặc định: valid_from + 36 tháng).")
        return
    limit = lifecycle.add_months(start, lifecycle.VALIDITY_MONTHS)
    if end > limit:
        yield make("LIFECYCLE-TOO-LONG", cert.path, *_where(cert, "valid_to"),
                   f"Hiệu lực đến {end}, quá 36 tháng kể từ {start} (tối đa {limit}).",
                   f"Sửa thành valid_to: \"{limit}\" hoặc bỏ trống để dùng mặc định.")


def _supersedes(registry: Registry, cert: Record) -> Iterator[Finding]:
    previous = registry.get("certificate", cert.get("supersedes"))
    if previous is None or previous.id == cert.id:
        return
    new_start, old_start = lifecycle.valid_from(registry, cert), lifecycle.valid_from(registry, previous)
    if new_start and old_start and new_start <= old_start:
        yield make("LIFECYCLE-SUPERSEDE-ORDER", cert.path, *cert.locate("supersedes"),
                   f"Chứng nhận {cert.id} (hiệu lực từ {new_start}) thay thế {previous.id} có hiệu lực từ "
                   f"{old_start}: chứng nhận thay thế phải mới hơn.",
                   "Ghi supersedes ở chứng nhận mới hơn, trỏ về chứng nhận cũ hơn của cùng sản phẩm.",
                   [Related(previous.path, *_where(previous, "valid_from"), "chứng nhận bị thay thế")])


def _successors(registry: Registry, cert: Record) -> Iterator[Finding]:
    found = lifecycle.successors(registry, cert)
    if len(found) < 2:
        return
    listed = ", ".join(f"{c.id} (hiệu lực từ {start or '?'})" for start, c in found)
    yield make("LIFECYCLE-SUPERSEDE-TWICE", cert.path, *cert.locate("id"),
               f"Chứng nhận {cert.id} bị {len(found)} chứng nhận cùng thay thế: {listed}. Mỗi chứng nhận chỉ "
               f"được một chứng nhận mới thay thế.",
               "Sửa supersedes của chứng nhận mới hơn thành chứng nhận gần nhất của chuỗi (chuỗi công nhận lại "
               "là cũ ← mới ← mới hơn).",
               [Related(c.path, *c.locate("supersedes"), "chứng nhận thay thế") for _start, c in found])


def _revocations(registry: Registry) -> Iterator[Finding]:
    for cert_id, items in lifecycle.revocations(registry).items():
        cert = registry.get("certificate", cert_id)
        if cert is None:
            continue
        # the first successor in force (several are LIFECYCLE-SUPERSEDE-TWICE, reported on their own)
        successor_start, successor = next(((s, c) for s, c in lifecycle.successors(registry, cert) if s),
                                          (None, None))
        for n, (date, decision) in enumerate(items):
            reason = None
            if n > 0:
                reason = f"đã bị thu hồi bởi quyết định {items[0][1].id} ngày {items[0][0]}"
            elif successor and successor_start and successor_start <= date:
                reason = f"đã được thay thế bởi {successor.id} từ {successor_start}"
            if reason:
                line, column = _entry_position(decision, cert_id)
                yield make("LIFECYCLE-REVOKE-STALE", decision.path, line, column,
                           f"Quyết định thu hồi {cert_id} ngày {date}, nhưng chứng nhận này {reason}.",
                           "Kiểm tra lại mã chứng nhận: thường cần thu hồi chứng nhận mới nhất của sản phẩm.",
                           [Related(cert.path, 1, 1, "chứng nhận bị thu hồi")])


def _entry_position(decision: Record, cert_id: str) -> tuple[int, int]:
    for i, entry in enumerate(as_list(decision.get("entries"))):
        if isinstance(entry, dict) and entry.get("certificate") == cert_id:
            return decision.locate("entries", i, "certificate")
    return decision.locate("entries")
