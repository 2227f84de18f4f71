// The browser half of shell/bench.sh: Kartoteka's page and the peers (Dexie, PouchDB) in the same headless
// Chromium, served from one loopback static server. Prints one JSON line per figure, like kt_bench.
//   node bench/browser.mjs --data DIR [--only name,name] [--records 100000] [--runs 3] [--shots DIR]
// DIR holds journal10k/ (kt_gen --journal): the app's local journal of the 10k workspace; for the frame
// figures also journal_card300/ (kt_gen --deals 1000 --card-fields 300 --card-timeline 10000) and
// base100k.bin (kt_gen --deals 100000 --base: the stored state of a compacted store). --shots: where the frame figures save screenshots of what they
// measured (a broken layout is a bug too). --device phone: the same figures on a phone (below). The merge figures (--only merge, or mergemut without the pull
// pages; --updates 100000) also need build/wasm/bench/kt_merge_web.{js,wasm} (cmake --build build/wasm
// --target kt_merge_web).
import { readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { launch, newPage, waitForApp, frames, state, semantics, click } from "../tests/web/browser.mjs";
import { openEditor } from "../tests/web/web_support.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";
import { root, arg, want, emit as emitLine } from "./cli.mjs";
import { PHONE, throttle, newTab, installStore, waitCompacted, firstFrameProbe, firstFrameSeen } from "./start.mjs";

const here = path.join(root, "bench");
const webRoot = path.resolve(arg("web", path.join(root, "build/web")));  // --web: another build of the page
const dataDir = path.resolve(arg("data", path.join(root, "build/bench")));
const RECORDS = Number(arg("records", 100000));
const RUNS = Number(arg("runs", 3));
const SHOTS = arg("shots", "");

// The device the pages run as. The desktop: 1280×800, DPR 1, mouse. A phone (issue 22, "speed on a phone";
// phones are 3-5× slower than this machine): 390×844 CSS px, DPR 3, touch, and the page's CPU slowed by
// --cpu-rate (default 4) through the DevTools protocol (Emulation.setCPUThrottlingRate, which Chromium keeps
// across the page's navigations; it slows the page's main thread, not its workers nor the GPU process).
// A phone's figures are named phone_<figure>. `fields`, `timeline`, `list`: where a figure scrolls; a phone
// shows the card's timeline in its "История" tab (timeline: null).
const DEVICES = {
  desktop: { prefix: "", note: "", options: {}, cpuRate: 1,
    fields: { x: 300, y: 560 }, timeline: { x: 960, y: 560 }, list: { x: 640, y: 500 } },
  phone: { prefix: "phone_", options: PHONE,
    cpuRate: Number(arg("cpu-rate", 4)), fields: { x: 195, y: 520 }, timeline: null, list: { x: 195, y: 520 } },
};
const device = DEVICES[arg("device", "desktop")];
if (!device) throw new Error(`--device: one of ${Object.keys(DEVICES).join(", ")}`);
if (device.cpuRate !== 1) device.note = `phone: 390×844, DPR 3, touch, CPU throttled ${device.cpuRate}× (Emulation.setCPUThrottlingRate)`;
const emit = (figure, unit, samples, note, extra) =>
  emitLine(device.prefix + figure, unit, samples, device.note ? `${device.note}; ${note}` : note, extra);

// A new page as the device: its viewport, and its CPU throttled for the page's whole life.
async function devicePage(browser) {
  const { context, page } = await newPage(browser, device.options);
  await throttle(context, page, device.cpuRate);
  // BENCH_VERBOSE: the page's console (a -DKT_PHASES build prints its slow frames' phases there).
  if (process.env.BENCH_VERBOSE) page.on("console", (m) => console.error("page: " + m.text()));
  // BENCH_PHASES_MS: the frames that long or longer print their phases (a -DKT_PHASES build; default 8).
  if (process.env.BENCH_PHASES_MS) await page.addInitScript(`self.ktPhasesSlowMs = ${Number(process.env.BENCH_PHASES_MS)};`);
  return { context, page };
}

// "/" is the app (build/web), "/peers/" the peers' node_modules, "/bench/" this folder's browser/,
// "/benchdata/" the generated workspaces.
// "/benchwasm/" the benchmark-only WebAssembly modules (kt_merge_web).
const mounts = [["/peers/", path.join(here, "peers/node_modules")], ["/bench/", path.join(here, "browser")],
  ["/benchdata/", dataDir], ["/benchwasm/", path.join(root, "build/wasm/bench")], ["/", webRoot]];
function serve() {
  return serveStatic(mounts);
}

// Download size: what the browser fetches for the app, gzip -9.
async function downloadSize() {
  const files = ["kartoteka.wasm", "kartoteka.js", "kartoteka.data", "index.html", "offline.js"];
  let raw = 0, gz = 0;
  for (const f of files) {
    const b = await readFile(path.join(webRoot, f));
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  emit("download_gzip", "bytes", [gz], `${files.join(" + ")}: ${(raw / 1048576).toFixed(2)} MB raw`);
}

// Idle: after start-up settles, frames drawn in 3 s with no input.
async function idleFps(browser, url) {
  const out = [];
  for (let r = 0; r < RUNS; r++) {
    const { context, page } = await devicePage(browser);
    await page.goto(url);
    await waitForApp(page);
    // The first visit saves the app for offline use: a progress card, then a toast that expires on a timer.
    // Those frames are legitimate; measure once they are over (as tests/web/idle.test.mjs does).
    await page.waitForFunction(() => window.ktOffline && window.ktOffline.state === "active", null, { timeout: 30000 }).catch(() => {});
    for (let i = 0; i < 50 && (await semantics(page)).some((n) => n.id.startsWith("toast:")); i++) await page.waitForTimeout(200);
    await page.waitForTimeout(1000);
    const f0 = await page.evaluate(() => Module._kt_frame_count());
    await page.waitForTimeout(3000);
    const f1 = await page.evaluate(() => Module._kt_frame_count());
    out.push((f1 - f0) / 3);
    await context.close();
  }
  emit("idle_fps", "fps", out, "demo workspace, list screen, 3 s without input once the first visit's offline install and its toast are over");
}

// Navigation -> first frame drawn with the workspace loaded (the main loop draws the list on its first
// frame).
async function coldLoad(browser, url, name, deals, figure) {
  const { context, page } = await devicePage(browser);
  // Every tab of the figure: a crash said, the console with BENCH_VERBOSE, and leaving a page with unsaved
  // edits (beforeunload asks first) accepted and reported.
  const watch = (pg) => {
    pg.on("crash", () => console.error("coldLoad: the page crashed"));
    pg.on("console", (m) => { if (process.env.BENCH_VERBOSE) console.error("page: " + m.text()); });
    pg.on("dialog", (d) => { console.error(`coldLoad: ${d.type()} dialog accepted`); d.accept(); });
  };
  watch(page);
  await page.goto(url);
  await waitForApp(page);
  const files = await installStore(page, `${url}benchdata/`, dataDir, name);
  // A first load replays a new journal (and lets the service worker cache the files); a journal of more
  // than a thousand records is then compacted into the stored base, as on a user's device.
  await page.reload();
  await waitForApp(page, 3, 300000);
  const s = await state(page);
  if (s.deals < deals) throw new Error(`the generated store did not load: ${s.deals} deals`);
  await waitCompacted(page);
  const compacted = (await state(page)).journal;
  const out = [], split = [], reload = [];
  // Each navigation is a fresh document: the first frame includes reading IDBFS, replaying the journal.
  await page.addInitScript(firstFrameProbe);
  const open = async (r, to, pg) => {
    const seen = firstFrameSeen(pg);
    await pg.goto(to, { waitUntil: "commit" });
    const ms = await seen;
    const st = await state(pg);
    if (st.deals < deals) throw new Error(`run ${r}: only ${st.deals} deals loaded`);
    return { ms, st };
  };
  // Three ways to open the app, in turn. The figure: opening it in a new tab (closing the previous one), as
  // from a phone's home screen or a bookmark: the page gets a renderer process of its own, which first has
  // to start, and nothing of the previous page's process is reused. For information: navigating the same
  // tab from an empty page (about:blank), where Chromium keeps the process and with it the previous page's
  // compiled WebAssembly (V8's in-process module cache: the compile is free); and reloading the running app,
  // where the navigation first tears down the previous page (its WebGL context, WebAssembly memory,
  // workers: with a software rasteriser, ~100-200 ms before the new page's first script runs).
  const sameTab = [];
  let cur = page;
  for (let r = 0; r < RUNS; r++) {
    const before = await state(cur);
    if (before.journal.appended !== before.journal.durable) console.error("coldLoad: unsaved before navigation: " + JSON.stringify(before.journal));
    reload.push((await open(r, url + "?reload=" + r, cur)).ms);
    await cur.goto("about:blank");
    await cur.waitForTimeout(500);  // the previous page's teardown (GPU, workers) finishes in the background
    sameTab.push((await open(r, url + "?same=" + r, cur)).ms);
    cur = await newTab(context, cur, device.cpuRate);
    watch(cur);
    const { ms, st } = await open(r, url + "?r=" + r, cur);
    out.push(ms);
    split.push({ populate: await cur.evaluate(() => Module.ktStorage.populateMs), replay: st.journal.load_ms,
      records: st.journal.loaded, times: await cur.evaluate(() => {
        // The navigation's own steps (the service worker's start, the page's response) and the WebAssembly's.
        const nav = performance.getEntriesByType("navigation")[0] || {};
        const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm")) || {};
        return Object.assign({ sw: nav.workerStart, html: nav.responseEnd, wasm: wasm.responseEnd }, Module.ktTimes);
      }) });
  }
  emit(figure + "_same_tab", "ms", sameTab, "the same workspace, navigating the same tab from about:blank (the renderer process, " +
    "and with it V8's compiled WebAssembly, is kept from the previous page)");
  emit(figure + "_reload", "ms", reload, "the same workspace, reloading the running app: the navigation first tears down the previous page");
  const heap = await cur.evaluate(() => (typeof HEAP8 !== "undefined" ? HEAP8.length : wasmMemory.buffer.byteLength));
  emit(figure, "ms", out, `${s.deals} deals (installed: ${name}, ${files} file(s); the first start replayed ` +
    `${s.journal.loaded} journal records, compacted in ${Math.round(compacted.compact_ms)} ms); opened in a new tab -> first frame, ` +
    "files cached by the service worker; of which the runtime waited for the local store (ms) " + split.map((x) => Math.round(x.populate)).join("/") +
    ", decoding the base + replaying " + split.map((x) => x.records).join("/") + " journal records (ms) " +
    split.map((x) => Math.round(x.replay)).join("/") + `; WebAssembly heap ${(heap / 1048576).toFixed(0)} MB; ` +
    "milestones (ms from navigation: the service worker started, the page received, the page's IndexedDB read begun/done, " +
    "script, the WebAssembly received, populating /data begun/done, main, WebGL window, fonts, renderer (font atlas), started, " +
    "the first frame begun/submitted, seen by the next animation frame) " +
    split.map((x, i) => ["sw", "html", "idbRead0", "idbRead1", "script", "wasm", "populate0", "populate1", "main", "window", "fonts",
      "renderer", "started", "frame0", "frame1"]
      .map((k) => Math.round(x.times[k] ?? -1)).concat([Math.round(out[i])]).join(" ")).join(" | "));
  return { context, page: cur };
}

// The browser's own share of a start on this machine: the first frame of a page that holds nothing but a
// full-screen WebGL2 canvas (the context made as index.html makes it, one clear), opened in a new tab the
// way coldLoad opens the app (the same device and throttling, the same probe: the page says it has drawn
// as the app does: bench/browser/floor.html). What the app's new-tab figure has above it is the app's.
async function floor(browser, url) {
  const { context, page } = await devicePage(browser);
  await page.goto(url + "bench/floor.html");
  const out = [];
  let cur = page;
  for (let r = 0; r < Math.max(RUNS, 5); r++) {
    cur = await newTab(context, cur, device.cpuRate);
    const seen = firstFrameSeen(cur);
    await cur.goto(`${url}bench/floor.html?r=${r}`, { waitUntil: "commit" });
    out.push(await seen);
  }
  emit("floor_first_frame_new_tab", "ms", out, "an empty page with a full-screen WebGL2 canvas, one clear, opened " +
    "in a new tab as the app is (navigation -> first frame seen): the browser's own share of the app's new-tab figure");
  await context.close();
}

// The throttling's own spread (phone): a fixed piece of JS work, run once per animation frame for 300 frames,
// first with the page unthrottled (sized to take ~0.8 ms, a phone card frame's code at 1×), then under the
// device's throttling. Chromium throttles by suspending the page's thread from a thread of its own, 50 µs
// run / 150 µs suspended at 4×, the suspended thread spinning in a signal handler until released: on a
// machine with few cores a late release stalls the page for milliseconds. Constant work spread as widely as
// a frame figure (its p95 against its median) says that spread is the emulation's, not the app's.
async function throttleSpread(browser, url) {
  const { context, page } = await devicePage(browser);
  await page.goto(url + "bench/floor.html");
  const cdp = await context.newCDPSession(page);
  const run = (k, n, clear = false) => page.evaluate(({ k, n, clear }) => new Promise((done) => {
    const out = [], gl = document.getElementById("c").getContext("webgl2");
    let x = 1;
    const step = () => {
      const t0 = performance.now();
      for (let i = 0; i < k; i++) x = (x ^ (x << 13) ^ (x >>> 17) ^ (x << 5)) | 0;
      out.push(performance.now() - t0);
      if (clear) {  // a new picture each frame: the GPU process rasterises and composites it meanwhile
        gl.clearColor((out.length % 10) / 10, 0.9, 0.9, 1);
        gl.clear(gl.COLOR_BUFFER_BIT);
      }
      if (out.length < n) requestAnimationFrame(step);
      else done({ out, x });
    };
    requestAnimationFrame(step);
  }), { k, n, clear });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  let k = 100000;
  for (let i = 0; i < 6; i++) {  // sized to ~0.8 ms unthrottled
    const m = quantile((await run(k, 30)).out, 0.5);
    k = Math.max(1000, Math.round(k * 0.8 / Math.max(m, 0.05)));
  }
  const free = (await run(k, 300)).out;
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: device.cpuRate });
  const slowed = (await run(k, 300)).out;
  const drawing = (await run(k, 300, true)).out;
  emit("throttle_work", "ms", slowed, `a fixed piece of JS work per animation frame (${k} xorshift steps), 300 frames, under the ` +
    `page's throttling; unthrottled the same work took ${brief(free)}: the emulation's own spread on this machine`);
  emit("throttle_work_drawing", "ms", drawing, `the same work under the same throttling while each frame also clears the ` +
    `full-screen WebGL canvas to a new colour (the GPU process rasterising a picture per frame, as the app's frames have it)`);
  emit("throttle_work_free", "ms", free, `the same work unthrottled (${k} xorshift steps, 300 frames)`);
  await context.close();
}

