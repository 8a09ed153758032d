"""Read the text of a PDF written by WeasyPrint, with the standard library only.

Neither pypdf nor poppler's pdftotext is installed here, so the tests read the
PDF themselves: inflate every stream (including object streams), map each
font's glyph codes to text through its ``/ToUnicode`` CMap, and decode the
``Tj`` / ``TJ`` text operators of the page content streams. This is enough
for the simple PDFs WeasyPrint writes (it is not a general PDF reader).
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*)\r?\nendstream", re.S)
_REF = rb"(\d+)\s+0\s+R"


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary text, inflated stream or None)."""
    out: dict[int, tuple[bytes, bytes | None]] = {}
    for match in _OBJ.finditer(pdf):
        num, body = int(match.group(1)), match.group(2)
        stream = _STREAM.search(body)
        data: bytes | None = None
        head = body
        if stream:
            head = body[: stream.start()]
            raw = stream.group(1)
            data = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        out[num] = (head, data)
    # objects packed in object streams
    for head, data in list(out.values()):
        if data is None or b"/ObjStm" not in head:
            continue
        n = int(re.search(rb"/N\s+(\d+)", head).group(1))  # type: ignore[union-attr]
        first = int(re.search(rb"/First\s+(\d+)", head).group(1))  # type: ignore[union-attr]
        pairs = [int(x) for x in data[:first].split()]
        offsets = [(pairs[2 * i], pairs[2 * i + 1]) for i in range(n)]
        for i, (num, off) in enumerate(offsets):
            end = offsets[i + 1][1] if i + 1 < n else len(data) - first
            out.setdefault(num, (data[first + off : first + end], None))
    return out


def _cmap(data: bytes) -> tuple[dict[int, str], int]:
    """A ToUnicode CMap: code -> text, and the code width in bytes."""
    mapping: dict[int, str] = {}
    width = 1
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", data)
    if space:
        width = len(space.group(1)) // 2

    def text(hexstr: bytes) -> str:
        return bytes.fromhex(hexstr.decode()).decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(src, 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + k)
    return mapping, width


def pdf_text(pdf: bytes) -> str:
    """The text of every page, lines separated by newlines (order as drawn)."""
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("not a PDF")
    objects = _objects(pdf)
    fonts: dict[bytes, tuple[dict[int, str], int]] = {}
    blocks: list[bytes] = []
    for head, _data in objects.values():
        blocks += re.findall(rb"/Font\s*<<(.*?)>>", head, re.S)
        for ref in re.findall(rb"/Font\s+" + _REF, head):
            blocks.append(objects.get(int(ref), (b"", None))[0])
    for block in blocks:
        for name, ref in re.findall(rb"/([\w.+-]+)\s+" + _REF, block):
            font_head = objects.get(int(ref), (b"", None))[0]
            to_unicode = re.search(rb"/ToUnicode\s+" + _REF, font_head)
            cmap_data = (
                objects.get(int(to_unicode.group(1)), (b"", None))[1] if to_unicode else None
            )
            if cmap_data:
                fonts[name] = _cmap(cmap_data)
    contents: list[int] = []
    for head, _data in objects.values():
        if re.search(rb"/Type\s*/Page\b", head):
            for ref in re.findall(rb"/Contents\s+" + _REF, head):
                contents.append(int(ref))
    lines: list[str] = []
    token = re.compile(
        rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj|\b(T\*|Td|TD|ET|Tm)\b",
        re.S,
    )
    for ref in contents:
        data = objects.get(ref, (b"", None))[1] or b""
        font: tuple[dict[int, str], int] = ({}, 1)
        current = ""
        for m in token.finditer(data):
            if m.group(1):
                font = fonts.get(m.group(1), ({}, 1))
            elif m.group(4):
                if current.strip():
                    lines.append(current)
                current = ""
            else:
                hexes = re.findall(rb"<([0-9A-Fa-f]*)>", m.group(2)) if m.group(2) else [m.group(3)]
                mapping, width = font
                for h in hexes:
                    raw = bytes.fromhex(h.decode())
                    for i in range(0, len(raw), width):
                        code = int.from_bytes(raw[i : i + width], "big")
                        current += mapping.get(code, "")
        if current.strip():
            lines.append(current)
    return "\n".join(lines)


def pdf_fonts(pdf: bytes) -> set[str]:
    """Names of the fonts the PDF uses (subset prefixes removed)."""
    names: set[str] = set()
    for head, _data in _objects(pdf).values():
        for name in re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([\w-]+)", head):
            names.add(name.decode())
    return names
