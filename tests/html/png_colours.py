#!/usr/bin/env python3
"""Checks a screenshot of the HTML report: its size, and that the verified (green) and
not-verified (red) badge colours were actually rendered. Standard library only (a minimal PNG
decoder for 8-bit RGB/RGBA, non-interlaced, as Chromium writes)."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main(path):
    width, height, channels, rows = decode(path)
    colours = set()
    for row in rows[::4]:
        for x in range(0, width * channels, channels * 2):
            colours.add(row[x:x + 3])
    wanted = {"verified badge (#dafbe1)": bytes.fromhex("dafbe1"),
              "not-verified badge (#ffebe9)": bytes.fromhex("ffebe9"),
              "time line bar (#9fc5e8)": bytes.fromhex("9fc5e8")}
    missing = [name for name, rgb in wanted.items() if rgb not in colours]
    print(f"screenshot {width}x{height}, {len(colours)} distinct colours sampled")
    if missing or len(colours) < 20:
        sys.exit(f"screenshot check failed: not rendered: {', '.join(missing) or 'too few colours'}")
    print("screenshot check: summary badges and time lines rendered")


if __name__ == "__main__":
    main(sys.argv[1])