// Durable commit of one field edit in the 10k workspace: the edit's mutation handed to storage (the frame
// that applies the Enter) -> the IndexedDB transaction holding it complete (glue.js's commitMs), and, for
// the whole picture, the Enter key -> that completion on the page's clock (which adds the wait for the next
// animation frame: with software WebGL in headless Chromium, frames are paced by the rasteriser).
// Two more figures put the first in context, because an edit never happens on an idle page: it comes with
// the frames that show it, and here every frame costs the GPU process ~85 ms of CPU (SwiftShader) on 2 cores.
// - dexie_put_during_edit: the peer under the same conditions: a Dexie put of a ~700 B record, issued from
//   the page at the moment the app hands its edit to storage (separate edits: the two writes never overlap).
// - durable_write_idle: the storage layer alone on an idle page: a ~200 B file under /data written and
//   handed to the same persist path (change tracking, the persist worker, one transaction), no frame drawn.
async function durableCommit(page, url, size = "10k") {
  const commit = [], input = [], dexie = [], idle = [];
  const id = "GD5";
  await page.goto(url + "#/item/" + id);
  await waitForApp(page);
  await page.addScriptTag({ url: url + "peers/dexie/dist/dexie.min.js" });
  // From the Enter that commits the edit, the page polls (every ~1-4 ms) until a write has started after
  // the Enter and the app has no unsaved mutation left: the edit has been written and reported durable.
  // With window.__peerPut set, the app's hand-over to storage also starts a Dexie put, timed to completion.
  await page.evaluate(async () => {
    await Dexie.delete("bench-durable-peer");
    const db = new Dexie("bench-durable-peer");
    db.version(1).stores({ deals: "id" });
    await db.open();
    const record = { id: "D1", title: "Поставка серверов", stage: "NEW", amount: 1250000, note: "x".repeat(560) };
    const soon = Module.ktPersistSoon;
    Module.ktPersistSoon = function (mark) {
      if (window.__peerPut) {
        window.__peerPut = false;
        const t0 = performance.now();
        db.deals.put(record).then(() => { window.__peerMs = performance.now() - t0; });
      }
      return soon.call(this, mark);
    };
    window.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      const t0 = performance.now();
      const writes = Module.ktPersist.tracked + Module.ktPersist.fullSyncs;
      window.__durable = null;
      const tick = () => {
        const p = Module.ktPersist;
        if (p.tracked + p.fullSyncs > writes && !p.inFlight && Module._kt_unsaved_count() === 0)
          return void (window.__durable = { input: performance.now() - t0, commit: p.commitMs });
        if (performance.now() - t0 < 10000) setTimeout(tick, 1);
      };
      tick();
    }, true);
  });
  if (process.env.BENCH_VERBOSE) await page.evaluate(() => { Module.ktPersist.trace = true; });
  await frames(page, 3);
  const runs = Math.max(10, RUNS);
  let r = 0;
  async function edit(peer) {
    await openEditor(page, id, "TITLE");
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText("Правка для замера " + r++);
    const before = (await state(page)).journal.appended;
    await page.evaluate((peer) => { window.__peerPut = peer; window.__peerMs = null; }, peer);
    await page.keyboard.press("Enter");
    const d = await (await page.waitForFunction(() => window.__durable, null, { timeout: 15000 })).jsonValue();
    const after = (await state(page)).journal;
    if (after.appended !== before + 1) throw new Error(`the edit appended ${after.appended - before} records`);
    if (peer) dexie.push(await (await page.waitForFunction(() => window.__peerMs, null, { timeout: 15000 })).jsonValue());
    else {
      commit.push(d.commit);
      input.push(d.input);
    }
    await frames(page, 3);
  }
  for (let i = 0; i < runs; i++) await edit(false);
  const written = await page.evaluate(() => ({ tracked: Module.ktPersist.tracked, full: Module.ktPersist.fullSyncs }));
  for (let i = 0; i < runs; i++) await edit(true);
  for (let i = 0; i < runs; i++) {
    await page.waitForTimeout(300);  // the page at rest: no frame in flight
    idle.push(await page.evaluate(() => new Promise((resolve, reject) => {
      const p = Module.ktPersist, writes = p.tracked;
      FS.writeFile("/data/bench-probe.bin", crypto.getRandomValues(new Uint8Array(200)));
      Module.ktPersistSoon(p.requested);
      const t0 = performance.now();
      const tick = () => {
        if (p.tracked > writes && !p.inFlight && !p.dirty) return resolve(p.commitMs);
        if (performance.now() - t0 > 10000) return reject(new Error("the probe write did not complete"));
        setTimeout(tick, 0);
      };
      tick();
    })));
  }
  await page.evaluate(() => { FS.unlink("/data/bench-probe.bin"); Module.ktPersistSoon(Module.ktPersist.requested); });
  emit(`durable_edit_${size}`, "ms", commit, `${size} workspace, title edit: the edit's journal record handed to storage -> ` +
    `its IndexedDB transaction complete (${written.tracked} tracked writes, ${written.full} whole-mount syncs)`);
  emit(`durable_edit_input_${size}`, "ms", input, `${size} workspace, title edit: Enter keydown -> reported durable, page clock ` +
    "(includes waiting for the next animation frame)");
  emit(`dexie_put_during_edit_${size}`, "ms", dexie, `${size} workspace: a Dexie put of a ~700 B record issued from the page ` +
    "at the moment the app hands a title edit to storage -> the put's promise resolved (the peer under the same conditions)");
  emit(`durable_write_idle_${size}`, "ms", idle, `${size} workspace, page at rest: a 200 B file under /data handed to the app's ` +
    "persist path (change tracking, persist worker, one transaction) -> complete; the storage layer without a frame");
}

