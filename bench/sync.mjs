// The sync figures of issue 9 (shell/bench.sh calls this after bench/browser.mjs). Prints one JSON line per
// figure, like kt_bench and bench/browser.mjs.
//   node bench/sync.mjs --data DIR [--only bootstrap,pouch,edit] [--runs 2] [--edits 10]
//                       [--mutations DIR/ws100k.jsonl] [--reload-runs 3]
//
// bootstrap  a real kartoteka-server (loopback, SQLite) holding the 100k-deal workspace: a fresh browser
//            profile logs in through the connect dialog, takes the server's data ("replace"), and the clock
//            runs from that click until every item is in the page, the app says "synced" and the IndexedDB
//            writes it started are done (its persist scheduler idle, no FS.syncfs in flight). The split
//            (network, FS.syncfs, the rest = parse + apply + drawing) comes from the page's own clocks.
// pouch      the same items (the JSON our server sends, one doc per item) in pouchdb-server (in memory, on
//            loopback), replicated by PouchDB in the same Chromium into an empty browser database.
// reload     the last bootstrapped page reloaded until every item is in it again (the connected store's
//            cold load: base.bin + shards); needs bootstrap in the same run.
// edit       two of the bootstrapped browsers, both on the same deal's card: a title edit typed in one
//            (Enter), until the other page shows it (its document title follows the open card's name; set
//            in the frame that draws the new name).
//
// The server's data directory is loaded once by pushing kt_gen's mutations (as a client catching up would,
// 500 per push) and kept in DIR/server100k (keyed by the mutation file's size and time), with the checkpoint
// the server writes at a clean stop (so a start loads that instead of replaying ~500k mutations); each run
// works on a copy, so edits never accumulate in it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import readline from "node:readline";
import { launch, newPage, waitForApp, frames, state, find } from "../tests/web/browser.mjs";
import { openEditor, api, loginDialog, spawnServer } from "../tests/web/web_support.mjs";
import { serveStatic } from "../tests/web/static_server.mjs";
import { root, arg, want, emit } from "./cli.mjs";

const here = path.join(root, "bench");
const dataDir = path.resolve(arg("data", path.join(root, "build/bench")));
const RUNS = Number(arg("runs", 2));
const EDITS = Number(arg("edits", 10));
const mutationsFile = path.resolve(arg("mutations", path.join(dataDir, "ws100k.jsonl")));
const ADMIN = { login: "admin", password: "benchmark-password" };
const log = (...a) => console.error("sync bench:", ...a);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[(s.length - 1) >> 1] / 2 + s[s.length >> 1] / 2 : NaN; };

// ---- kartoteka-server ------------------------------------------------------------------------------------

async function startServer(dir, { admin = false } = {}) {
  const args = ["--data-dir", dir];
  if (admin) args.push("--admin-login", ADMIN.login, "--admin-password", ADMIN.password);
  const t0 = Date.now();
  const server = await spawnServer(args, { timeout: 600000 });  // a big log is replayed before it listens
  log(`server up on ${server.url} in ${Date.now() - t0} ms (${dir})`);
  return { ...server, startMs: Date.now() - t0 };
}

