// Search over the Pagefind bundle: products, producers and decisions, with facets (province, star, state,
// group, kind). The query and the facets live in the URL (?q=…&tinh=…&sao=…): a search can be shared and
// Back returns to the previous one. A result shows the record's own fields (meta "title", "mo-ta", dates),
// never the indexed text (accent-folded), and a product's state is recomputed for today (state.js) from
// its certificate's dates. Only the index chunks of the query's words and the fragments of the results
// shown are downloaded, on this thread: Pagefind's worker would be one more script to fetch (~40 KB).
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script.getAttribute("data-bundle");
  var EXTRA = ["chu-the", "quyet-dinh"];  // producers' and decisions' bundles, merged in on demand
  var root = script.getAttribute("data-root");
  var UNIT_TYPES = JSON.parse(script.getAttribute("data-unit-types") || "[]");  // units.UNIT_TYPES, folded
  var SHOW = 10;
  // A word on every record page (site/search_index.py EVERY_PAGE): a search by facets alone looks it up,
  // since Pagefind answers an empty query by downloading every index chunk.
  var EVERY_PAGE = "ocop";
  var FACETS = [["loai", "Loại"], ["tinh", "Tỉnh, thành phố"], ["sao", "Hạng sao"],
                ["trang-thai", "Trạng thái (tại ngày dựng trang)"], ["nhom", "Nhóm ngành"]];
  var KINDS = { "san-pham": "Sản phẩm", "chu-the": "Chủ thể", "quyet-dinh": "Quyết định" };
  var pagefind = null, merged = {}, results = [], shown = 0, seq = 0, timer = null, facetsReady = null;
  var el = function (id) { return document.getElementById(id); };
  var state = window.ocopState;

  function load() {
    if (!pagefind) {
      pagefind = import(new URL(bundle + "pagefind.js", window.location.href).href).then(function (pf) {
        return pf.options({ excerptLength: 0, noWorker: true }).then(function () { pf.init(); return pf; });
      });
    }
    return pagefind;
  }

  // Products are searched by default (their bundle alone keeps a query's download small); producers and
  // decisions join when the kind facet, a decision number (decisions only) or the button asks for them, for
  // the rest of the visit: a merged bundle stays in the index.
  function withKinds(kinds) {  // the index with these kinds' bundles merged in (and any merged before)
    return load().then(function (pf) {
      var fresh = kinds.filter(function (k) { return !merged[k]; });
      fresh.forEach(function (k) {
        merged[k] = pf.mergeIndex(new URL(script.getAttribute("data-bundle-" + k), window.location.href).href);
      });
      el("search-records").hidden = EXTRA.every(function (k) { return merged[k]; });
      if (fresh.length) facetsReady = null;  // the merged bundles bring their own facet values
      return Promise.all(Object.keys(merged).map(function (k) { return merged[k]; })).then(function () {
        if (fresh.length && el("search-facets").open) facets();
        return pf;
      });
    });
  }

  function select(key) { return el("search-f-" + key); }

  // The facet menus: built once from the index's filter values (only values that exist are offered).
  function facets() {
    if (!facetsReady) {
      facetsReady = withKinds([]).then(function (pf) { return pf.filters(); }).then(function (all) {
        FACETS.forEach(function (f) {
          if (f[0] === "loai") return;  // the kinds are fixed (and two of them are in other bundles)
          var values = Object.keys((all || {})[f[0]] || {}).sort(function (a, b) { return a.localeCompare(b, "vi"); });
          var box = select(f[0]);
          Array.prototype.slice.call(box.options, 1).forEach(function (o) { if (o.value !== box.value) o.remove(); });
          values.forEach(function (v) {
            if (v === box.value) return;
            var o = document.createElement("option");
            o.value = v; o.textContent = v; box.appendChild(o);
          });
          box.closest("label").hidden = values.length < 2 && !box.value;
        });
      });
    }
    return facetsReady;
  }

  function chosen() {
    var out = {};
    FACETS.forEach(function (f) { var v = select(f[0]).value; if (v) out[f[0]] = [v]; });
    return out;
  }

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    el("search-q").value = params.get("q") || "";
    FACETS.forEach(function (f) {
      var box = select(f[0]), v = params.get(f[0]) || "";
      if (v && !Array.prototype.some.call(box.options, function (o) { return o.value === v; })) {
        var o = document.createElement("option");  // a shared link's value before the menus are built
        o.value = v; o.textContent = v; box.appendChild(o);
      }
      box.value = v;
    });
  }

  function toUrl(push) {
    var params = new URLSearchParams();
    if (el("search-q").value.trim()) params.set("q", el("search-q").value.trim());
    FACETS.forEach(function (f) { if (select(f[0]).value) params.set(f[0], select(f[0]).value); });
    var url = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
    if (url === window.location.pathname + window.location.search) return;
    window.history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function link(url) {  // Pagefind URLs are site-absolute: make them relative to this page. The bundles index
    // each page's search source, /san-pham/x.html, which stands for the page /san-pham/x/ (build.py page_url)
    return root + String(url).replace(/^\/+/, "").replace(/\.html$/, "/");
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;  // textContent, never innerHTML: record text stays text
    return n;
  }

  function iso(day) {  // yyyymmdd (generator.compact_cert) -> yyyy-mm-dd; "-" -> null
    return /^\d{8}$/.test(day || "") ? day.slice(0, 4) + "-" + day.slice(4, 6) + "-" + day.slice(6) : null;
  }

  function certFacts(text) {  // "from to revoked successor"
    var d = String(text).split(/\s+/).map(iso);
    if (d.length < 4) return null;
    return { from: d[0], to: d[1], revoked: d[2] ? [{ date: d[2] }] : [], successors: d[3] ? [{ from: d[3] }] : [] };
  }

  function kindOf(url) {  // san-pham | chu-the | quyet-dinh, from the result's address
    var m = /\/(san-pham|chu-the|quyet-dinh)\//.exec(String(url));
    return m ? m[1] : "";
  }

  // The line under a result's title: a decision's date, then the record's own words (meta "mo-ta").
  function summary(meta) {
    var day = iso(meta.ngay);
    return [day ? "ngày " + state.vdate(day) : "", meta["mo-ta"] || ""].filter(Boolean).join(" · ");
  }

  function item(data) {
    var meta = data.meta || {};
    meta.kind = kindOf(data.url);
    meta.summary = summary(meta);
    var li = node("li", "result result-" + meta.kind);
    var head = node("p", "result-head");
    head.appendChild(node("span", "kind", KINDS[meta.kind] || ""));
    var a = node("a", null, meta.title || data.url);
    a.href = link(data.url);
    head.appendChild(a);
    li.appendChild(head);
    if (meta.cert) {
      var facts = certFacts(meta.cert);
      if (facts) {
        var now = state.compute(facts);
        var line = node("p", "result-state");
        var star = ((data.filters || {}).sao || [""])[0];
        if (state.recognised(now.state) && star) {
          var stars = node("span", "stars", "★".repeat(parseInt(star, 10) || 0));
          stars.setAttribute("aria-label", star);
          line.appendChild(stars); line.appendChild(document.createTextNode(" "));
        }
        line.appendChild(node("span", "state state-" + now.state, state.label(now.state)));
        line.appendChild(document.createTextNode(" " + state.sentence(facts, now)));
        li.appendChild(line);
      }
    }
    if (meta.summary) li.appendChild(node("p", "result-summary", meta.summary));
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

  // "5 sao" / "4★" in a query is the star facet, not two words to look for ("5" alone matches "500 g")
  var STAR = /(^|\s)([345])\s*(sao|★)(?=\s|$)/;

  var DECISION = /(^|\s)(\d+)\s*\/\s*[a-z0-9-]+/;  // "915/qd-ubnd": indexed by its digits
  var TYPES = new RegExp("(^|\\s)(" + UNIT_TYPES.join("|") + ")\\s+(?=\\S)", "g");  // "xa bat trang" -> "bat trang"

  var KIND_OF = { "Chủ thể": ["chu-the"], "Quyết định": ["quyet-dinh"] };

  function query() {  // the typed words as the index holds them, the facets they stand for, the bundles they need
    var q = window.ocopFold(el("search-q").value), filters = chosen(), kinds = [];
    var star = STAR.exec(q);
    if (star && !filters.sao) {
      filters.sao = [star[2] + " sao"];
      q = q.slice(0, star.index) + " " + q.slice(star.index + star[0].length);
    }
    var number = DECISION.exec(q);
    if (number) { q = q.replace(DECISION, "$1$2"); kinds = ["quyet-dinh"]; }
    q = q.replace(TYPES, "$1").replace(/\s+/g, " ").trim();
    if (filters.loai) kinds = kinds.concat(KIND_OF[filters.loai[0]] || []);
    return { q: q, filters: filters, kinds: kinds };
  }

  function run() {
    var raw = el("search-q").value.trim();
    var asked = query(), q = asked.q, filters = asked.filters;
    var mine = ++seq;
    el("search-results").textContent = "";
    el("search-more").hidden = true;
    if (!q && !Object.keys(filters).length) { el("search-status").textContent = ""; return; }
    el("search-status").textContent = "Đang tìm…";
    withKinds(asked.kinds).then(function (pf) {
      return pf.search(q || EVERY_PAGE, { filters: filters });
    }).then(function (res) {
      if (mine !== seq || !res) return;
      results = res.results; shown = 0;
      var what = raw ? " cho «" + raw + "»" : "";
      el("search-status").textContent = results.length
        ? results.length.toLocaleString("vi-VN") + " kết quả" + what
        : "Không tìm thấy kết quả" + what + ".";
      return more();
    }).catch(function () { el("search-status").textContent = "Không tải được chỉ mục tìm kiếm."; });
  }

  el("search-q").addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { toUrl(false); run(); }, 250);
  });
  el("search-form").addEventListener("submit", function (e) { e.preventDefault(); toUrl(true); run(); });
  el("search-q").addEventListener("change", function () { toUrl(true); });  // a finished query is a step Back returns to
  FACETS.forEach(function (f) {
    select(f[0]).addEventListener("change", function () { toUrl(true); run(); });
  });
  el("search-more").addEventListener("click", more);
  el("search-records").addEventListener("click", function () { withKinds(EXTRA).then(run); });
  el("search-facets").addEventListener("toggle", facets);
  window.addEventListener("popstate", function () { fromUrl(); run(); });
  fromUrl();
  if (FACETS.some(function (f) { return select(f[0]).value; })) { el("search-facets").open = true; }
  if (el("search-q").value || el("search-facets").open) run();
})();
