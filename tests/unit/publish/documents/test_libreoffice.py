"""LibreOffice as a real client: the DOCX opens, converts to PDF and keeps the Vietnamese text."""

from __future__ import annotations

import subprocess
from pathlib import Path

HA_NOI = "kh-ha-noi-2021-146"


def test_libreoffice_round_trip(pdftotext, rendered: dict, tmp_path: Path) -> None:
    profile = tmp_path / "profile"  # a private profile: no clash with another running soffice
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(rendered[HA_NOI]["docx"])],
        capture_output=True, text=True, timeout=180)
    pdf = tmp_path / f"{HA_NOI}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    text = " ".join(pdftotext(pdf).split())
    for phrase in ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 14 tháng 6 năm 2021", "KẾ HOẠCH",
                   "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "(Kèm theo Kế hoạch số 146/KH-UBND ngày 14/6/2021",
                   "Ủy ban nhân dân thành phố Hà Nội", "Triển khai đánh giá, phân hạng sản phẩm OCOP"):
        assert phrase in text, phrase
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts.replace(" ", "")
