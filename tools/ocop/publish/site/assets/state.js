// A certificate's state, recomputed in the browser on every visit (a page built months ago must not say
// "Còn hiệu lực" for a certificate that has since ended). Same order of checks as ocop.domain.lifecycle.status;
// the thresholds and labels come from the build (data-rules on this script tag), never from constants here.
// Used by record pages, the catalogue and search; window.ocopState is its API for other scripts.
(function () {
  "use strict";
  var script = document.currentScript;
  var rules = JSON.parse((script && script.getAttribute("data-rules")) || "{}");
  var labels = rules.labels || {};

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {  // the visitor's calendar day, as YYYY-MM-DD (local time, like a printed date)
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function vdate(iso) {  // 2026-12-05 -> 05/12/2026
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  function days(from, to) {  // whole days from `from` to `to` (ISO dates), as lifecycle's days_left
    var a = from.split("-"), b = to.split("-");
    return Math.round((Date.UTC(+b[0], b[1] - 1, +b[2]) - Date.UTC(+a[0], a[1] - 1, +a[2])) / 86400000);
  }

  // facts: {from, to, revoked: [{date, number, id, reason}], successors: [{from, id}]}, oldest first
  function compute(facts, day) {
    day = day || today();
    var i;
    for (i = 0; i < (facts.revoked || []).length; i++) {
      if (facts.revoked[i].date <= day) return { state: "revoked", by: facts.revoked[i] };
    }
    for (i = 0; i < (facts.successors || []).length; i++) {
      if (facts.successors[i].from <= day) return { state: "superseded", by: facts.successors[i] };
    }
    if (!facts.to) return { state: "valid" };
    var left = days(day, facts.to);
    if (left < 0) return { state: "expired", left: left };
    return { state: left <= rules.notice_days ? "expiring" : "valid", left: left };
  }

  function sentence(facts, result) {
    var by = result.by;
    switch (result.state) {
      case "revoked":
        return "Bị thu hồi ngày " + vdate(by.date) + (by.number ? " theo Quyết định " + by.number : "") +
          (by.reason ? " — lý do: " + by.reason : "");
      case "superseded":  // search results know the dates only (generator.compact_cert)
        return "Đã được thay thế từ ngày " + vdate(by.from) + (by.id ? " bởi giấy chứng nhận " + by.id : "");
      case "expired":
        return "Đã hết hạn ngày " + vdate(facts.to);
      case "expiring":
        return "Sắp hết hạn: còn hiệu lực đến " + vdate(facts.to) +
          (result.left ? " (còn " + result.left + " ngày)" : " (hôm nay là ngày cuối)");
      default:
        return facts.to ? "Còn hiệu lực đến " + vdate(facts.to) : "Còn hiệu lực";
    }
  }

  function recognised(state) { return (rules.recognised || []).indexOf(state) !== -1; }

  function swapClass(node, prefix, state) {
    node.className = node.className.split(/\s+/).filter(function (c) {
      return c && c.indexOf(prefix) !== 0;
    }).concat([prefix + state]).join(" ");
  }

  // Every [data-ocop-cert] box: its slots get the state of today. Slots: badge (class and label),
  // sentence (the words above), recognised / lapsed (shown only in that case); a .verdict box its class.
  function apply(scope, day) {
    (scope || document).querySelectorAll("[data-ocop-cert]").forEach(function (box) {
      var facts;
      try { facts = JSON.parse(box.getAttribute("data-ocop-cert")); } catch (e) { return; }
      var result = compute(facts, day);
      box.setAttribute("data-ocop-state", result.state);
      if (box.classList.contains("verdict")) swapClass(box, "verdict-", result.state);
      var slots = [box].concat(Array.prototype.slice.call(box.querySelectorAll("[data-ocop-slot]")));
      slots.forEach(function (slot) {
        var kind = slot.getAttribute("data-ocop-slot");
        if (kind === "badge") {
          swapClass(slot, "state-", result.state);
          slot.textContent = labels[result.state] || result.state;
        } else if (kind === "sentence") {
          slot.textContent = sentence(facts, result);
        } else if (kind === "recognised" || kind === "lapsed") {
          slot.hidden = recognised(result.state) !== (kind === "recognised");
        }
      });
    });
  }

  window.ocopState = { rules: rules, today: today, compute: compute, sentence: sentence,
                       recognised: recognised, label: function (s) { return labels[s] || s; },
                       vdate: vdate, apply: apply };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  } else {
    apply(document);
  }
})();
