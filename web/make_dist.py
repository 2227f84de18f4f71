#!/usr/bin/env python3
"""Writes the static deployment of the web app (shell/dist.sh): exactly the files to upload to a static host.

Usage: make_dist.py WEB_DIR OUT_DIR   (WEB_DIR: a build's page, build/web)

- kartoteka.js, kartoteka.wasm, kartoteka.data and offline.js get their content's hash in their names
  (kartoteka.3f2a9c1b7e.wasm): a host may let browsers and proxies keep them for a year, and a new build never
  meets an old copy under the same name. index.html loads the hashed names: its two <script src> are
  rewritten, and so is its map of the .wasm's and .data's names (ktFiles, which its early fetches and
  Module.locateFile read).
- index.html, sw.js, manifest.webmanifest and the icons keep their names: they are the addresses a browser
  comes back to (the page, the service worker's script, the installed app's manifest) and must be
  revalidated on every load.
- sw.js is stamped by web/stamp_sw.cmake, as in the build, with the files of this folder: its precache list
  names the hashed files, so the app works offline from the cache exactly as when the server serves it.
- _headers: the headers to serve, in the format Netlify and Cloudflare Pages read (other hosts ignore it;
  the README says what to set by hand): the same security headers as kartoteka-server
  (src/server/server.cpp, security_headers()), with this index.html's inline scripts' hashes, and caching.
The folder is written beside OUT_DIR and renamed into place, so a failure never leaves half a deployment.
"""
import base64
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

HASHED = ["offline.js", "kartoteka.js", "kartoteka.wasm", "kartoteka.data"]
FIXED = ["index.html", "favicon.svg", "manifest.webmanifest", "icon-192.png", "icon-512.png"]

# The security headers of kartoteka-server (src/server/server.cpp, security_headers()); INLINE is replaced
# by the hashes of index.html's inline scripts.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'INLINE; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' http: https:; "
       "worker-src 'self' blob:; manifest-src 'self'; frame-src 'self' blob: tel: sms: mailto:; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def fail(message):
    raise SystemExit("make_dist: " + message)


def hashed_name(name, data):
    stem, ext = name.rsplit(".", 1)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{ext}"


def replace_once(text, old, new):
    if text.count(old) != 1:
        fail(f"index.html should contain {old!r} once, found {text.count(old)} times")
    return text.replace(old, new)


def inline_script_hashes(page):
    """The CSP source of every inline <script> of the page, as kartoteka-server computes them."""
    out = ""
    for m in re.finditer(r"<script([^>]*)>(.*?)</script>", page, re.S):
        if "src=" in m.group(1):
            continue
        digest = hashlib.sha256(m.group(2).encode()).digest()
        out += " 'sha256-" + base64.b64encode(digest).decode() + "'"
    return out


def main():
    if len(sys.argv) != 3:
        fail("usage: make_dist.py WEB_DIR OUT_DIR")
    web, out = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
    root = Path(__file__).resolve().parent.parent
    for name in HASHED + FIXED:
        if not (web / name).is_file():
            fail(f"{web / name} is missing: build the web app first (shell/build.sh web)")

    stage = out.with_name(out.name + ".partial")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)

    names = {}
    for name in HASHED:
        data = (web / name).read_bytes()
        names[name] = hashed_name(name, data)
        (stage / names[name]).write_bytes(data)
    for name in FIXED:
        shutil.copyfile(web / name, stage / name)

    page = (web / "index.html").read_text(encoding="utf-8")
    # The page's one map of file names (its Module.locateFile and its early fetches read it).
    page = replace_once(page, 'var ktFiles = { "kartoteka.wasm": "kartoteka.wasm", "kartoteka.data": "kartoteka.data" };',
                        f'var ktFiles = {{ "kartoteka.wasm": "{names["kartoteka.wasm"]}", '
                        f'"kartoteka.data": "{names["kartoteka.data"]}" }};')
    page = replace_once(page, '<script src="offline.js"></script>', f'<script src="{names["offline.js"]}"></script>')
    page = replace_once(page, '<script async src="kartoteka.js"></script>',
                        f'<script async src="{names["kartoteka.js"]}"></script>')
    (stage / "index.html").write_text(page, encoding="utf-8")

    # The service worker's precache list: the same files as the build's (CMakeLists.txt, KT_CACHED_FILES).
    cached = FIXED + [names[n] for n in HASHED]
    subprocess.run(["cmake", f"-DWEB_DIR={stage}", f"-DTEMPLATE={root / 'web/sw.js.in'}",
                    f"-DFILES={','.join(cached)}", "-P", str(root / "web/stamp_sw.cmake")],
                   check=True, stdout=subprocess.DEVNULL)
    sw = (stage / "sw.js").read_text(encoding="utf-8")
    version = re.search(r'const VERSION = "(\w+)"', sw).group(1)
    for name in names.values():
        if f'"{name}"' not in sw:
            fail(f"sw.js does not precache {name}")

    # Each Cache-Control in its own rule: these hosts join the values of a header that two rules set. The
    # paths are for a deployment at the site's root (README.md, "Hosting": prefix them otherwise).
    caching = "".join(f"/{n}\n  Cache-Control: no-cache\n" for n in ["", "index.html", "sw.js"])
    caching += "".join(f"/{n}\n  Cache-Control: public, max-age=31536000, immutable\n" for n in names.values())
    (stage / "_headers").write_text(
        "# Headers for Netlify and Cloudflare Pages (shell/dist.sh); other hosts: README.md, \"Hosting\".\n"
        "/*\n"
        f"  Content-Security-Policy: {CSP.replace('INLINE', inline_script_hashes(page))}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: no-referrer\n"
        "  X-Frame-Options: DENY\n"
        f"{caching}", encoding="utf-8")

    shutil.rmtree(out, ignore_errors=True)
    stage.rename(out)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"dist: build {version}, {len(list(out.iterdir()))} files, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