// ---------------------------------------------------------------------------------------------------------
// Frame CPU time: the app keeps the durations of its last frames (src/app/main_web.cpp, kt_frame_ms_*):
// cpu = frame callback start -> draw data submitted to WebGL, less the GPU wait; ui = the screens' code
// alone; total = the whole callback (waits and the accessibility mirror's update included); gl_wait = time
// in synchronous WebGL queries; drawn = whether the frame was sent to WebGL (one whose draw data is the same
// as the picture on the canvas is not: src/app/renderer.hpp). WebGL calls only queue work for the GPU
// process, except queries such as getParameter (the ImGui backend reads GL state back every frame), which
// wait for it to catch up: the page sums their time into Module.ktGlWaitMs, and the app takes it out of `cpu`.
async function frameTimes(page, act) {
  await page.evaluate(() => {
    if (typeof GLctx === "undefined" || GLctx.__ktTimed) return;
    GLctx.__ktTimed = true;
    for (const name of ["getParameter", "isEnabled", "getError"]) {
      const call = GLctx[name].bind(GLctx);
      GLctx[name] = (...args) => {
        const t = performance.now();
        try { return call(...args); } finally { Module.ktGlWaitMs = (Module.ktGlWaitMs || 0) + performance.now() - t; }
      };
    }
  });
  await page.evaluate(() => Module._kt_frame_ms_reset());
  await act();
  return page.evaluate(() => {
    const n = Module._kt_frame_ms_count(), out = { cpu: [], ui: [], total: [], wait: [], drawn: [] };
    for (let i = 0; i < n; i++) {
      out.cpu.push(Module._kt_frame_ms_at(i, 0));
      out.ui.push(Module._kt_frame_ms_at(i, 1));
      out.total.push(Module._kt_frame_ms_at(i, 2));
      out.wait.push(Module._kt_frame_ms_at(i, 3));
      out.drawn.push(Module._kt_frame_ms_at(i, 4));
    }
    return out;
  });
}
const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length - 1) * p + 0.5))] : NaN;
};
const brief = (xs) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p95 ${quantile(xs, 0.95).toFixed(2)} ms`;
// Rolls the mouse wheel over `at`, `steps` notches of `dy` pixels, one drawn frame after each (as fast as
// the page draws them). A phone too: the app turns a finger's scrolling into the same wheel steps
// (web/input.js -> kt_touch_scroll -> io.MouseWheel), and a finger driven through the DevTools protocol on a
// throttled page turns into a long press (no move within 350 ms while a frame is drawn), which holds the
// button instead of scrolling.
async function wheel(page, at, steps, dy) {
  await page.mouse.move(at.x, at.y);
  await frames(page, 2);
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, dy);
    await frames(page, 1);
  }
}
// Emits a frame figure (cpu samples) and its "total" companion; logs the UI share.
function emitFrames(figure, t, note) {
  const drawn = t.cpu.filter((_, i) => t.drawn[i] === 1);
  emit(figure, "ms", t.cpu, `${note}; ${t.cpu.length} frames, ${drawn.length} of them sent to WebGL (${brief(drawn)}; ` +
    `the others repeated the picture on the canvas); the screens' code alone: ${brief(t.ui)}; ` +
    `GPU wait taken out (synchronous WebGL queries): ${brief(t.wait)}`);
  emit(figure + "_total", "ms", t.total, `${note}; the whole frame callback: GPU wait and the accessibility mirror's update included`);
}
async function shot(page, name) {
  if (!SHOTS) return;
  await frames(page, 2);
  await page.screenshot({ path: path.join(SHOTS, `bench-${name}.png`) });
}

