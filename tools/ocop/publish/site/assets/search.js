// Search UI over the Pagefind bundle. The query is accent-folded first; product pages carry a folded copy
// of their text, so "ca phe" and "dac san" (đ→d) match "cà phê" and "đặc sản". Only the index chunks and
// the fragments of the results shown are downloaded.
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script.getAttribute("data-bundle");
  var root = script.getAttribute("data-root");
  var SHOW = 10;
  var pagefind = null, results = [], shown = 0, seq = 0, timer = null;
  var el = function (id) { return document.getElementById(id); };

  function load() {
    if (!pagefind) {
      pagefind = import(new URL(bundle + "pagefind.js", window.location.href).href).then(function (pf) {
        return pf.options({ excerptLength: 24 }).then(function () { pf.init(); return pf; });
      });
    }
    return pagefind;
  }

  function link(url) {  // Pagefind URLs are site-absolute ("/san-pham/x/"): make them relative to this page
    return root + String(url).replace(/^\/+/, "");
  }

  function item(data) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = link(data.url);
    a.textContent = (data.meta && data.meta.title) || data.url;
    var p = document.createElement("p");
    p.textContent = (data.excerpt || "").replace(/<[^>]*>/g, "");  // plain text: no markup from the index
    li.appendChild(a); li.appendChild(p);
    return li;
  }

  function more() {
    var mine = seq;
    var batch = results.slice(shown, shown + SHOW);
    shown += batch.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== seq) return;
      items.forEach(function (d) { el("search-results").appendChild(item(d)); });
      el("search-more").hidden = shown >= results.length;
    });
  }

  function run() {
    var q = window.ocopFold(el("search-q").value);
    var mine = ++seq;
    el("search-results").textContent = "";
    el("search-more").hidden = true;
    if (!q) { el("search-status").textContent = ""; return; }
    el("search-status").textContent = "Đang tìm…";
    load().then(function (pf) { return pf.search(q); }).then(function (res) {
      if (mine !== seq || !res) return;
      results = res.results; shown = 0;
      el("search-status").textContent = results.length ? results.length + " kết quả cho «" + q + "»" : "Không tìm thấy kết quả cho «" + q + "».";
      return more();
    }).catch(function () { el("search-status").textContent = "Không tải được chỉ mục tìm kiếm."; });
  }

  el("search-q").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 200); });
  el("search-more").addEventListener("click", more);
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { el("search-q").value = initial; run(); }
})();
