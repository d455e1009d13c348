"""The clerks' user guide: its pictures exist, its messages are the program's, and the PDF carries it all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pdf_reading import fonts, page_texts
from pypdf import PdfReader

# every module that registers messages (the guide quotes them)
import villagepost.commands.guide
import villagepost.rosters.import_messages
import villagepost.rosters.messages
from villagepost.core import guide
from villagepost.core.messages import CATALOGUE, tr
from villagepost.reports.guide_pdf import write_guide_pdf

import villagepost.services.output_files  # noqa: F401  isort: skip

TEXT = guide.guide_text()
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)]+)\)")


def pictures() -> list[str]:
    return [src for _alt, src in PICTURE.findall(TEXT)]


def headings(level: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(TEXT)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == level]


def test_the_guide_covers_what_a_clerk_does() -> None:
    assert headings("h2") == ["一、安装", "二、第一次启动", "三、一个月的工作", "四、备份", "五、提示信息和处理办法",
                              "六、其他"]
    assert headings("h3") == ["1. 导入乡镇报来的花名册", "2. 把错误报告退回乡镇", "3. 修改站点",
                              "4. 村邮站与快递超市合并", "5. 目标", "6. 统计页", "7. 打印检查表和会议用的汇总表"]


def test_every_picture_is_shipped_and_every_shipped_picture_is_shown() -> None:
    folder = guide.help_dir()
    assert len(pictures()) == 9
    assert sorted(Path(src).name for src in pictures()) == sorted(p.name for p in (folder / guide.IMAGES).glob("*"))
    for src in pictures():
        assert (folder / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", src


def _message_rows() -> list[str]:
    section = TEXT.split("## 五、提示信息和处理办法", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| 提示")]
    return [row.split(" | ")[0].removeprefix("| ").strip() for row in rows]


def test_every_message_the_guide_explains_is_one_the_program_says() -> None:
    """Each quoted message, with "…" standing for a file name, a value or the rest of the text, is the
    first line of a message in the program's catalogues (so the guide cannot quote a message that changed)."""
    rows = _message_rows()
    assert len(rows) == 20
    first_lines = [zh.split("\n")[0] for zh, _en in CATALOGUE.values()]
    for quoted in rows:
        pattern = re.compile(".*".join(re.escape(part) for part in quoted.split("…")))
        assert any(pattern.fullmatch(line) for line in first_lines), f"not a message of the program: {quoted}"


def test_the_pdf_has_every_heading_picture_and_the_bundled_font(tmp_path: Path) -> None:
    out = tmp_path / "用户手册.pdf"
    result = write_guide_pdf(TEXT, guide.help_dir(), out)
    assert result.path == out and result.images == 9
    reader = PdfReader(out)
    assert result.pages == len(reader.pages) >= 6
    text = "".join("".join(t.split()) for t in page_texts(out))
    for heading in headings("h2") + headings("h3"):
        assert "".join(heading.split()) in text, heading
    assert "sudodpkg-ivillagepost_0.2.0_amd64.deb" in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 9
    found = fonts(out)
    assert found and all(key == "/FontFile2" for key in found.values()), found
    assert all("WenQuanYiMicroHei" in name for name in found), found
    assert [p.name for p in tmp_path.iterdir()] == ["用户手册.pdf"]  # no part file left


def test_a_picture_missing_from_the_folder_is_an_error_not_a_silent_gap(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_guide_pdf("# t\n\n![x](images/nothing.png)\n", guide.help_dir(), tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_cli_guide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from villagepost.cli import main

    assert main(["guide"]) == 0
    assert capsys.readouterr().out.startswith(f"用户手册：{guide.guide_path()}\n")
    out = tmp_path / "手册.pdf"
    assert main(["--json", "guide", "--pdf", str(out)]) == 0
    assert '"images": 9' in capsys.readouterr().out and out.read_bytes()[:5] == b"%PDF-"
    assert main(["--lang", "en", "guide", "--pdf", str(tmp_path / "guide.txt")]) == 2
    assert capsys.readouterr().err.strip() == tr("output.bad_suffix", "en",
                                                 {"suffixes": ".pdf", "path": str(tmp_path / "guide.txt")})