// Puts a generated journal in place and reloads: returns the time from navigation to the first frame with
// the workspace loaded (ms, page clock) and the state.
async function loadJournal(page, url, name, deals) {
  await page.goto(url);
  await waitForApp(page);
  const segments = await installStore(page, `${url}benchdata/`, dataDir, name);
  await page.goto(url + "?load=" + name);
  await page.waitForFunction((n) => typeof Module !== "undefined" && Module.calledRun && Module._kt_frame_count() >= 1 &&
    JSON.parse(UTF8ToString(Module._kt_debug_json())).deals >= n, deals, { timeout: 600000, polling: 100 });
  const loadMs = await page.evaluate(() => performance.now());
  await waitForApp(page);
  const s = await state(page);
  return { segments, loadMs, s };
}

// The card of 300 fields (in sections) and 10,000 timeline entries (deal GD1 of journal_card300): scroll
// the fields column down and up, then the timeline down and up.
async function frameCard(browser, url) {
  await stat(path.join(dataDir, "journal_card300"));
  const { context, page } = await devicePage(browser);
  const { s } = await loadJournal(page, url, "journal_card300", 1000);
  await page.goto(url + "#/item/GD1");
  await waitForApp(page);
  await frames(page, 5);
  await shot(page, "card300");
  const fields = device.fields, timeline = device.timeline || device.fields;
  const onScreen = async (prefix) => (await semantics(page)).filter((n) => n.id.startsWith(prefix)).length;
  let rows = 0, entries = 0;
  const scrollTimeline = async () => {
    await wheel(page, timeline, 120, 100);
    entries = await onScreen("timeline:");
    await shot(page, "card300-timeline-scrolled");
    await wheel(page, timeline, 60, -200);
  };
  const t = await frameTimes(page, async () => {
    await wheel(page, fields, 120, 100);
    rows = await onScreen("field:GD1:");
    await shot(page, "card300-fields-scrolled");
    await wheel(page, fields, 60, -200);
    if (device.timeline) await scrollTimeline();
  });
  if (!device.timeline) {
    // A phone shows the timeline in the card's "История" tab: opened between the two series of frames.
    await page.goto(url + "#/item/GD1/history");
    await waitForApp(page);
    await frames(page, 5);
    const more = await frameTimes(page, scrollTimeline);
    if (process.env.BENCH_VERBOSE)
      console.error(`card300 fields: cpu ${brief(t.cpu)}, ui ${brief(t.ui)}; timeline: cpu ${brief(more.cpu)}, ui ${brief(more.ui)}`);
    for (const k of Object.keys(t)) t[k].push(...more[k]);
  }
  emitFrames("frame_card300", t, `deal GD1: 300 custom fields in 10 sections + ${s.deals} deals in the workspace; ` +
    `10,000 timeline entries; wheel over the fields (${rows} fields on screen), then the timeline (${entries} entries on screen)`);
  await context.close();
}

