// Where a page's frames spend their time: loads a generated journal into the page (as bench/browser.mjs
// does), opens a route, runs the browser's sampling profiler while the mouse moves over the page (every move
// draws a frame), and prints the functions with the most self time. Build with -DKT_PROFILING=ON so the
// WebAssembly keeps its function names.
// --act edit: instead, edits the open card's title again and again (type, Enter), and also prints the
// functions with the most total time (self + callees), to see what an edit's frame spends.
// --act start: instead, one reload until the first frame (the whole start of the page).
// --act scroll: instead, rolls the wheel up and down over the page (every notch draws a frame).
// --device phone: as bench/browser.mjs's phone (390×844, DPR 3, touch, CPU throttled 4×).
// --web build/web-prof: the build to profile (default build/web).
// --rate N: the phone's CPU throttling (default 4; 1 = none). --gap MS: the pause between two wheel notches
// (default 16). --save FILE: keeps the profile (.cpuprofile). --console: prints the page's console lines (the app's stderr).
//   node bench/profile.mjs [--journal build/bench/journal10k] [--route "#/item/GD5"] [--ms 3000] [--act edit]
import path from "node:path";
import { launch, newPage, waitForApp, frames, state } from "../tests/web/browser.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";
import { openEditor } from "../tests/web/web_support.mjs";
import { root, arg } from "./cli.mjs";
import { PHONE, installStore } from "./start.mjs";

const journal = path.resolve(arg("journal", path.join(root, "build/bench/journal10k")));
const route = arg("route", "#/item/GD5");
const ms = Number(arg("ms", 3000));
const act = arg("act", "move");
const phone = arg("device", "desktop") === "phone";
const webRoot = path.resolve(arg("web", path.join(root, "build/web")));

const server = await serveStatic([["/benchdata/", path.dirname(journal)], ["/", webRoot]]);
const browser = await launch();
try {
  const { page, context } = await newPage(browser, phone ? PHONE : {});
  // --console: the page's console lines (a -DKT_PHASES build prints the phases of its slow frames there).
  if (process.argv.includes("--console")) page.on("console", (m) => console.log("page: " + m.text()));
  // BENCH_PHASES_MS: the phases build prints every frame slower than this (as in bench/browser.mjs).
  if (process.env.BENCH_PHASES_MS) await page.addInitScript(`self.ktPhasesSlowMs = ${Number(process.env.BENCH_PHASES_MS)};`);
  await page.goto(server.url);
  await waitForApp(page);
  await installStore(page, `${server.url}benchdata/`, path.dirname(journal), path.basename(journal));
  await page.goto(server.url + route);
  await page.reload();
  await waitForApp(page, 3, 600000);  // the first start replays the journal (journal_card300: a minute)
  console.error(`loaded ${(await state(page)).deals} deals, route ${route}`);
  await frames(page, 5);
  const cdp = await context.newCDPSession(page);
  if (phone) await cdp.send("Emulation.setCPUThrottlingRate", { rate: Number(arg("rate", 4)) });
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const f0 = act === "start" ? 0 : await page.evaluate(() => Module._kt_frame_count());
  const t0 = Date.now();
  if (act === "start") {
    // One start: the reload, until the app has drawn its first frame.
    await page.reload();
    await page.waitForFunction(() => typeof Module !== "undefined" && Module.calledRun && Module._kt_frame_count() >= 1,
      null, { polling: "raf", timeout: 60000 });
  }
  const item = decodeURIComponent(route.replace(/^#\/item\//, ""));
  for (let i = 0; act !== "start" && Date.now() - t0 < ms; i++) {
    if (act === "edit") {
      await openEditor(page, item, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Правка " + i);
      await page.keyboard.press("Enter");
      await frames(page, 2);
    } else if (act === "scroll") {
      await page.mouse.move(phone ? 195 : 300, phone ? 520 : 500);
      await page.mouse.wheel(0, i % 40 < 20 ? 120 : -120);
      await page.waitForTimeout(Number(arg("gap", 16)));
    } else {
      await page.mouse.move(300 + (i % 40) * 10, 300 + (i % 7) * 20);
      await page.waitForTimeout(16);
    }
  }
  const nframes = (await page.evaluate(() => Module._kt_frame_count())) - f0;
  const { profile } = await cdp.send("Profiler.stop");
  // --save FILE: the whole profile (Chromium's .cpuprofile format: DevTools opens it) for a closer look.
  if (arg("save", "")) (await import("node:fs")).writeFileSync(arg("save", ""), JSON.stringify(profile));
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = profile.timeDeltas;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const name = n.callFrame.functionName || "(anonymous " + n.callFrame.url.split("/").pop() + ")";
    const t = (dt[i + 1] ?? 0) / 1000;
    total += t;
    self.set(name, (self.get(name) || 0) + t);
  });
  console.log(`${nframes} frames in ${ms} ms; sampled ${total.toFixed(0)} ms`);
  const print = (m, n) => {
    for (const [name, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
      console.log(`${t.toFixed(1).padStart(9)} ms  ${(100 * t / total).toFixed(1).padStart(5)}%  ${name}`);
  };
  print(self, 40);
  if (act !== "move") {
    // Total time: a sample counts once for every distinct function on its stack.
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
    const incl = new Map();
    profile.samples.forEach((id, i) => {
      const t = (dt[i + 1] ?? 0) / 1000, seen = new Set();
      for (let n = id; n !== undefined; n = parent.get(n)) {
        const f = byId.get(n).callFrame.functionName || "(anonymous)";
        if (!seen.has(f)) { seen.add(f); incl.set(f, (incl.get(f) || 0) + t); }
      }
    });
    console.log("--- total (self + callees)");
    print(incl, 60);
  }
} finally {
  await browser.close();
  server.srv.close();
}
