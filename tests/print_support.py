"""Measuring printed figures from their files: the text sizes of a PDF's pages (read from the
content streams: each text's font size times the text and page matrices), and a PNG's pixel
size and stated resolution.

Only what the figures' PDFs use is read: classic cross-reference tables, FlateDecode streams,
text drawn with Tf/Tm/Td and Tj/TJ, and form XObjects drawn with Do.
"""

from __future__ import annotations

import re
import struct
import zlib

A4_TEXT_WIDTH_PT, A4_TEXT_HEIGHT_PT = 453.0, 680.0

_OBJECT = re.compile(rb"(?m)^(\d+) 0 obj\b(.*?)\bendobj", re.DOTALL)
_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>|/[^\s/\[\]()<>]+|\[|\]|<<|>>|[-+]?\d*\.?\d+|[A-Za-z'\"*]+")


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}


def _stream(body: bytes) -> bytes:
    head, _, rest = body.partition(b"stream")
    data = rest.lstrip(b"\r\n")
    data = data[: data.rfind(b"endstream")]
    return zlib.decompress(data) if b"/FlateDecode" in head else data


def _refs(text: bytes, key: bytes) -> list[int]:
    found = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ 0 R)", text)
    return [int(n) for n in re.findall(rb"(\d+) 0 R", found.group(1))] if found else []


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _text_sizes(content: bytes, objects: dict[int, bytes], resources: bytes, ctm=(1, 0, 0, 1, 0, 0)) -> list[float]:
    sizes, stack, operands = [], [], []
    tm, size = (1, 0, 0, 1, 0, 0), 0.0
    for token in _TOKEN.findall(content):
        if re.fullmatch(rb"[-+]?\d*\.?\d+", token):
            operands.append(float(token))
            continue
        if token[:1] in (b"/", b"(", b"<", b"[", b"]"):
            operands.append(token)
            continue
        op = token
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            ctm = _multiply(tuple(operands[-6:]), ctm)
        elif op == b"BT":
            tm = (1, 0, 0, 1, 0, 0)
        elif op == b"Tm":
            tm = tuple(operands[-6:])
        elif op == b"Td":
            tm = _multiply((1, 0, 0, 1, operands[-2], operands[-1]), tm)
        elif op == b"Tf":
            size = operands[-1]
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            a, b, c, d, _, _ = _multiply(tm, ctm)
            sizes.append(size * abs(a * d - b * c) ** 0.5)
        elif op == b"Do":
            name = operands[-1][1:]
            xobjects = re.search(rb"/XObject\s*<<(.*?)>>", resources, re.DOTALL)
            ref = re.search(rb"/" + re.escape(name) + rb"\s+(\d+) 0 R", xobjects.group(1)) if xobjects else None
            if ref:
                form = objects[int(ref.group(1))]
                matrix = re.search(rb"/Matrix\s*\[([^\]]*)\]", form)
                inner = _multiply(tuple(float(v) for v in matrix.group(1).split()), ctm) if matrix else ctm
                sizes += _text_sizes(_stream(form), objects, form.partition(b"stream")[0], inner)
        operands = []
    return sizes


def pdf_pages(pdf: bytes) -> list[tuple[float, float, list[float]]]:
    """(width pt, height pt, every text's size in pt) of each page, in order."""
    objects = _objects(pdf)
    catalog = next(body for body in objects.values() if re.search(rb"/Type\s*/Catalog", body))
    pages = []

    def walk(number: int) -> None:
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            for kid in _refs(body, b"Kids"):
                walk(kid)
            return
        box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        resources = body
        ref = re.search(rb"/Resources\s+(\d+) 0 R", body)
        if ref:
            resources = objects[int(ref.group(1))]
        sizes = []
        for content in _refs(body, b"Contents"):
            sizes += _text_sizes(_stream(objects[content]), objects, resources)
        pages.append((box[2] - box[0], box[3] - box[1], sizes))

    walk(_refs(catalog, b"Pages")[0])
    return pages


def placed_pdf(pdf: bytes) -> list[tuple[float, float]]:
    """(smallest text in pt, page height in pt) of each page once the page is placed at A4 text width."""
    placed = []
    for width, height, sizes in pdf_pages(pdf):
        scale = A4_TEXT_WIDTH_PT / width
        placed.append((min(sizes) * scale if sizes else float("inf"), height * scale))
    return placed


def png_size_and_dpi(png: bytes) -> tuple[int, int, float | None]:
    """(width px, height px, dots per inch from the pHYs chunk, or None when it states none)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    at = 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"pHYs":
            x, _, unit = struct.unpack(">IIB", png[at + 8:at + 17])
            return width, height, x * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            break
        at += 12 + length
    return width, height, None