// 100,000 deals: the load, the heap once loaded, then the list and the kanban scrolled with the wheel.
async function frame100k(browser, url) {
  await stat(path.join(dataDir, "base100k.bin"));
  const { context, page } = await devicePage(browser);
  page.on("dialog", (d) => d.accept());
  const t0 = Date.now();
  const { segments, loadMs, s } = await loadJournal(page, url, "base100k.bin", 100000);
  console.error(`frame100k: installed ${segments} segments and loaded ${s.deals} deals in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
    `navigation -> loaded ${Math.round(loadMs)} ms`);
  if (want("heap100k")) {
    const heap = await page.evaluate(() => (typeof HEAP8 !== "undefined" ? HEAP8.length : wasmMemory.buffer.byteLength));
    const inUse = s.malloc_in_use ? `; ${(s.malloc_in_use / 1048576).toFixed(1)} MiB of it allocated now` : "";
    emit("heap_100k", "bytes", [heap], `WebAssembly memory (HEAP8.length, the peak: it never shrinks) with ${s.deals} ` +
      `deals loaded from the stored base (kt_gen --base; navigation -> loaded: ${Math.round(loadMs)} ms)${inUse}`);
  }
  if (want("durable100k")) await durableCommit(page, url, "100k");
  if (want("search100k")) {
    // The quick search with a stage filter, typed into the list: the UI time of the frame that runs the
    // query (the frame after the text changed; its result is drawn in it). The app prepares the search
    // texts in idle time after start; the first search is reported on its own.
    await page.goto(url + "#/list/deal");
    await waitForApp(page);
    await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_debug_json())).search_warm_ms >= 0, null, { timeout: 60000 });
    const warmMs = (await state(page)).search_warm_ms;
    await click(page, { id: "list:filter" });
    await click(page, { id: "filter:stage:NEW" });
    await click(page, { id: "filter:close" });
    await frames(page, 3);
    const words = ["монтаж", "лиценз", "аудит", "сервер", "обучен", "аренд", "консал", "интеграц", "поставка", "1"];
    const samples = [];
    let found = "";
    await click(page, { id: "list:search" });
    for (let r = 0; r < Math.max(12, RUNS * 4); r++) {
      const word = words[r % words.length] + (r >= words.length ? " 1" : "");
      const t = await frameTimes(page, async () => {
        await page.keyboard.press("Control+A");
        await page.keyboard.insertText(word);
        await page.waitForFunction((w) => JSON.parse(UTF8ToString(Module._kt_semantics_json()))
          .some((n) => n.id === "list:search" && n.value === w), word, { polling: 5 });
        await frames(page, 2);
      });
      samples.push(Math.max(...t.ui));
      if (r === 0) found = (await semantics(page)).find((n) => n.id === "list:count")?.name;
      if (process.env.BENCH_VERBOSE) console.error(`search100k: "${word}" ${Math.max(...t.ui).toFixed(1)} ms, frames ${t.ui.map((x) => x.toFixed(1)).join(" ")}`);
    }
    await shot(page, "search100k");
    emit("browser_query_100k_first", "ms", [samples[0]], `the first search after start ("${words[0]}", stage NEW: ${found} deals found), ` +
      `after the idle warm-up (done ${Math.round(warmMs)} ms after it started, no frames drawn)`);
    emit("browser_query_100k", "ms", samples.slice(1), `${s.deals} deals, stage NEW + a word typed into the list's search box: ` +
      `the UI time of the frame that runs the query`);
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Backspace");
    await click(page, { id: "list:filter" });
    await click(page, { id: "filter:reset" });
    await click(page, { id: "filter:close" });
    await frames(page, 3);
  }
  if (want("list100k")) {
    await page.goto(url + "#/list/deal");
    await waitForApp(page);
    await shot(page, "list100k");
    const at = device.list;
    const t = await frameTimes(page, async () => {
      await wheel(page, at, 150, 100);
      await shot(page, "list100k-scrolled");
      await wheel(page, at, 150, -100);
    });
    emitFrames("frame_list100k", t, `the deal list of ${s.deals} deals, wheel down 150 notches and back`);
  }
  if (want("kanban100k")) {
    await page.goto(url + "#/list/deal");
    await waitForApp(page);
    await click(page, { id: "view:kanban" });
    await frames(page, 3);
    await shot(page, "kanban100k");
    const t = await frameTimes(page, async () => {
      await wheel(page, { x: 150, y: 500 }, 100, 100);
      await wheel(page, { x: 430, y: 500 }, 100, 100);
      await shot(page, "kanban100k-scrolled");
      await wheel(page, { x: 150, y: 500 }, 50, -200);
    });
    emitFrames("frame_kanban100k", t, `the kanban of ${s.deals} deals (default pipeline), wheel over two columns`);
  }
  await context.close();
}

