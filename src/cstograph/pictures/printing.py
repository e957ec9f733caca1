"""Figures for print: SVG to PDF (one page per figure) and PNG, with no system package.

vl-convert (PyPI ``vl-convert-python``, resvg inside) converts: it embeds the fonts it draws
with and brings its own (Liberation Sans) for a machine that has none, so a figure prints the
same from a fresh ``pip install``. Each PDF page is exactly its figure's size in points (no
margin to shrink the text further), and each PNG states its resolution (``pHYs``), so placed
at A4 text width every text keeps the size the figure was drawn for.
"""

from __future__ import annotations

import re

from cstograph.errors import ViewError

PNG_DPI = 200
_UNIT_PT = {"pt": 1.0, "px": 0.75, "": 0.75, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}
_ROOT = re.compile(rb"<svg\b[^>]*>", re.DOTALL)
_LENGTH = r'\s{}="\s*([\d.]+)\s*([a-z]*)\s*"'


def svg_size_pt(svg: bytes) -> tuple[float, float]:
    """The width and height an SVG asks for, in points (CSS units: 1 px = 0.75 pt)."""
    root = _ROOT.search(svg)
    if root is None:
        raise ViewError("cannot print the figure: it is not an SVG")
    head = root.group(0).decode("utf-8", "replace")
    sizes = []
    for name in ("width", "height"):
        found = re.search(_LENGTH.format(name), head)
        if found is None or found.group(2) not in _UNIT_PT:
            raise ViewError(f"cannot print the figure: its SVG has no {name} in pt, px, in, mm or cm")
        sizes.append(float(found.group(1)) * _UNIT_PT[found.group(2)])
    return sizes[0], sizes[1]


def _in_points(svg: bytes) -> str:
    """The SVG with its width and height as unitless numbers equal to its size in points: the
    converter takes one unit as one PDF point, and as one pixel at 72 dpi."""
    width, height = svg_size_pt(svg)
    root = _ROOT.search(svg)
    head = root.group(0).decode("utf-8")
    head = re.sub(_LENGTH.format("width"), f' width="{width:.2f}"', head, count=1)
    head = re.sub(_LENGTH.format("height"), f' height="{height:.2f}"', head, count=1)
    return svg[:root.start()].decode("utf-8") + head + svg[root.end():].decode("utf-8")


def _converter():
    try:
        import vl_convert  # deferred to the first PNG or PDF: keeps vl-convert out of start-up
    except ImportError:
        raise ViewError("cannot write PNG or PDF: vl-convert-python is not installed",
                        hint="reinstall cstograph (pip install .), or write .svg") from None
    return vl_convert


def svg_to_png(svg: bytes, dpi: int = PNG_DPI) -> bytes:
    """A PNG of the figure at ``dpi`` (its physical size is the SVG's), stating that resolution."""
    return recompressed(bytes(_converter().svg_to_png(_in_points(svg), ppi=float(dpi))))


def recompressed(png: bytes) -> bytes:
    """The PNG with its image data deflated at zlib's default level: the converter's fast
    compression leaves figures about 3x larger (2.4 MB -> 0.7 MB for the CSTO cases at 200 dpi)."""
    # deferred to the first call: keeps struct, zlib out of importing cstograph.pictures.printing
    import struct
    import zlib

    chunks, at = [], 8
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunks.append((kind, png[at + 8:at + 8 + length]))
        at += 12 + length
    data = b"".join(body for kind, body in chunks if kind == b"IDAT")
    if not data:
        return png
    packed = zlib.compress(zlib.decompress(data), 6)
    out, placed = bytearray(png[:8]), False
    for kind, body in chunks:
        if kind == b"IDAT":
            if placed:
                continue
            kind, body, placed = b"IDAT", packed, True
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return bytes(out)


def svgs_to_pdf(svgs: list[bytes]) -> bytes:
    """One PDF with a page per SVG, each page the size of its figure."""
    converter = _converter()
    return merge_pdfs([bytes(converter.svg_to_pdf(_in_points(svg))) for svg in svgs])


def svg_to_pdf(svg: bytes) -> bytes:
    return svgs_to_pdf([svg])


# ---------------------------------------------------------------- one PDF of several pages

_OBJECT = re.compile(rb"(?m)^(\d+) 0 obj\b")
_REFERENCE = re.compile(rb"(\d+) 0 R\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")


def _objects(pdf: bytes) -> dict[int, bytes]:
    """Each object's body (between ``N 0 obj`` and ``endobj``) of a PDF whose objects are written
    one after the other with a classic cross-reference table, as vl-convert writes them."""
    end = pdf.rfind(b"\nxref")
    starts = [(m.start(), m.end(), int(m.group(1))) for m in _OBJECT.finditer(pdf, 0, end if end > 0 else len(pdf))]
    found = {}
    for i, (_, body_start, number) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else (end if end > 0 else len(pdf))
        body = pdf[body_start:stop].rstrip()
        if not body.endswith(b"endobj"):
            raise ViewError("cannot assemble the PDF: an object of a page is not closed")
        found[number] = body[: -len(b"endobj")].strip(b"\r\n ")
    return found


def _renumber(body: bytes, offset: int) -> bytes:
    """The object's references moved by ``offset`` (in its dictionary, never in a stream's data)."""
    stream = _STREAM.search(body)
    head, tail = (body[: stream.start()], body[stream.start():]) if stream else (body, b"")
    return _REFERENCE.sub(lambda m: b"%d 0 R" % (int(m.group(1)) + offset), head) + tail


def merge_pdfs(pdfs: list[bytes]) -> bytes:
    """Single-page PDFs -> one PDF of those pages, in order (objects renumbered, one page tree)."""
    if len(pdfs) == 1:
        return pdfs[0]
    objects: dict[int, bytes] = {}
    kids = []
    offset = 2  # 1: the catalogue, 2: the page tree
    for pdf in pdfs:
        found = _objects(pdf)
        pages = [n for n, body in found.items() if re.search(rb"/Type\s*/Page\b", body)]
        skip = {n for n, body in found.items() if re.search(rb"/Type\s*/(Pages|Catalog)\b", body)}
        if len(pages) != 1:
            raise ViewError(f"cannot assemble the PDF: a figure's PDF has {len(pages)} pages, not 1")
        for number, body in found.items():
            if number in skip:
                continue
            body = _renumber(body, offset)
            if number == pages[0]:
                body = re.sub(rb"/Parent\s+\d+ 0 R", b"/Parent 2 0 R", body)
                kids.append(number + offset)
            objects[number + offset] = body
        offset += max(found) + 1
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    out = bytearray(b"%PDF-1.7\n%\x80\x80\x80\x80\n")
    positions = {}
    for number in sorted(objects):
        positions[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % positions[number]) if number in positions else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)
