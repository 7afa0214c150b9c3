// One number format for the whole site (vi-VN): "1.234,5", "92,9", "33,3 %", "56,2 KB" — the same as the
// build's filters vnum / vpercent / vsize (publish/site/model.py; a browser test holds them equal).
(function () {
  var formats = {};
  function vnum(value, digits) {
    digits = digits === undefined ? 2 : digits;
    formats[digits] = formats[digits] || new Intl.NumberFormat("vi-VN", {maximumFractionDigits: digits});
    return formats[digits].format(value);
  }
  window.ocopNumber = vnum;
  window.ocopPercent = function (value, digits) { return vnum(value, digits === undefined ? 1 : digits) + "\u00a0%"; };
  window.ocopSize = function (bytes) {
    if (bytes >= 1048576) return vnum(bytes / 1048576, 1) + "\u00a0MB";
    if (bytes >= 1024) return vnum(bytes / 1024, 1) + "\u00a0KB";
    return vnum(bytes) + "\u00a0B";
  };
})();