async function peers(browser, url) {
  const { context, page } = await devicePage(browser);
  await page.goto(url + "bench/peers.html");
  await page.waitForFunction(() => window.benchPeers && window.Dexie && window.PouchDB);
  const bytes = await page.evaluate(() => benchPeers.recordBytes());
  const n = 50;
  if (want("puts")) {
    emit("dexie_put", "ms", await page.evaluate((n) => benchPeers.dexiePuts(n), n), `${n} single puts, records of ${bytes} B JSON`);
    emit("pouch_put", "ms", await page.evaluate((n) => benchPeers.pouchPuts(n), n), `${n} single puts (updates), records of ${bytes} B JSON`);
  }
  if (want("loads")) {
    const d = await page.evaluate(([c, r]) => benchPeers.dexieLoad(c, r), [RECORDS, RUNS]);
    emit("dexie_load", "ms", d.loads, `open + toArray of ${RECORDS} records (bulk written in ${(d.write / 1000).toFixed(1)} s)`);
    const p = await page.evaluate(([c, r]) => benchPeers.pouchLoad(c, r), [RECORDS, RUNS]);
    emit("pouch_load", "ms", p.loads, `allDocs({include_docs}) of ${RECORDS} records (bulk written in ${(p.write / 1000).toFixed(1)} s)`);
  }
  await context.close();
}

