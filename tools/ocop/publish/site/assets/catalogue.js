// Client-side catalogue over a compact JSON index (one array per product), paged so 20,000 rows stay fast.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root");
  var PAGE = 50;
  var F = {}, data = null, rows = [], page = 0;
  var el = function (id) { return document.getElementById(id); };

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label; select.appendChild(o);
  }

  function setup(index) {
    data = index;
    index.fields.forEach(function (f, i) { F[f] = i; });
    index.items.forEach(function (it) { it.push(window.ocopFold(it[F.name] + " " + it[F.producer])); });
    index.provinces.forEach(function (p, i) { option(el("f-province"), String(i), p[1]); });
    index.groups.forEach(function (g, i) { option(el("f-group"), String(i), g[1]); });
    index.states.forEach(function (s, i) { option(el("f-state"), String(i), s[1]); });
    var years = {};
    index.items.forEach(function (it) { if (it[F.year]) years[it[F.year]] = 1; });
    Object.keys(years).sort().reverse().forEach(function (y) { option(el("f-year"), y, y); });
    applyQuery();
    ["f-province", "f-star", "f-group", "f-state", "f-year", "f-sort"].forEach(function (id) {
      el(id).addEventListener("change", function () { page = 0; render(); });
    });
    el("f-q").addEventListener("input", function () { page = 0; render(); });
    render();
  }

  function applyQuery() {  // ?tinh=<slug>&sao=4 links from province pages
    var params = new URLSearchParams(window.location.search);
    var slug = params.get("tinh");
    if (slug) data.provinces.forEach(function (p, i) { if (p[0] === slug) el("f-province").value = String(i); });
    if (params.get("sao")) el("f-star").value = params.get("sao");
  }

  function filtered() {
    var q = window.ocopFold(el("f-q").value), prov = el("f-province").value, star = el("f-star").value,
        group = el("f-group").value, state = el("f-state").value, year = el("f-year").value;
    var fold = data.fields.length;
    var out = data.items.filter(function (it) {
      return (!prov || it[F.province] === +prov) && (!star || it[F.star] === +star) &&
        (!group || it[F.group] === +group) && (!state || it[F.state] === +state) &&
        (!year || it[F.year] === +year) && (!q || it[fold].indexOf(q) !== -1);
    });
    var sort = el("f-sort").value;
    var byName = function (a, b) { return a[F.name].localeCompare(b[F.name], "vi"); };
    var cmp = {
      name: byName,
      star: function (a, b) { return b[F.star] - a[F.star] || byName(a, b); },
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
      var state = data.states[it[F.state]];
      cell(tr, it[F.name], root + "san-pham/" + encodeURIComponent(it[F.id]) + "/");
      thumb(tr, it[F.thumb]);
      cell(tr, it[F.producer]);
      cell(tr, prov[1], prov[0] ? root + "tinh/" + encodeURIComponent(prov[0]) + "/" : null);
      cell(tr, it[F.star] ? "★".repeat(it[F.star]) : "", null, "stars");
      cell(tr, state[1], null, "state state-" + state[0]);
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
      btn.addEventListener("click", function () { page = b[1]; render(); window.scrollTo(0, 0); });
      nav.appendChild(btn);
    });
  }

  fetch(script.getAttribute("data-index")).then(function (r) { return r.json(); }).then(setup)
    .catch(function () { el("cat-count").textContent = "Không tải được danh mục."; });
})();
