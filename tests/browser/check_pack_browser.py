#!/usr/bin/env python3
"""A real-browser check of the HTML meeting pack (issue 17, item 3).

Usage: check_pack_browser.py KISCRM_CLI

Builds the demo company (kiscrm demo-data --seed 7), renders its weekly pack as HTML
(kiscrm meeting --format html --output …), opens it in headless Chromium, takes a
screenshot and checks that
  * the page is not blank;
  * the charts are drawn: the pixels of the charts' colours (the blue of expected
    contracts and of the funnel, the orange of collections, the green of surpluses in the
    gap by person) cover real areas;
  * Chinese glyphs render: a known Chinese string, drawn with the pack's fonts, differs
    from the same number of unassigned code points (which every font draws as the same
    empty box) — without a CJK font both come out as identical boxes.
Exits 77 (skipped) with a message when Chromium is not installed, unless CI is set (CI
installs chromium and fonts-wqy-microhei, so a missing browser there is a failure).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
BLUE, ORANGE, GREEN = (0x4e, 0x79, 0xa7), (0xf2, 0x8e, 0x2b), (0x59, 0xa1, 0x4f)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(chrome, html, png, width, height, profile):
    cmd = [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--user-data-dir=" + profile, "--force-device-scale-factor=1",
           "--window-size=%d,%d" % (width, height), "--screenshot=" + png, "file://" + html]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0 or not os.path.exists(png):
        fail("chromium could not take the screenshot (%d): %s" % (r.returncode, r.stderr.decode()[-2000:]))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def read_png(path):
    """(width, height, rows of RGB tuples): 8-bit RGB or RGBA, not interlaced."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail("unexpected PNG format (depth %d, colour type %d)" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                up_left = prev[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + paeth(left, prev[x], up_left)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, [[tuple(r[x:x + 3]) for x in range(0, stride, bpp)] for r in rows]


def pixels(path):
    try:  # python3-pil when installed: much faster than the decoder above
        from PIL import Image
        im = Image.open(path).convert("RGB")
        w, h = im.size
        flat = list(im.getdata())
        return w, h, [flat[y * w:(y + 1) * w] for y in range(h)]
    except ImportError:
        return read_png(path)


def near(p, colour, tol=12):
    return all(abs(a - b) <= tol for a, b in zip(p, colour))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    chrome = browser()
    if not chrome:
        msg = "chromium is not installed (Debian: apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("CI"):
            fail(msg + " — CI must install it")
        print("SKIP: " + msg)
        sys.exit(SKIP)
    cli = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="kiscrm-browser-") as tmp:
        db, html, png = (os.path.join(tmp, n) for n in ("demo.db", "pack.html", "pack.png"))
        subprocess.run([cli, "--db", db, "demo-data", "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([cli, "--db", db, "meeting", "--as-of", "2026-11-23", "--format", "html",
                        "--output", html], check=True)
        profile = os.path.join(tmp, "profile")
        screenshot(chrome, html, png, 1280, 2000, profile)
        w, h, rows = pixels(png)
        total = w * h
        ink = sum(1 for r in rows for p in r if p != (255, 255, 255))
        print("screenshot %dx%d: %.1f %% of the pixels are not white" % (w, h, 100.0 * ink / total))
        if ink < total * 0.03:
            fail("the page is (nearly) blank")
        counts = {name: sum(1 for r in rows for p in r if near(p, c))
                  for name, c in (("blue", BLUE), ("orange", ORANGE), ("green", GREEN))}
        print("chart colours: %s pixels" % counts)
        # the eight weeks' bars, the gap by person and the funnel are hundreds of pixels tall
        if counts["blue"] < 20000 or counts["orange"] < 3000 or counts["green"] < 3000:
            fail("the charts are not drawn (too few pixels of their colours: %s)" % counts)
        # the bars lie under their section titles: in the top third the eight weeks' chart
        top = sum(1 for r in rows[:h // 3] for p in r if near(p, ORANGE))
        if top < 1000:
            fail("no collection bars in the eight weeks' chart at the top of the page")

        # Chinese glyphs: the same fonts as the pack, a known string against empty boxes
        style = open(html, encoding="utf-8").read().split("<style>")[1].split("</style>")[0]
        shots = {}
        for name, text in (("zh", "周例会销售漏斗"), ("box", "\U000E0FFF" * 7)):
            page = os.path.join(tmp, name + ".html")
            with open(page, "w", encoding="utf-8") as f:
                f.write("<!DOCTYPE html><html><head><meta charset='utf-8'><style>%s</style></head>"
                        "<body><h1 style='font-size:48px'>%s</h1></body></html>" % (style, text))
            shots[name] = os.path.join(tmp, name + ".png")
            screenshot(chrome, page, shots[name], 600, 160, profile)
        zh, box = pixels(shots["zh"])[2], pixels(shots["box"])[2]
        zh_ink = sum(1 for r in zh for p in r if sum(p) < 384)
        differ = sum(1 for a, b in zip(zh, box) for p, q in zip(a, b) if p != q)
        print("Chinese string: %d dark pixels, %d pixels differ from the empty boxes" % (zh_ink, differ))
        if zh_ink < 500:
            fail("the Chinese string did not render")
        if differ < 500:
            fail("Chinese glyphs render as empty boxes: no CJK font (install fonts-wqy-microhei)")
    print("OK: the HTML pack renders in %s with its charts and Chinese text" % chrome)


if __name__ == "__main__":
    main()