// Merge of 100,000 remote field updates into the local state (issue 9: >= 2x Yjs in the browser): kt_bench's
// merge compiled to WebAssembly (build/wasm/bench/kt_merge_web, tools/bench/merge_web.cpp) applying the
// same stream to the 100k workspace decoded from its stored base, and Yjs in the same page applying the same
// shape of stream to 100k Y.Maps (bench/browser/yjs_merge_run.mjs, as in Node). Yjs runs first, in a page
// whose WebAssembly heap has not grown yet. Each side discards a first run (JIT and tier-up warm-up).
// "merge": both figures of the core (mutations, pull pages) and Yjs; "mergemut": without the pull pages.
async function merge(browser, url) {
  const updates = Number(arg("updates", 100000));
  const { context, page } = await devicePage(browser);
  page.on("crash", () => console.error("merge: the page crashed"));
  await page.goto(url + "bench/merge.html");
  await page.waitForFunction(() => window.benchMerge && window.ktMergeBench);
  const y = await page.evaluate(([u, r]) => benchMerge.yjs(u, u, r), [updates, RUNS]);
  const ua = await page.evaluate(() => navigator.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)[0]);
  emit("browser_yjs_merge", "per_s", y.perS, `${updates} remote field updates (one update message each) over ${updates} ` +
    `Y.Maps, Y.applyUpdate, ${ua}; check ${y.check}`);
  const c = await page.evaluate(([b, u, r, pull]) => benchMerge.core(b, u, r, pull),
    [url + "benchdata/base100k.bin", updates, RUNS, want("merge")]);
  const mb = (b) => (b / 1048576).toFixed(0);
  const state = `${c.deals} deals decoded from the ${mb(c.baseBytes)} MB stored base in ${Math.round(c.loadMs)} ms, ` +
    `every packed timeline decoded (${Math.round(c.unpackMs)} ms: the native figure's state)`;
  emit("browser_merge_mutations", "per_s", c.mutations, `${updates} SetField mutations of another client, ` +
    `Workspace::apply in WebAssembly (-O3, as the app), ${ua}; ${state}; the benchmark's WebAssembly heap at the end ` +
    `${mb(c.heapBytes)} MB (with the pull pages and a second copy of the workspace)`);
  if (c.pull) {
    const avg = (xs) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
    emit("browser_merge_pull", "per_s", c.pull, `${Math.min(updates, c.deals)} changed items in binary pull pages ` +
      `(each run's changed cells and new timeline entries, as the server sends them to a client that holds the ` +
      `items): parse_pull + Replica::apply in WebAssembly into a synced client's workspace loaded as the app ` +
      `loads it (${Math.round(c.clientLoadMs)} ms); ${mb(c.pageBytes)} MB in ${c.pages} pages per run; ` +
      `per run ${avg(c.parseMs)} ms parse_pull, ${avg(c.applyMs)} ms Replica::apply; ${ua}`);
  }
  await context.close();
}

