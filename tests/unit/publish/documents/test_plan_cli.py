"""`ocop plan render` and `ocop plan progress` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from ocop.cli.main import main
from ocop.publish.documents import progress

REPO = Path(__file__).resolve().parents[4]


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_render_writes_docx_and_pdf(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, _out, err = run(capsys, "--root", str(REPO), "plan", "render", "kh-ninh-binh-2024-tam-diep-du-thao",
                         "--to", "docx,pdf", "--out", str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "kh-ninh-binh-2024-tam-diep-du-thao.docx").stat().st_size > 0
    assert (tmp_path / "kh-ninh-binh-2024-tam-diep-du-thao.pdf").read_bytes().startswith(b"%PDF")


def test_render_rejects_unknown_format_and_plan(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--root", str(REPO), "plan", "render", "kh-ha-noi-2021-146", "--to", "odt",
                       "--out", str(tmp_path))
    assert code == 2 and "odt" in err
    code, _, err = run(capsys, "--root", str(REPO), "plan", "render", "kh-khong-co-2020-1", "--out", str(tmp_path))
    assert code == 2 and "Không tìm thấy" in err


def test_progress_formats(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    pid = "kh-hai-phong-2023-hai-duong-1366"
    code, out, err = run(capsys, "--root", str(REPO), "plan", "progress", pid, "--as-of", "2024-12-31",
                         "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["as_of"] == "2024-12-31" and payload["targets"]
    assert {t["state"] for t in payload["targets"]} <= set(progress.STATES)
    assert payload["summary"].startswith(f"Có {len(payload['targets'])} dòng chỉ tiêu") and payload["tasks"]
    code, out, _ = run(capsys, "--root", str(REPO), "plan", "progress", pid, "--as-of", "2024-12-31",
                       "--format", "markdown")
    assert code == 0 and "| Chỉ tiêu |" in out
    target = tmp_path / "bc.docx"
    code, out, _ = run(capsys, "--root", str(REPO), "plan", "progress", pid, "--as-of", "2024-12-31",
                       "--format", "docx", "--out", str(target))
    assert code == 0
    document = docx.Document(str(target))
    titles = [p.text for p in document.paragraphs if p.style.name == "OCOP Title"]
    assert titles == ["BÁO CÁO"]
    assert any("tính đến ngày 31/12/2024" in p.text for p in document.paragraphs)
    code, _, err = run(capsys, "--root", str(REPO), "plan", "progress", pid, "--as-of", "31/12/2024")
    assert code == 2 and "YYYY-MM-DD" in err
