// What the start benchmarks share (bench/browser.mjs, bench/profile.mjs, bench/trace_start.mjs): the phone,
// putting a generated store into the app's IndexedDB, opening the app in a new tab, and seeing the first
// frame of a start.
import { readdir } from "node:fs/promises";
import path from "node:path";

// The phone's page (issue 22): 390×844 CSS px, DPR 3, touch; its CPU is throttled by throttle().
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true };

// The page's CPU throttled `rate`× for the page's whole life (DevTools' Emulation.setCPUThrottlingRate).
export async function throttle(context, page, rate) {
  if (rate !== 1) await (await context.newCDPSession(page)).send("Emulation.setCPUThrottlingRate", { rate });
}

// Closes `previous` and opens a new tab of the same context, throttled and with the first-frame probe: the
// app opened there gets a renderer process of its own, as from a phone's home screen (half a second after
// the close, which the previous page's teardown finishes in).
export async function newTab(context, previous, rate) {
  await previous.close({ runBeforeUnload: false });
  await new Promise((res) => setTimeout(res, 500));
  const page = await context.newPage();
  await throttle(context, page, rate);
  await page.addInitScript(firstFrameProbe);
  return page;
}

// Replaces the app's local store in IndexedDB with a generated one: a journal (a folder of segments, which
// the app replays and then compacts into its base) or a stored base (a .bin file, kt_gen --base), `name` in
// `dataDir`, which the static server serves at `dataUrl`. Written through the page's own FS and IDBFS
// mount (the app is running: its files are removed, the generated ones written, then one syncfs).
// Returns the number of files written.
export async function installStore(page, dataUrl, dataDir, name) {
  const isBase = name.endsWith(".bin");
  const files = isBase ? [name] : (await readdir(path.join(dataDir, name))).sort();
  await page.evaluate(async ({ base, files, isBase }) => {
    const dir = "/data/local/journal";
    for (const f of FS.readdir(dir)) if (f !== "." && f !== "..") FS.unlink(dir + "/" + f);
    try { FS.unlink("/data/local/base.bin"); } catch (e) { /* none yet */ }
    for (const f of files) {
      const resp = await fetch(base + f);
      if (!resp.ok) throw new Error(`${base + f}: HTTP ${resp.status}`);
      const b = new Uint8Array(await resp.arrayBuffer());
      FS.writeFile(isBase ? "/data/local/base.bin" : dir + "/" + f, b);
    }
    await new Promise((res, rej) => FS.syncfs(false, (e) => (e ? rej(e) : res())));
  }, { base: `${dataUrl}${isBase ? "" : name + "/"}`, files, isBase });
  return files.length;
}

// After the reload that replayed an installed journal: waits until a journal of more than a thousand
// records has been compacted into the stored base (as on a user's device) and nothing is left to write.
export async function waitCompacted(page) {
  await page.waitForFunction(() => {
    const j = JSON.parse(UTF8ToString(Module._kt_debug_json())).journal;
    return (j.loaded < 1000 || j.compactions > 0) && !Module.ktPersist.inFlight && !Module.ktPersist.dirty;
  }, null, { timeout: 120000, polling: 100 });
}

// The first frame's moment on the page's clock (performance.now() counts from navigation start): an init
// script (page.addInitScript(firstFrameProbe)) watches for it and says it on the console. Nothing is
// evaluated in the page until then: waiting with page.waitForFunction would install Playwright's injected
// script (~300 KB of JavaScript) in the starting page, ~150 ms of the throttled page's thread in a trace.
export function firstFrameProbe() {
  const poll = () => {
    // Module's exports exist before the WebAssembly is instantiated (calling them then throws).
    if (typeof Module !== "undefined" && Module.calledRun && Module._kt_frame_count() >= 1) console.debug("kt-first-frame " + performance.now());
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}
// The probe's report: resolves with the first frame's moment (ms); call it before the navigation.
export function firstFrameSeen(page, timeout = 120000) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      const x = /^kt-first-frame (\S+)$/.exec(m.text());
      if (!x) return;
      clearTimeout(timer);
      page.off("console", on);
      resolve(Number(x[1]));
    };
    const timer = setTimeout(() => { page.off("console", on); reject(new Error(`no first frame in ${timeout} ms`)); }, timeout);
    page.on("console", on);
  });
}