// The loaded server directory: made once per mutation file, by pushing it through the API.
async function loadedServerDir() {
  const st = await stat(mutationsFile);
  const key = `${path.basename(mutationsFile)} ${st.size} ${Math.round(st.mtimeMs)}`;
  const dir = path.join(dataDir, "server100k");
  try {
    if ((await readFile(path.join(dir, "loaded.stamp"), "utf8")) === key) {
      // Loaded by a build that wrote no checkpoint: one start and clean stop here leave one, so that the
      // servers started on copies of this directory load it instead of replaying the whole log.
      const has = await stat(path.join(dir, "kartoteka.checkpoint")).then(() => true, () => false);
      if (!has) await (await startServer(dir)).stop();
      return dir;
    }
  } catch { /* not loaded yet */ }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const server = await startServer(dir, { admin: true });
  try {
    const { token } = await api(server.url, "/api/login", ADMIN);
    const t0 = Date.now();
    let batch = [], n = 0;
    const flush = async () => {
      if (!batch.length) return;
      const res = await api(server.url, "/api/sync/push", { protocol: 1, schema: 1, mutations: batch }, token);
      for (const r of res.results) if (r.status !== "applied") throw new Error("push: " + JSON.stringify(r));
      n += batch.length;
      batch = [];
      if (n % 50000 < 500) log(`pushed ${n} mutations`);
    };
    const lines = readline.createInterface({ input: createReadStream(mutationsFile), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.startsWith("{")) continue;
      batch.push(JSON.parse(line));
      if (batch.length === 500) await flush();
    }
    await flush();
    log(`loaded ${n} mutations in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await server.stop();
  }
  await writeFile(path.join(dir, "loaded.stamp"), key);
  return dir;
}

// Every item the administrator pulls (the same JSON the app receives), for the peer.
async function pullAll(url) {
  const { token } = await api(url, "/api/login", ADMIN);
  const items = [];
  let cursor = "", pages = 0;
  for (;;) {
    const p = await api(url, "/api/sync/pull", { protocol: 1, schema: 1, cursor, limit: 2000 }, token);
    for (const it of p.items) items.push(it);
    cursor = p.cursor;
    pages++;
    if (!p.more) break;
  }
  return { items, pages };
}

// ---- the app in the browser ------------------------------------------------------------------------------

// Timing of FS.syncfs in the page (both directions), installed before the app starts.
function instrumentPage() {
  const t = (window.__ktSyncfs = { inFlight: 0, writes: 0, writeMs: 0, reads: 0, readMs: 0, lastEnd: 0 });
  const wrap = () => {
    if (typeof FS === "undefined" || !FS.syncfs) return requestAnimationFrame(wrap) && undefined;
    const orig = FS.syncfs.bind(FS);
    FS.syncfs = function (populate, cb) {
      if (typeof populate === "function") { cb = populate; populate = false; }
      const t0 = performance.now();
      t.inFlight++;
      return orig(populate, (err) => {
        const ms = performance.now() - t0;
        t.inFlight--;
        t.lastEnd = performance.now();
        if (populate) { t.reads++; t.readMs += ms; } else { t.writes++; t.writeMs += ms; }
        cb(err);
      });
    };
  };
  wrap();
}

// One bootstrap into a fresh browser profile; returns the figures and the open page.
async function bootstrap(browser, url, expectItems) {
  const { context, page } = await newPage(browser);
  await page.addInitScript(instrumentPage);
  page.on("dialog", (d) => d.accept());
  await loginDialog(page, url, ADMIN);
  const replace = await find(page, { id: "connect:replace" });
  await page.mouse.move(replace.x + replace.w / 2, replace.y + replace.h / 2);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  const t0 = Date.now();
  await Promise.all([page.waitForNavigation({ timeout: 60000 }), page.mouse.up()]);
  const progress = setInterval(async () => {
    const p = await page.evaluate(() => {
      if (typeof Module === "undefined" || !Module.calledRun) return "starting";
      const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
      const all = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/sync/pull"));
      const pulls = all.length, last = all[all.length - 1];
      const lastPull = last && { start: Math.round(last.startTime), reqStart: Math.round(last.requestStart), resStart: Math.round(last.responseStart),
        end: Math.round(last.responseEnd), status: last.responseStatus, size: last.encodedBodySize, worker: Math.round(last.workerStart) };
      return { sync: s.sync.status, reason: s.sync.reason, items: s.items, pulls, client: s.sync.pulls, lastPull, persist: Module.ktPersist && { ...Module.ktPersist },
        syncfs: window.__ktSyncfs, heapMB: Math.round(HEAP8.length / 1048576) };
    }).catch((e) => "evaluate failed: " + e.message.split("\n")[0]);
    log(`  at ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(p)}${page.errors.length ? " errors: " + page.errors.slice(-3).join(" | ") : ""}`);
  }, Number(arg("progress", 0)) || 1e9);
  page.on("crash", () => log("the page crashed"));
  if (process.env.BENCH_VERBOSE) page.on("console", (m) => log("page: " + m.text()));
  // The new document: poll cheaply (the persist scheduler's flags first, the app's state only then).
  const h = await page.waitForFunction((n) => {
    if (typeof Module === "undefined" || !Module.calledRun || !Module._kt_debug_json) return false;
    const p = Module.ktPersist, f = window.__ktSyncfs;
    if ((p && (p.inFlight || p.dirty)) || (f && f.inFlight)) return false;
    const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
    if (!(s.sync.connected && s.sync.status === "synced" && s.sync.cursor && s.items >= n)) return false;
    if (s.journal.appended !== s.journal.durable || s.sync.save_pending) return false;
    const pulls = performance.getEntriesByType("resource").filter((e) => e.name.includes("/api/sync/pull"));
    const net = pulls.reduce((a, e) => a + (e.responseEnd - e.startTime), 0);
    return { done: Date.now(), page: performance.now(), items: s.items, deals: s.deals, pulls: pulls.length, net,
      bytes: pulls.reduce((a, e) => a + (e.encodedBodySize || e.transferSize || 0), 0),
      firstPull: pulls.length ? pulls[0].startTime : NaN, lastPull: pulls.length ? pulls[pulls.length - 1].responseEnd : NaN,
      syncfs: { ...f }, heap: (typeof HEAP8 !== "undefined" ? HEAP8.length : 0), client: s.sync.pulls || null };
  }, expectItems, { timeout: Number(arg("timeout", 300000)), polling: 100 });
  const r = await h.jsonValue().finally(() => clearInterval(progress));
  r.ms = r.done - t0;
  return { context, page, r };
}

// Bootstraps `runs` fresh profiles; keeps the last two pages open for the edit figure.
async function bootstrapRuns(browser, url, expectItems, runs) {
  const out = [], pages = [];
  for (let i = 0; i < runs; i++) {
    const b = await bootstrap(browser, url, expectItems);
    const r = b.r;
    log(`bootstrap ${i + 1}: ${r.ms} ms (page clock ${Math.round(r.page)} ms), ${r.items} items, ${r.pulls} pulls ` +
      `${(r.bytes / 1048576).toFixed(1)} MB, network ${Math.round(r.net)} ms (first pull at ${Math.round(r.firstPull)}, ` +
      `last answer at ${Math.round(r.lastPull)}), syncfs writes ${r.syncfs.writes} ${Math.round(r.syncfs.writeMs)} ms, ` +
      `heap ${(r.heap / 1048576).toFixed(0)} MB; client ${JSON.stringify(r.client)}`);
    out.push(r);
    pages.push(b);
    while (pages.length > 2) await pages.shift().context.close();
  }
  return { out, pages };
}

// ---- the edit figure ---------------------------------------------------------------------------------------

async function editVisible(a, b, url, id) {
  for (const p of [a, b]) {
    await p.goto(url + "#/item/" + id);
    await waitForApp(p);
    const s = await state(p);
    if (s.screen !== "card" || s.card.id !== id) throw new Error("the card did not open: " + s.screen);
  }
  // B: a MutationObserver on its <title> stamps when the new name is shown.
  await b.evaluate(() => {
    window.__seen = {};
    const obs = new MutationObserver(() => { window.__seen[document.title] = Date.now(); });
    obs.observe(document.querySelector("title") || document.head, { childList: true, subtree: true, characterData: true });
  });
  await a.evaluate(() => {
    window.addEventListener("keydown", (e) => { if (e.key === "Enter") window.__enterAt = Date.now(); }, true);
  });
  // Where the time goes: the sync requests of both pages from the browser's resource timing (epoch ms).
  const requests = (p) => p.evaluate(() => performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("/api/sync/"))
    .map((e) => ({ what: e.name.replace(/^.*\/api\/sync\/(\w+).*$/, "$1"), start: performance.timeOrigin + e.startTime,
      end: performance.timeOrigin + e.responseEnd })));
  for (const p of [a, b]) await p.evaluate(() => { performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings(); });
  const splits = [];
  const out = [];
  for (let r = 0; r < EDITS; r++) {
    const title = `Правка ${r} ${Date.now() % 100000}`;
    await openEditor(a, id, "TITLE");
    await a.keyboard.press("Control+A");
    await a.keyboard.insertText(title);
    await a.keyboard.press("Enter");
    const seenAt = await (await b.waitForFunction((t) => {
      for (const [k, v] of Object.entries(window.__seen)) if (k.startsWith(t + " ")) return v;
      return false;
    }, title, { timeout: 30000, polling: 20 })).jsonValue();
    const enterAt = await a.evaluate(() => window.__enterAt);
    out.push(seenAt - enterAt);
    // Enter -> A sends the push -> its answer (server commit) -> B's poke answered -> B sends the pull ->
    // its answer -> B shows the name.
    const ra = (await requests(a)).filter((r) => r.start >= enterAt - 1);
    const rb = (await requests(b)).filter((r) => r.end >= enterAt - 1);
    const push = ra.find((r) => r.what === "push");
    const poke = rb.filter((r) => r.what === "poke" && push && r.end >= push.start).sort((x, y) => x.end - y.end)[0];
    const pull = rb.filter((r) => r.what === "pull" && poke && r.start >= poke.end - 1).sort((x, y) => x.start - y.start)[0];
    if (push && poke && pull) {
      const sp = { pushSent: push.start - enterAt, pushAnswered: push.end - enterAt, pokeAnswered: poke.end - enterAt,
        pullSent: pull.start - enterAt, pullAnswered: pull.end - enterAt, seen: seenAt - enterAt };
      for (const k in sp) sp[k] = Math.round(sp[k]);
      splits.push(sp);
      log(`edit ${r + 1}: ${JSON.stringify(sp)}`);
    }
    // The card in B shows it too (not only the title).
    const sb = await state(b);
    if (sb.card.fields.TITLE.value !== title) throw new Error("B's card shows " + sb.card.fields.TITLE.value);
    await frames(a, 2);
    await a.waitForTimeout(300);
    for (const p of [a, b]) await p.evaluate(() => performance.clearResourceTimings());
  }
  return { out, splits };
}

// ---- PouchDB -----------------------------------------------------------------------------------------------

async function startPouchServer() {
  const bin = path.join(here, "peers/node_modules/.bin/pouchdb-server");
  const dir = await mkdtemp(path.join(tmpdir(), "kt-pouch-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(bin, ["--in-memory", "--host", "127.0.0.1", "--port", String(port), "--no-color",
    "--config", path.join(dir, "config.json"), "--log-file", path.join(dir, "log.txt")],
  { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(url)).ok) break; } catch { /* not yet */ }
    if (i > 100) throw new Error("pouchdb-server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  const put = async (p, v) => {
    const r = await fetch(url + p, { method: "PUT", body: JSON.stringify(v) });
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  };
  // The page comes from another loopback port: allow it (CouchDB's own CORS settings).
  await put("_config/httpd/enable_cors", "true");
  await put("_config/cors/origins", "*");
  await put("_config/cors/credentials", "true");
  await put("_config/cors/methods", "GET, PUT, POST, HEAD, DELETE");
  await put("_config/cors/headers", "accept, authorization, content-type, origin, referer");
  return { url, async stop() { proc.kill(); await once(proc, "exit").catch(() => {}); await rm(dir, { recursive: true, force: true }); } };
}

// `every`: one item in `every` (all when 1): PouchDB's replication takes minutes for the whole workspace,
// so shell/bench.sh replicates a tenth of it by default and compares items per second (see --pouch-every).
async function loadPouch(pouch, all, every) {
  const items = every > 1 ? all.filter((_, i) => i % every === 0) : all;
  const db = pouch.url + "kt100k";
  await fetch(db, { method: "PUT" });
  const t0 = Date.now();
  for (let i = 0; i < items.length; i += 2000) {
    const docs = items.slice(i, i + 2000).map((it) => ({ _id: it.id, ...it }));
    const r = await fetch(db + "/_bulk_docs", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ docs }) });
    if (!r.ok) throw new Error("_bulk_docs: " + r.status);
  }
  const info = await (await fetch(db)).json();
  log(`pouchdb-server: ${info.doc_count} docs loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (info.doc_count !== items.length) throw new Error(`pouchdb-server holds ${info.doc_count} docs of ${items.length}`);
  return db;
}

async function pouchReplications(browser, pageUrl, remote, count, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const { context, page } = await newPage(browser);
    await page.goto(pageUrl + "bench/peers.html");
    await page.waitForFunction(() => window.benchPeers && window.PouchDB);
    const r = await page.evaluate((remote) => benchPeers.pouchReplicate(remote), remote);
    if (r.docs !== count) throw new Error(`PouchDB replicated ${r.docs} docs of ${count}`);
    log(`pouch replication ${i + 1}: ${Math.round(r.ms)} ms, ${r.docs} docs`);
    out.push(r.ms);
    await context.close();
  }
  return out;
}

