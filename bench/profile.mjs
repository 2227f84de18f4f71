// Where a page's frames spend their time: loads a generated journal into the page (as bench/browser.mjs
// does), opens a route, runs the browser's sampling profiler while the mouse moves over the page (every move
// draws a frame), and prints the functions with the most self time. Build with -DKT_PROFILING=ON so the
// WebAssembly keeps its function names.
//   node bench/profile.mjs [--journal build/bench/journal10k] [--route "#/item/GD5"] [--ms 3000]
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, newPage, waitForApp, frames, state } from "../tests/web/browser.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const journal = path.resolve(arg("journal", path.join(root, "build/bench/journal10k")));
const route = arg("route", "#/item/GD5");
const ms = Number(arg("ms", 3000));

const server = await serveStatic([["/benchdata/", path.dirname(journal)], ["/", path.join(root, "build/web")]]);
const browser = await launch();
try {
  const { page } = await newPage(browser);
  await page.goto(server.url);
  await waitForApp(page);
  const files = (await readdir(journal)).sort();
  await page.evaluate(async ({ base, files }) => {
    const dir = "/data/local/journal";
    for (const f of FS.readdir(dir)) if (f !== "." && f !== "..") FS.unlink(dir + "/" + f);
    for (const f of files) FS.writeFile(dir + "/" + f, new Uint8Array(await (await fetch(base + f)).arrayBuffer()));
    await new Promise((res, rej) => FS.syncfs(false, (e) => (e ? rej(e) : res())));
  }, { base: `${server.url}benchdata/${path.basename(journal)}/`, files });
  await page.goto(server.url + route);
  await page.reload();
  await waitForApp(page);
  console.error(`loaded ${(await state(page)).deals} deals, route ${route}`);
  await frames(page, 5);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  const f0 = await page.evaluate(() => Module._kt_frame_count());
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < ms; i++) {
    await page.mouse.move(300 + (i % 40) * 10, 300 + (i % 7) * 20);
    await page.waitForTimeout(16);
  }
  const nframes = (await page.evaluate(() => Module._kt_frame_count())) - f0;
  const { profile } = await cdp.send("Profiler.stop");
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
  for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${t.toFixed(1).padStart(9)} ms  ${(100 * t / total).toFixed(1).padStart(5)}%  ${name}`);
} finally {
  await browser.close();
  server.srv.close();
}
