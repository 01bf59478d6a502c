"""The grade page rendered by a real browser: headless Chromium (Debian's `chromium` package)
takes a screenshot of a generated class's page, and the picture is checked to be a page, not
a blank: its size, many colours, the credited cells' green and the flagged rows' amber edge.

Outside CI a machine without chromium skips; in CI (CI=true) its absence fails loudly."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from runner.grade.classroom import build_classroom
from runner.grade.html_page import classroom_html
from runner.grade.reading import read_report
from runner.grade.roster import Member
from runner.grade.summary import task_summaries
from tests.unit.grade.report_factory import LAB_SHA, report, tampered, unattended, write

pytestmark = pytest.mark.shell
WIDTH, HEIGHT = 1280, 900
CREDITED_GREEN = (0xE3, 0xF4, 0xE8)  # td.credited's background (html_style.py)
FLAG_AMBER = (0xD9, 0x82, 0x00)  # a flagged row's edge
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed: CI must render the grade page "
                    "(apt-get install -y chromium)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def class_page(folder: Path) -> Path:
    reports = [report(f"student-{index:02d}", index, kind) for index, kind in enumerate(
        [{}, {"pull-cache": "hints"}, {"disk-usage": "solution"}, {"remove-both": "skipped"},
         {"write-notes": "not_reached", "remove-both": "not_reached"}])]
    reports.append(tampered(report("<script>alert(1)</script>", 9), lambda d: d.pop("digest"),
                            False))
    reports.append(unattended("demo", 10))
    readings = [read_report(write(folder, f"r{index}", data)) for index, data in
                enumerate(reports)]
    roster = [Member(data["student"], f"Élève {index}") for index, data in enumerate(reports)]
    classroom = build_classroom(readings, [*roster, Member("absent", "Absent")], LAB_SHA)
    page = folder / "class.html"
    page.write_text(classroom_html(classroom, task_summaries(classroom), "fr", "now"),
                    encoding="utf-8")
    return page


def screenshot(page: Path, folder: Path) -> Path:
    shot = folder / "class.png"
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}",
               f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri()]
    subprocess.run(command, capture_output=True, timeout=120, check=False,
                   stdin=subprocess.DEVNULL)
    return shot


def test_the_grade_page_renders_in_headless_chromium(tmp_path):
    shot = screenshot(class_page(tmp_path), tmp_path)
    assert shot.is_file(), "chromium wrote no screenshot"
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    colours = set(pixels)
    assert len(colours) > 200, f"a blank page? only {len(colours)} colours"
    assert CREDITED_GREEN in colours and FLAG_AMBER in colours
    white = sum(1 for pixel in pixels if pixel == (255, 255, 255))
    assert white < 0.9 * len(pixels)


# --- a PNG reader (8-bit RGB or RGBA, not interlaced: what Chromium writes) --------------------

def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, offset = {}, 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunks[kind] = chunks.get(kind, b"") + data[offset + 8:offset + 8 + length]
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    rows = unfilter(zlib.decompress(chunks[b"IDAT"]), width * channels, height, channels)
    pixels = [tuple(row[i:i + 3]) for row in rows for i in range(0, len(row), channels)]
    return width, height, pixels


def unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytes]:
    rows, previous = [], bytes(stride)
    for index in range(height):
        start = index * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        _undo(kind, line, previous, bpp)
        rows.append(bytes(line))
        previous = line
    return rows


def _undo(kind: int, line: bytearray, up: bytes, bpp: int) -> None:
    if kind == 2:
        line[:] = bytes((a + b) & 255 for a, b in zip(line, up, strict=True))
        return
    for i in range(len(line) if kind else 0):
        left = line[i - bpp] if i >= bpp else 0
        corner = up[i - bpp] if i >= bpp else 0
        line[i] = (line[i] + _predict(kind, left, up[i], corner)) & 255


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 1:
        return left
    if kind == 3:
        return (left + up) // 2
    estimate = left + up - corner  # Paeth
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - corner))
    return (left, up, corner)[distances.index(min(distances))]
