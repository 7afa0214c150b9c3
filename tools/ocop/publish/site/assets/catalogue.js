// Client-side catalogue over a compact JSON index (one array per product), paged so 20,000 rows stay fast.
// Each product's state is recomputed for today (state.js) from its certificate's dates; the filters live
// in the URL (?tinh=ha-noi&sao=4&trang-thai=cong-nhan&q=…): a link can be shared and Back undoes a change.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root");
  var PAGE = 50;
  var RECOGNISED = "cong-nhan";  // the state filter "Đang được công nhận": what the home page counts
  var PARAMS = { q: "f-q", tinh: "f-province", sao: "f-star", nhom: "f-group", "trang-thai": "f-state",
                 nam: "f-year", "sap-xep": "f-sort" };
  var F = {}, data = null, rows = [], page = 0, typing = null;
  var el = function (id) { return document.getElementById(id); };
  var state = window.ocopState;

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label; select.appendChild(o);
  }

  function facts(compact) {  // [valid_to, first revocation date, first successor's valid_from]
    return { to: compact[0] || null, revoked: compact[1] ? [{ date: compact[1] }] : [],
             successors: compact[2] ? [{ from: compact[2] }] : [] };
  }

  function setup(index) {
    data = index;
    index.fields.forEach(function (f, i) { F[f] = i; });
    var today = state.today(), seen = {}, stars = {}, years = {};
    index.items.forEach(function (it) {
      var s = it[F.cert] ? state.compute(facts(it[F.cert]), today).state : "none";
      it.state = s;
      it.recognised = state.recognised(s);
      it.fold = window.ocopFold(it[F.name] + " " + it[F.producer]);
      seen[s] = 1;
      if (it.recognised && it[F.star]) stars[it[F.star]] = 1;
      if (it[F.year]) years[it[F.year]] = 1;
    });
    // only options that can give a result
    index.provinces.forEach(function (p) { option(el("f-province"), p[0], p[1]); });
    Object.keys(stars).sort().forEach(function (s) { option(el("f-star"), s, s + " sao"); });
    index.groups.forEach(function (g) { option(el("f-group"), g[0], g[1]); });
    if (index.items.some(function (it) { return it.recognised; })) option(el("f-state"), RECOGNISED, "Đang được công nhận");
    index.states.forEach(function (s) { if (seen[s[0]]) option(el("f-state"), s[0], s[1]); });
    Object.keys(years).sort().reverse().forEach(function (y) { option(el("f-year"), y, y); });
    fromUrl();
    Object.keys(PARAMS).forEach(function (key) {
      var input = el(PARAMS[key]);
      if (key === "q") {
        input.addEventListener("input", function () {
          page = 0; render();
          clearTimeout(typing);  // one history entry per pause in typing, not per key
          typing = setTimeout(function () { toUrl(true); }, 600);
        });
      } else {
        input.addEventListener("change", function () { page = 0; toUrl(true); render(); });
      }
    });
    window.addEventListener("popstate", function () { fromUrl(); render(); });
    render();
  }

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    Object.keys(PARAMS).forEach(function (key) {
      var input = el(PARAMS[key]), value = params.get(key) || "";
      if (input.tagName === "SELECT" && value && !input.querySelector("option[value='" + CSS.escape(value) + "']")) value = "";
      input.value = value || (input.tagName === "SELECT" ? input.options[0].value : "");
    });
    page = Math.max(0, (parseInt(params.get("trang"), 10) || 1) - 1);
  }

  function toUrl(push) {
    var params = new URLSearchParams();
    Object.keys(PARAMS).forEach(function (key) {
      var input = el(PARAMS[key]);
      if (input.value && !(key === "sap-xep" && input.value === "name")) params.set(key, input.value);
    });
    if (page > 0) params.set("trang", String(page + 1));
    var url = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
    if (url === window.location.pathname + window.location.search) return;
    window.history[push ? "pushState" : "replaceState"](null, "", url);
  }

  function filtered() {
    var q = window.ocopFold(el("f-q").value), prov = el("f-province").value, star = el("f-star").value,
        group = el("f-group").value, st = el("f-state").value, year = el("f-year").value;
    var pslug = function (it) { return (data.provinces[it[F.province]] || [""])[0]; };
    var gcode = function (it) { return (data.groups[it[F.group]] || [""])[0]; };
    var out = data.items.filter(function (it) {
      return (!prov || pslug(it) === prov) &&
        (!star || (it.recognised && it[F.star] === +star)) &&  // a star counts while it is recognised
        (!group || gcode(it) === group) &&
        (!st || (st === RECOGNISED ? it.recognised : it.state === st)) &&
        (!year || it[F.year] === +year) && (!q || it.fold.indexOf(q) !== -1);
    });
    var sort = el("f-sort").value;
    var byName = function (a, b) { return a[F.name].localeCompare(b[F.name], "vi"); };
    var shown = function (it) { return it.recognised ? it[F.star] : 0; };
    var cmp = {
      name: byName,
      star: function (a, b) { return shown(b) - shown(a) || byName(a, b); },
      year: function (a, b) { return b[F.year] - a[F.year] || byName(a, b); },
      province: function (a, b) { return a[F.province] - b[F.province] || byName(a, b); }
    }[sort] || byName;
    return out.sort(cmp);
  }

  function cell(tr, text, href, cls) {
    var td = document.createElement("td");
    var node = td;
    if (href) { node = document.createElement("a"); node.href = href; td.appendChild(node); }
    if (cls) { var span = document.createElement("span"); span.className = cls; node.appendChild(span); node = span; }
    node.textContent = text;  // textContent, never innerHTML: record text stays text
    tr.appendChild(td);
    return node;
  }

  var THUMB = /^anh\/[0-9a-f]{32}-nho\.jpg$/;  // the build's own copies only (publish/site/photos.py)

  function thumb(tr, path) {  // the product's catalogue thumbnail, inside the name cell's link
    if (!THUMB.test(path || "")) return;
    var img = document.createElement("img");
    img.className = "thumb"; img.alt = ""; img.loading = "lazy"; img.src = root + path;
    tr.firstChild.firstChild.insertBefore(img, tr.firstChild.firstChild.firstChild);
  }

  function render() {
    rows = filtered();
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    page = Math.min(page, pages - 1);
    var body = el("cat-body");
    body.textContent = "";
    rows.slice(page * PAGE, page * PAGE + PAGE).forEach(function (it) {
      var tr = document.createElement("tr");
      var prov = data.provinces[it[F.province]] || ["", ""];
      cell(tr, it[F.name], root + "san-pham/" + encodeURIComponent(it[F.id]) + "/");
      thumb(tr, it[F.thumb]);
      cell(tr, it[F.producer]);
      cell(tr, prov[1], prov[0] ? root + "tinh/" + encodeURIComponent(prov[0]) + "/" : null);
      cell(tr, it.recognised && it[F.star] ? "★".repeat(it[F.star]) : "", null, "stars")
        .setAttribute("aria-label", it.recognised && it[F.star] ? it[F.star] + " sao" : "");
      var badge = cell(tr, state.label(it.state), null, "state state-" + it.state);
      if (/^(valid|expiring|expired)$/.test(it.state)) badge.title = state.sentence(facts(it[F.cert]), state.compute(facts(it[F.cert])));
      cell(tr, it[F.year] ? String(it[F.year]) : "");
      body.appendChild(tr);
    });
    el("cat-count").textContent = rows.length.toLocaleString("vi-VN") + " sản phẩm phù hợp" +
      (rows.length > PAGE ? " — trang " + (page + 1) + "/" + pages : "");
    pager(pages);
  }

  function pager(pages) {
    var nav = el("cat-pager");
    nav.textContent = "";
    if (pages < 2) return;
    [["« Trước", page - 1], ["Sau »", page + 1]].forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button"; btn.textContent = b[0]; btn.disabled = b[1] < 0 || b[1] >= pages;
      btn.addEventListener("click", function () { page = b[1]; toUrl(true); render(); window.scrollTo(0, 0); });
      nav.appendChild(btn);
    });
  }

  fetch(script.getAttribute("data-index")).then(function (r) { return r.json(); }).then(setup)
    .catch(function () { el("cat-count").textContent = "Không tải được danh mục."; });
})();
