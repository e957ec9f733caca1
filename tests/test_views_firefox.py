"""The interactive page in Firefox (Debian's firefox-esr, headless): it must draw the graph too.

Firefox takes a screenshot after the page's load event; the test decodes the PNG (pure Python)
and looks for the unmet request's red and the met request's green on the canvas.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import pytest

from cstograph.engines.engine import make_engine
from cstograph.pictures.style import STATUS_FILL
from cstograph.pictures.viz import render_viz
from cstograph.reading.rdf_files import load_dataset
from views_support import THREE

pytestmark = pytest.mark.slow

FIREFOX = shutil.which("firefox-esr") or shutil.which("firefox")
PREFS = """user_pref("app.update.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("extensions.update.enabled", false);
"""


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, unfiltered rows) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        out[y * stride:(y + 1) * stride] = line
        previous = line
    return width, height, bpp, bytes(out)


def count_colour(pixels: bytes, width: int, bpp: int, colour: str, max_x: int) -> int:
    """Pixels of exactly this colour left of max_x (the canvas; the legend is to its right)."""
    target = bytes.fromhex(colour.lstrip("#"))
    count = 0
    for i in range(0, len(pixels), bpp):
        if (i // bpp) % width < max_x and pixels[i:i + 3] == target:
            count += 1
    return count


@pytest.mark.skipif(FIREFOX is None, reason="Firefox is not installed (Debian: apt-get install firefox-esr)")
def test_firefox_draws_the_page(tmp_path):
    dataset = load_dataset([THREE])
    page = tmp_path / "view.html"
    page.write_bytes(render_viz(dataset, make_engine("oxigraph", dataset), "html").data)
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "user.js").write_text(PREFS)
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [FIREFOX, "--headless", "--no-remote", "--profile", str(profile), "--window-size=900,600",
         "--screenshot", str(shot), page.as_uri()],
        capture_output=True, timeout=120, check=False, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    if not shot.exists():
        pytest.skip(f"Firefox made no screenshot here (exit {done.returncode}): {done.stderr.decode()[-200:]}")
    width, _, bpp, pixels = decode_png(shot.read_bytes())
    canvas_right = width - 340  # the legend and details panel is 330 px wide, on the right
    assert count_colour(pixels, width, bpp, STATUS_FILL["unmet"], canvas_right) > 100
    assert count_colour(pixels, width, bpp, STATUS_FILL["met"], canvas_right) > 100
