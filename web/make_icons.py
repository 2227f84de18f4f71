#!/usr/bin/env python3
"""Draws the web manifest's PNG icons from the app's icon (assets/icons/app.svg, also the page's favicon.svg), so
that the SVG stays the only source of the logo.

The logo is rounded rectangles only; this reads the <rect> elements of the SVG (x, y, width, height, rx,
fill) and rasterises them with 4x4 supersampling into PNGs written with zlib alone (no imaging library is
needed at build time).  Usage: make_icons.py assets/icons/app.svg OUT_DIR [SIZE ...]  (default sizes 192 and 512).
"""
import re
import struct
import sys
import zlib
from pathlib import Path


def parse_rects(svg_text):
    view = re.search(r'viewBox="([\d.\s-]+)"', svg_text)
    if not view:
        raise SystemExit("make_icons: the SVG has no viewBox")
    vx, vy, vw, vh = (float(v) for v in view.group(1).split())
    rects = []
    for m in re.finditer(r"<rect\b([^>]*)/?>", svg_text):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        fill = attrs.get("fill", "#000000")
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", fill):
            raise SystemExit(f"make_icons: unsupported fill {fill!r} (only #rrggbb)")
        rects.append((
            float(attrs.get("x", 0)) - vx, float(attrs.get("y", 0)) - vy,
            float(attrs["width"]), float(attrs["height"]), float(attrs.get("rx", 0)),
            tuple(int(fill[i:i + 2], 16) for i in (1, 3, 5)),
        ))
    if not rects:
        raise SystemExit("make_icons: no <rect> in the SVG")
    return vw, vh, rects


def inside(px, py, r):
    x, y, w, h, rx, _ = r
    if px < x or py < y or px >= x + w or py >= y + h:
        return False
    rx = min(rx, w / 2, h / 2)
    cx = min(max(px, x + rx), x + w - rx)
    cy = min(max(py, y + rx), y + h - rx)
    return (px - cx) ** 2 + (py - cy) ** 2 <= rx * rx


def render(size, vw, vh, rects, ss=4):
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]  # premultiplied RGBA
            for sj in range(ss):
                for si in range(ss):
                    px = (i + (si + 0.5) / ss) * vw / size
                    py = (j + (sj + 0.5) / ss) * vh / size
                    col = None
                    for r in rects:  # later rects paint over earlier ones
                        if inside(px, py, r):
                            col = r[5]
                    if col:
                        acc[0] += col[0]
                        acc[1] += col[1]
                        acc[2] += col[2]
                        acc[3] += 1
            n = ss * ss
            a = acc[3] / n
            if a > 0:
                row += bytes([round(acc[0] / acc[3]), round(acc[1] / acc[3]), round(acc[2] / acc[3]), round(a * 255)])
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(rows)


def png(size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    svg, out = Path(sys.argv[1]), Path(sys.argv[2])
    sizes = [int(s) for s in sys.argv[3:]] or [192, 512]
    vw, vh, rects = parse_rects(svg.read_text(encoding="utf-8"))
    out.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        (out / f"icon-{size}.png").write_bytes(png(size, render(size, vw, vh, rects, ss=4 if size <= 192 else 2)))


if __name__ == "__main__":
    main()
