// Accent folding for Vietnamese: "Cà phê Đắk Lắk" -> "ca phe dak lak" (đ has no decomposition: map it).
window.ocopFold = function (text) {
  return String(text || "").replace(/[đĐ]/g, "d").normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
};
