// Where one start of the app spends its time: a Chromium trace of one opening of the 10k workspace on the
// phone (390×844, DPR 3, touch, the page's CPU throttled 4×, as bench/browser.mjs --device phone), from the
// navigation to the first frame, written out for chrome://tracing or Perfetto, and summed up: the longest
// tasks of every thread of the page's renderer process (the page's own thread, the workers, the compile
// threads), and the WebAssembly's steps (streaming, V8's code cache, compiles).
//   node bench/trace_start.mjs [--tab new] [--web build/web] [--out /tmp/kt-start-trace.json] [--min 8]
// --tab new: the opening measured in a new tab, whose page gets a renderer process of its own (the figure
// of bench/browser.mjs); by default the same tab from about:blank (the process, and with it V8's compiled
// WebAssembly, kept). The trace slows every step down (~1.5×): its times are for comparing, not figures.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { launch, newPage, waitForApp } from "../tests/web/browser.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";
import { root, arg } from "./cli.mjs";
import { PHONE, throttle, newTab, installStore, waitCompacted, firstFrameProbe, firstFrameSeen } from "./start.mjs";

const journal = path.resolve(arg("journal", path.join(root, "build/bench/journal10k")));
const webRoot = path.resolve(arg("web", path.join(root, "build/web")));
const out = arg("out", "/tmp/kt-start-trace.json");
const minMs = Number(arg("min", 8));
const rate = Number(arg("rate", 4));

// The summary: per thread of the page's process, its tasks of at least `minMs` (nested ones indented),
// and the WebAssembly's trace events, all in ms from the navigation's request.
function summary(events, navUrl) {
  const names = new Map();
  for (const e of events) if (e.ph === "M" && e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const nav = events.find((e) => e.name === "ResourceSendRequest" && JSON.stringify(e.args || {}).includes(navUrl));
  if (!nav) return console.log("the navigation's request is not in the trace");
  const t0 = nav.ts, pid = nav.pid, at = (e) => (e.ts - t0) / 1000;
  const mine = events.filter((e) => e.pid === pid && e.ph === "X" && e.ts >= t0).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const threads = new Map();
  for (const e of mine) {
    if (!threads.has(e.tid)) threads.set(e.tid, []);
    threads.get(e.tid).push(e);
  }
  const skip = /^(ThreadControllerImpl::RunTask|AsyncTask Run|v8\.callFunction|PendingScript::ExecuteScriptBlock|TimerBase::run|ThreadPool_RunTask)$/;
  for (const [tid, xs] of threads) {
    const long = xs.filter((e) => (e.dur || 0) / 1000 >= minMs && !skip.test(e.name));
    if (!long.length) continue;
    console.log(`--- ${names.get(`${pid}:${tid}`) || tid}`);
    // Nested tasks indented, two levels at most; a wrapper (a task that is nearly all of the one it is in)
    // is left out, its inner one stands for it.
    const open = [];
    for (const e of long) {
      while (open.length && open[open.length - 1].end <= e.ts) open.pop();
      const parent = open[open.length - 1];
      if (parent && e.dur >= 0.9 * parent.dur) continue;
      if (open.length > 2) continue;
      const args = JSON.stringify(e.args?.data?.url ? { url: e.args.data.url } : e.args || {}).slice(0, 80);
      console.log(`${at(e).toFixed(0).padStart(6)} ${((e.dur || 0) / 1000).toFixed(1).padStart(7)}  ${"  ".repeat(open.length)}${e.name} ${args === "{}" ? "" : args}`);
      open.push({ end: e.ts + (e.dur || 0), dur: e.dur || 0 });
    }
  }
  console.log("--- WebAssembly (thread: event ×count, total ms, first–last ms)");
  const wasm = new Map();
  for (const e of events) {
    if (e.pid !== pid || e.ts < t0 || !/wasm/i.test(e.name)) continue;
    const k = `${names.get(`${pid}:${e.tid}`) || e.tid}: ${e.name}`;
    const w = wasm.get(k) || { n: 0, ms: 0, first: at(e), last: 0 };
    w.n++;
    w.ms += (e.dur || 0) / 1000;
    w.last = at(e);
    wasm.set(k, w);
  }
  for (const [k, w] of [...wasm].sort((a, b) => a[1].first - b[1].first))
    console.log(`${k} ×${w.n}, ${w.ms.toFixed(1)} ms, ${w.first.toFixed(0)}–${w.last.toFixed(0)}`);
}

const server = await serveStatic([["/benchdata/", path.dirname(journal)], ["/", webRoot]]);
const browser = await launch();
try {
  const { page, context } = await newPage(browser, PHONE);
  await throttle(context, page, rate);
  await page.addInitScript(firstFrameProbe);
  await page.goto(server.url);
  await waitForApp(page);
  // The generated journal installed, then compacted into the stored base by the app (as bench/browser.mjs).
  await installStore(page, `${server.url}benchdata/`, path.dirname(journal), path.basename(journal));
  await page.reload();
  await waitForApp(page, 3, 300000);
  await waitCompacted(page);
  // Two openings before the traced one, so that V8's code caches are as on a device that has used the app.
  for (let r = 0; r < 2; r++) {
    await page.goto("about:blank");
    await page.waitForTimeout(500);
    const seen = firstFrameSeen(page);
    await page.goto(`${server.url}?warm=${r}`, { waitUntil: "commit" });
    await seen;
  }
  let pg = page;
  if (arg("tab", "") === "new") {
    pg = await newTab(context, page, rate);
  } else {
    await page.goto("about:blank");
    await page.waitForTimeout(500);
  }
  const cdp = await browser.newBrowserCDPSession();
  const events = [];
  cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
  const complete = new Promise((res) => cdp.once("Tracing.tracingComplete", res));
  await cdp.send("Tracing.start", { transferMode: "ReportEvents", traceConfig: { includedCategories: [
    "devtools.timeline", "disabled-by-default-devtools.timeline", "toplevel", "v8", "v8.wasm", "disabled-by-default-v8.compile",
    "blink", "loading", "gpu", "cc", "ServiceWorker", "IndexedDB"] } });
  const navUrl = `${server.url}?traced=1`;
  const seen = firstFrameSeen(pg);
  await pg.goto(navUrl, { waitUntil: "commit" });
  const ms = await seen;
  const times = await pg.evaluate(() => Module.ktTimes);
  await cdp.send("Tracing.end");
  await complete;
  await writeFile(out, JSON.stringify({ traceEvents: events }));
  console.log(`first frame at ${ms.toFixed(0)} ms (traced); ${events.length} trace events in ${out}`);
  console.log("milestones (ms): " + Object.entries(times).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", "));
  summary(events, navUrl);
} finally {
  await browser.close();
  server.srv.close();
}