async function main() {
  const server = await serve();
  const browser = await launch();
  try {
    if (want("download")) await downloadSize();
    if (want("floor")) await floor(browser, server.url);
    if (want("throttle") && device.cpuRate !== 1) await throttleSpread(browser, server.url);
    if (want("idle")) await idleFps(browser, server.url);
    if (want("cold10k") || want("durable")) {
      await stat(path.join(dataDir, "journal10k"));
      const { context, page } = await coldLoad(browser, server.url, "journal10k", 10000, "cold_load_journal10k");
      if (want("durable")) await durableCommit(page, server.url);
      await context.close();
    }
    if (want("cold100k")) {
      await stat(path.join(dataDir, "base100k.bin"));
      const { context } = await coldLoad(browser, server.url, "base100k.bin", 100000, "cold_load_100k");
      await context.close();
    }
    if (want("card300")) await frameCard(browser, server.url);
    if (want("list100k") || want("kanban100k") || want("heap100k") || want("search100k") || want("durable100k")) await frame100k(browser, server.url);
    if (want("puts") || want("loads")) await peers(browser, server.url);
    if (want("merge") || want("mergemut")) {
      await stat(path.join(root, "build/wasm/bench/kt_merge_web.wasm"));
      await stat(path.join(dataDir, "base100k.bin"));
      await merge(browser, server.url);
    }
  } finally {
    await browser.close();
    server.srv.close();
  }
}
main().catch((e) => { console.error("bench/browser.mjs: " + (e.stack || e)); process.exit(1); });