// ---- main --------------------------------------------------------------------------------------------------

async function main() {
  const browser = await launch();
  const cleanup = [];
  try {
    let server = null, items = null;
    if (arg("server", "")) {
      // A server already running on a copy of the loaded directory (for working on the figures).
      server = { url: arg("server", ""), stop() {} };
    } else if (want("bootstrap") || want("pouch") || want("edit") || want("load")) {
      const loaded = await loadedServerDir();
      const work = await mkdtemp(path.join(tmpdir(), "kt-sync-bench-"));
      cleanup.push(() => rm(work, { recursive: true, force: true }));
      await cp(loaded, work, { recursive: true });
      await rm(path.join(work, "kartoteka.lock"), { force: true }).catch(() => {});
      server = await startServer(work);
      cleanup.unshift(() => server.stop());
    }
    if (want("pouch") || (want("bootstrap") && !arg("items", ""))) {
      const t0 = Date.now();
      const all = await pullAll(server.url);
      items = all.items;
      log(`${items.length} items in ${all.pages} pulls from Node in ${Date.now() - t0} ms`);
    }
    if (!items && arg("items", "")) items = { length: Number(arg("items", "")) };
    let pages = [];
    if (want("bootstrap") || want("edit")) {
      const n = want("bootstrap") ? RUNS : 2;
      const { out, pages: open } = await bootstrapRuns(browser, server.url, items ? items.length : 1, Math.max(n, want("edit") ? 2 : 1));
      pages = open;
      if (want("bootstrap")) {
        const deals = out[0].deals;
        emit("sync_bootstrap_100k", "ms", out.slice(0, Math.max(1, n)).map((r) => r.ms),
          `${out[0].items} items (${deals} deals, their companies and contacts, with timelines), ` +
          `${out[0].pulls} pulls of ${(out[0].bytes / 1048576).toFixed(0)} MB (binary item blocks); click "replace" in the connect dialog -> ` +
          "every item in the page, synced, IndexedDB writes done (page reload and app start included)",
          { items: out[0].items, split: out.map((r) => ({ total: r.ms, page: Math.round(r.page), firstPull: Math.round(r.firstPull),
            lastPull: Math.round(r.lastPull), network: Math.round(r.net), syncfsWrite: Math.round(r.syncfs.writeMs),
            syncfsWrites: r.syncfs.writes, syncfsRead: Math.round(r.syncfs.readMs), heapMB: Math.round(r.heap / 1048576),
            ...(r.client ? { parse: Math.round(r.client.parse_ms), apply: Math.round(r.client.apply_ms), save: Math.round(r.client.save_ms) } : {}) })) });
        emit("sync_bootstrap_persist", "ms", out.map((r) => r.syncfs.writeMs), "of which FS.syncfs writes (IDBFS) during the bootstrap");
      }
    }
    if (want("reload") && pages.length) {
      // The connected store read back: a reload of the bootstrapped page until every item is in it again
      // (base.bin decoded + the shards written after it; the server is still there, nothing new to pull).
      const page = pages[pages.length - 1].page, n = items ? items.length : 1, samples = [];
      for (let r = 0; r < Number(arg("reload-runs", 3)); r++) {
        const t0 = Date.now();
        await page.reload();
        await page.waitForFunction((n) => {
          if (typeof Module === "undefined" || !Module.calledRun || !Module._kt_debug_json) return false;
          const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
          return s.sync.connected && s.items >= n;
        }, n, { timeout: 120000, polling: 20 });
        samples.push(Date.now() - t0);
        log(`reload ${r + 1}: ${samples[r]} ms`);
      }
      emit("sync_connected_cold_load", "ms", samples, `reload of a page holding the ${n} bootstrapped items -> all of them ` +
        "in the page again (connected store: populate from IndexedDB, base.bin decode, shards)");
    }
    if (want("edit")) {
      const [a, b] = pages.map((p) => p.page);
      const { out: samples, splits } = await editVisible(a, b, server.url, "GD5");
      emit("sync_edit_visible", "ms", samples, `${EDITS} title edits in browser A (Enter) -> browser B's page shows the new name; ` +
        "both on the same card, both holding the 100k-deal workspace, one server on loopback", { split: splits });
    }
    for (const p of pages) await p.context.close();
    if (want("pouch")) {
      const pouch = await startPouchServer();
      cleanup.unshift(() => pouch.stop());
      const every = Number(arg("pouch-every", 1));
      const remote = await loadPouch(pouch, items, every);
      const total = items.length;
      items = null;
      const statics = await serveStatic([["/peers/", path.join(here, "peers/node_modules")], ["/bench/", path.join(here, "browser")]]);
      cleanup.unshift(() => statics.srv.close());
      const count = (await (await fetch(remote)).json()).doc_count;
      const ms = await pouchReplications(browser, statics.url, remote, count, Number(arg("pouch-runs", RUNS)));
      emit("pouch_replicate_100k", "ms", ms, `PouchDB.replicate(pouchdb-server in memory on loopback -> empty IndexedDB database), ` +
        `defaults (batch_size 100), the same item JSON as our pull, one doc per item: ${count} docs` +
        (count < total ? ` (every ${every}th of the ${total} items; compared per item)` : ""), { items: count });
    }
  } finally {
    for (const c of cleanup) await Promise.resolve().then(c).catch((e) => log("cleanup: " + e));
    await browser.close();
  }
}
main().catch((e) => { console.error("bench/sync.mjs: " + (e.stack || e)); process.exit(1); });
