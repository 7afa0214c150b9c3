// Checks the signed payload a stamp's QR code carries after "#": Base45 → COSE_Sign1 (Ed25519) → CBOR claims,
// against the trust list the national keys pinned in this page sign, then the certificate's status list.
// Same steps as ocop/publish/stamps/verify.py; format in docs-src (tem-ky-so). Everything shown is textContent.
(function () {
  "use strict";
  var box = document.getElementById("stamp-check");
  if (!box) return;
  var root = box.getAttribute("data-root") || "";
  var expect = (box.getAttribute("data-expect") || "").split(" ").filter(Boolean);
  var national = JSON.parse(box.getAttribute("data-national") || "[]");
  var CACHE = "ocop-xac-minh-v1";
  var B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  var te = new TextEncoder();

  function el(id) { return document.getElementById(id); }
  function today() { var d = new Date(); return iso(new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()))); }
  function iso(d) { return d.toISOString().slice(0, 10); }
  function vdate(s) { return s.slice(8, 10) + "/" + s.slice(5, 7) + "/" + s.slice(0, 4); }
  function fromDays(n) { return iso(new Date(n * 86400000)); }
  function b64u(s) {
    var bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function hex(bytes) { return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join(""); }

  function base45(s) {
    var out = [];
    for (var i = 0; i < s.length; i += 3) {
      var c = s.slice(i, i + 3).split("").map(function (ch) {
        var v = B45.indexOf(ch); if (v < 0) throw new Error("ký tự Base45 không hợp lệ"); return v;
      });
      if (c.length === 3) { var n = c[0] + c[1] * 45 + c[2] * 2025; if (n > 65535) throw new Error("Base45 hỏng"); out.push(n >> 8, n & 255); }
      else if (c.length === 2) { var m = c[0] + c[1] * 45; if (m > 255) throw new Error("Base45 hỏng"); out.push(m); }
      else throw new Error("Base45 hỏng");
    }
    return new Uint8Array(out);
  }

  function cbor(bytes) {
    var p = 0;
    function need(n) { if (p + n > bytes.length) throw new Error("CBOR bị cắt cụt"); }
    function len(ai) {
      if (ai < 24) return ai;
      if (ai === 24) { need(1); return bytes[p++]; }
      if (ai === 25) { need(2); var v = bytes[p] << 8 | bytes[p + 1]; p += 2; return v; }
      if (ai === 26) { need(4); var w = bytes[p] * 16777216 + (bytes[p + 1] << 16 | bytes[p + 2] << 8 | bytes[p + 3]); p += 4; return w; }
      throw new Error("CBOR không hỗ trợ");
    }
    function item(depth) {
      if (depth > 8) throw new Error("CBOR lồng quá sâu");
      need(1);
      var b = bytes[p++], mt = b >> 5, ai = b & 31;
      if (mt === 7) { if (ai === 22) return null; if (ai === 20) return false; if (ai === 21) return true; throw new Error("CBOR không hỗ trợ"); }
      var n = len(ai), i, out;
      switch (mt) {
        case 0: return n;
        case 1: return -1 - n;
        case 2: need(n); out = bytes.slice(p, p + n); p += n; return out;
        case 3: need(n); out = new TextDecoder("utf-8", { fatal: true }).decode(bytes.slice(p, p + n)); p += n; return out;
        case 4: out = []; for (i = 0; i < n; i++) out.push(item(depth + 1)); return out;
        case 5: out = new Map(); for (i = 0; i < n; i++) { var k = item(depth + 1); out.set(k, item(depth + 1)); } return out;
        default: return { tag: n, value: item(depth + 1) };
      }
    }
    var v = item(0);
    if (p !== bytes.length) throw new Error("CBOR thừa dữ liệu");
    return v;
  }
  function head(mt, n) {
    if (n < 24) return [mt << 5 | n];
    if (n < 256) return [mt << 5 | 24, n];
    return [mt << 5 | 25, n >> 8, n & 255];
  }
  function sigStructure(prot, payload) {
    var label = te.encode("Signature1");
    var parts = [[0x84], head(3, label.length), label, head(2, prot.length), prot, [0x40], head(2, payload.length), payload];
    var total = parts.reduce(function (s, x) { return s + x.length; }, 0), out = new Uint8Array(total), at = 0;
    parts.forEach(function (x) { out.set(x, at); at += x.length; });
    return out;
  }

  async function ed25519(publicKey, signature, data) {
    var key = await crypto.subtle.importKey("raw", b64u(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, data);
  }

  async function remember(url, response) {
    try { var cache = await caches.open(CACHE); await cache.put(url, response); } catch (e) { /* no Cache API: online only */ }
  }
  async function getJson(path) {
    var url = new URL(root + path, location.href).href;
    var response = await fetch(url);
    if (!response.ok) throw new Error(response.status);
    remember(url, response.clone());
    return response.json();
  }

  async function trusted() {
    var doc = await getJson(".well-known/ocop-keys.json");
    if (!doc.signature || !doc.protected) throw new Error("danh sách khóa tin cậy chưa được ký bằng khóa quốc gia");
    var header = JSON.parse(new TextDecoder().decode(b64u(doc.protected)));
    var pin = national.filter(function (k) { return k.kid === header.kid; })[0];
    if (!pin) throw new Error("danh sách khóa tin cậy không do khóa quốc gia ký");
    if (today() < pin.valid_from || today() > pin.valid_to) throw new Error("khóa quốc gia đã hết hạn");
    if (!(await ed25519(pin.public_key, b64u(doc.signature), te.encode(doc.protected + "." + doc.payload)))) {
      throw new Error("chữ ký của danh sách khóa tin cậy không hợp lệ");
    }
    var body = JSON.parse(new TextDecoder().decode(b64u(doc.payload))), keys = {};
    body.keys.forEach(function (k) { keys[k.kid] = k; });
    return keys;
  }

  async function statusOf(certificate) {
    var m = /^cn-([a-z0-9]+(?:-[a-z0-9]+)*)-([0-9]{4})-([0-9]{4})$/.exec(certificate);
    if (!m) return { state: null };
    var list = await getJson("api/v1/status/" + m[1] + ".json");
    var subject = list.credentialSubject, size = subject.statusSize || 1;
    var packed = b64u(subject.encodedList.replace(/^u/, ""));
    var bits = new Uint8Array(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
    var index = (Number(m[2]) - 2000) * 10000 + Number(m[3]), value = 0;
    for (var b = 0; b < size; b++) {
      var pos = index * size + b;
      value = value << 1 | (bits[pos >> 3] >> (7 - pos % 8) & 1);
    }
    return { state: ["valid", "revoked", "superseded"][value] || "valid", updated: (list.validFrom || "").slice(0, 10) };
  }

  function expand(value, province) {
    if (typeof value === "number") {
      return "cn-" + province + "-" + ("000" + Math.floor(value / 10000)).slice(-4) + "-" + ("000" + value % 10000).slice(-4);
    }
    if (typeof value === "string" && value) return value;
    throw new Error("mã giấy chứng nhận không hợp lệ");
  }

  function show(ok, message, facts, updated) {
    box.classList.remove("stamp-wait");
    box.classList.add(ok ? "stamp-ok" : "stamp-bad");
    box.setAttribute("data-verdict", ok ? "valid" : "invalid");
    el("stamp-verdict").textContent = (ok ? "✔ " : "✘ ") + message;
    var dl = el("stamp-claims");
    facts = (facts || []).filter(function (f) { return f[1] !== ""; });  // a text the stamp had no room for
    facts.forEach(function (f) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = f[0]; dd.textContent = f[1]; dl.appendChild(dt); dl.appendChild(dd);
    });
    dl.hidden = !facts.length;
    if (updated) el("stamp-updated").textContent = "Dữ liệu trạng thái cập nhật ngày " + vdate(updated) + ".";
  }

  async function check(fragment) {
    var cose;
    try {
      cose = cbor(base45(fragment.replace(/%20/g, " ").replace(/%25/g, "%")));
      if (cose && cose.tag === 18) cose = cose.value;
      if (!Array.isArray(cose) || cose.length !== 4) throw new Error("không phải COSE_Sign1");
    } catch (e) { return show(false, "Không đọc được dữ liệu trên tem: " + e.message + "."); }
    var header = cbor(cose[0]), kid = header.get(4);
    if (header.get(1) !== -8 || !(kid instanceof Uint8Array)) return show(false, "Không đọc được dữ liệu trên tem: tem không ký bằng Ed25519.");
    kid = hex(kid);
    var keys;
    try { keys = await trusted(); } catch (e) { return show(false, "Không kiểm tra được chữ ký: " + e.message + "."); }
    var key = keys[kid];
    if (!key) return show(false, "Khóa ký " + kid + " không có trong danh sách khóa tin cậy: tem không do cơ quan nào được công nhận ký.");
    if (!(await ed25519(key.public_key, cose[3], sigStructure(cose[0], cose[2])))) {
      return show(false, "Chữ ký không hợp lệ: dữ liệu trên tem đã bị sửa hoặc không do khóa đã công bố ký.");
    }
    var t = today();
    if (t < key.valid_from || t > key.valid_to) {
      return show(false, "Khóa ký " + kid + " của " + key.name + " chỉ có hiệu lực " + vdate(key.valid_from) + " – " + vdate(key.valid_to) + ".");
    }
    var c = cbor(cose[2]), id = expand(c[0], key.province), from = fromDays(c[4]), to = fromDays(c[5]);
    var facts = [["Giấy chứng nhận", id], ["Sản phẩm (tên trên tem)", c[1]], ["Chủ thể (tên trên tem)", c[2]], ["Hạng", c[3] + " sao"],
      ["Hiệu lực", vdate(from) + " – " + vdate(to)], ["Cơ quan ban hành", c[6]],
      ["Quyết định", "số " + c[7] + (c[8] === null ? "" : " ngày " + vdate(fromDays(c[8])))],
      ["Khóa ký", kid + " — " + key.name + (key.test ? " (khóa THỬ NGHIỆM, dữ liệu mẫu)" : "")]];
    var m = /^cn-([a-z0-9]+(?:-[a-z0-9]+)*)-[0-9]{4}-[0-9]{4}$/.exec(id);
    if (m && m[1] !== key.province) return show(false, "Giấy chứng nhận " + id + " không thuộc " + key.name + ": tem ký bằng khóa của tỉnh khác.", facts);
    if (expect.length && expect.indexOf(id) < 0) return show(false, "Tem mang giấy chứng nhận " + id + ", không phải giấy chứng nhận của trang này.", facts);
    var st = { state: null };
    try { st = await statusOf(id); } catch (e) { facts.push(["Tình trạng", "không tải được danh sách trạng thái"]); }
    if (st.state === "revoked") return show(false, "Giấy chứng nhận " + id + " đã bị thu hồi.", facts, st.updated);
    if (st.state === "superseded") return show(false, "Giấy chứng nhận " + id + " đã được thay thế bằng giấy chứng nhận mới.", facts, st.updated);
    if (t > to) return show(false, "Giấy chứng nhận " + id + " đã hết hiệu lực từ ngày " + vdate(to) + ".", facts, st.updated);
    if (t < from) return show(false, "Giấy chứng nhận " + id + " chỉ có hiệu lực từ ngày " + vdate(from) + ".", facts, st.updated);
    show(true, "Chữ ký hợp lệ — do " + key.name + " ký" + (key.test ? " (khóa THỬ NGHIỆM, dữ liệu mẫu)" : "") + "; " + c[3] + " sao; hiệu lực đến " + vdate(to) + ".", facts, st.updated);
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root + "ocop-sw.js", { scope: root }).catch(function () { /* offline use only */ });
    }
    var page = location.href.split("#")[0];
    fetch(page).then(function (r) { if (r.ok) remember(page, r); }).catch(function () { /* offline: already cached */ });
    var fragment = location.hash.slice(1);
    var product = box.getAttribute("data-product");
    if (!fragment && product) { location.replace(product); return; }
    if (!fragment) {
      return show(false, "Tem chưa ký: mã QR không mang chữ ký số, nên không xác minh được tem là thật; chỉ tra được thông tin công khai dưới đây.");
    }
    try { await check(fragment); } catch (e) { show(false, "Không đọc được dữ liệu trên tem: " + e.message + "."); }
  }
  start();
})();
