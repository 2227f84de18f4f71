// The browser's own share of a phone's start on this machine: the first frame of a page that holds nothing
// but a full-screen WebGL2 canvas (the context made as index.html makes it, one clear), opened in a new tab
// as bench/browser.mjs opens the app (390×844, DPR 3, touch, the page's CPU throttled `--rate`×, default 4).
// What the app's new-tab figure (phone_cold_load_journal10k) has above it is the app's.
//   node bench/floor.mjs [--rate 4] [--runs 5]
import { launch, newPage } from "../tests/web/browser.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";
import { arg } from "./cli.mjs";
import { PHONE, newTab, firstFrameSeen } from "./start.mjs";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const rate = Number(arg("rate", 4));
const runs = Number(arg("runs", 5));
const dir = await mkdtemp(path.join(os.tmpdir(), "kt-floor-"));
// The probe of bench/start.mjs (firstFrameProbe) waits for Module._kt_frame_count() >= 1: the page says so.
await writeFile(path.join(dir, "index.html"), `<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html,body{margin:0;height:100%;overflow:hidden}#c{position:fixed;inset:0;width:100%;height:100%}</style></head>
<body><canvas id="c"></canvas><script>
var frames = 0, Module = { calledRun: true, _kt_frame_count: function () { return frames; } };
var c = document.getElementById("c"), dpr = devicePixelRatio || 1, b = c.getBoundingClientRect();
c.width = Math.round(b.width * dpr); c.height = Math.round(b.height * dpr);
var gl = c.getContext("webgl2", { antialias: false, alpha: true, depth: true, stencil: true });
requestAnimationFrame(function () { gl.clearColor(0.93, 0.95, 0.96, 1); gl.clear(gl.COLOR_BUFFER_BIT); frames = 1; });
</script></body></html>`);
const server = await serveStatic([["/", dir]]);
const browser = await launch();
try {
  const { context, page } = await newPage(browser, PHONE);
  await page.goto(server.url);
  let cur = page;
  const out = [];
  for (let r = 0; r < runs; r++) {
    cur = await newTab(context, cur, rate);
    const seen = firstFrameSeen(cur);
    await cur.goto(`${server.url}?r=${r}`, { waitUntil: "commit" });
    out.push(Math.round(await seen));
  }
  out.sort((a, b) => a - b);
  console.log(`an empty WebGL2 page, new tab, CPU throttled ${rate}×: first frame ${out.join(" ")} ms ` +
    `(median ${out[Math.floor(out.length / 2)]})`);
} finally {
  await browser.close();
  server.srv.close();
}
