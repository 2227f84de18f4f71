// Helpers of the web shell's browser tests (text input, clipboard, display, idle, routes, offline,
// storage, help, accessibility, acting, sync, refused changes, upload, login): opening a card, editing a
// field, reading IndexedDB, a throwaway static server over a copy of the build for the service-worker
// update tests, and a sync server of a test's own with pages connected to it.
import { createServer } from "node:http";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitForApp, state, find, click, frames, scrollTo, waitIdle, assert, assertEq } from "./browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const webRoot = process.env.KT_WEB_ROOT || path.join(root, "build/web");

export const DEAL = "Поставка серверного оборудования";
// A phone, as issue 22 has it: 390×844 CSS px, DPR 3, touch.
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true };
export const FIELDS_COLUMN = { x: 300, y: 600 };
export const LIST_AREA = { x: 640, y: 500 };  // a point over the list's rows at 1280×800

// Goes to `route` (an address's hash, like "#/list/deal") and waits for the app.
export async function open(page, url, route = "") {
  await page.goto(url + route);
  await waitForApp(page);
}

// Opens the card of item `id` by its address; fails unless the card shows.
export async function openItem(page, url, id) {
  await open(page, url, "#/item/" + id);
  const s = await state(page);
  assertEq([s.screen, s.card && s.card.id], ["card", id], "the card is open");
}

// Clicks `query` and returns the download it starts: its suggested name and its text.
export async function download(page, query, timeout = 10000) {
  const started = page.waitForEvent("download", { timeout });
  await click(page, query);
  const d = await started;
  return { name: d.suggestedFilename(), text: await readFile(await d.path(), "utf8") };
}

export async function openDeal(page, url, title = DEAL) {
  await page.goto(url);
  await waitForApp(page);
  // Rolled into view first where it is below the list's fold (a touched screen's rows are a finger's height).
  await scrollTo(page, { role: "row", name: title }, LIST_AREA);
  await click(page, { role: "row", name: title });
  const s = await state(page);
  assertEq(s.screen, "card", "the card is open");
  return s.card.id;
}

// Opens the editor of a field with a click and waits until the text bridge has the focus.
export async function openEditor(page, id, field) {
  await scrollTo(page, { id: `field:${id}:${field}` }, FIELDS_COLUMN);
  await click(page, { id: `field:${id}:${field}` });
  await page.waitForFunction((f) => {
    const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
    return s.editing && s.editing.field === f && document.activeElement &&
      document.activeElement.id === "text-bridge";
  }, field, { timeout: 5000 });
  await frames(page, 2);
}

// Opens the editor of a field, replaces its text and commits it with Enter.
export async function setField(page, id, field, text) {
  await openEditor(page, id, field);
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await page.keyboard.press("Enter");
  await frames(page, 3);
}

// Opens the combobox `combo` (an id), picks the option shown as `option`, and checks the box shows it.
export async function choose(page, combo, option) {
  await click(page, { id: combo });
  await click(page, { role: "option", name: option });
  assertEq((await find(page, { id: combo })).value, option, `${combo} shows ${option}`);
}

// Creates a text field named `name` in the first section of the open card of item `id` (the section's edit
// mode, then the new-field dialog) and enters `value` in it; returns the field's id.
export async function addTextField(page, id, name, value) {
  const section = (await state(page)).card.sections[0];
  await click(page, { id: `secedit:${section.id}` });
  await scrollTo(page, { id: `createfield:${section.id}` }, FIELDS_COLUMN);
  await click(page, { id: `createfield:${section.id}` });
  await find(page, { role: "dialog", name: "Новое поле" });
  await replaceText(page, { id: "newfield:name_ru" }, name);
  await click(page, { id: "newfield:submit" });
  await frames(page, 3);
  const field = (await state(page)).card.sections[0].fields.find((f) => !section.fields.includes(f));
  assert(field, "the field was created");
  await scrollTo(page, { id: `secedit:${section.id}` }, FIELDS_COLUMN);
  await click(page, { id: `secedit:${section.id}` });  // done editing the section
  await scrollTo(page, { id: `field:${id}:${field}` }, FIELDS_COLUMN);
  await click(page, { id: `field:${id}:${field}` });
  await page.keyboard.type(value, { delay: 5 });
  await page.keyboard.press("Enter");
  await frames(page, 3);
  return field;
}

// Gives the open card, which has no product rows yet, its first one (`price` and `qty` as a person types
// them) on the products tab, and saves it.
export async function addFirstProductRow(page, name, price, qty) {
  await click(page, { id: "tab:products" });
  await click(page, { id: "prod:add" });
  await replaceText(page, { id: "prod:0:name" }, name);
  await replaceText(page, { id: "prod:0:price" }, price);
  await replaceText(page, { id: "prod:0:qty" }, qty);
  await click(page, { id: "prod:save" });
}

// The text in a field's editor, as the semantics tree reports it once all input so far is handled.
export async function editorText(page, id, field) {
  await waitIdle(page);
  return (await find(page, { id: `field:${id}:${field}` })).value;
}

// {key: contents as text} of the IDBFS store, for keys containing `part`.
export async function idbFiles(page, part = "/journal/") {
  return page.evaluate((part) => new Promise((resolve, reject) => {
    const req = indexedDB.open("/data");
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("FILE_DATA")) { db.close(); return resolve({}); }
      const out = {};
      const cur = db.transaction("FILE_DATA").objectStore("FILE_DATA").openCursor();
      cur.onsuccess = () => {
        const c = cur.result;
        if (!c) { db.close(); return resolve(out); }
        if (String(c.key).includes(part) && c.value.contents) out[c.key] = new TextDecoder().decode(c.value.contents);
        c.continue();
      };
      cur.onerror = () => reject(cur.error);
    };
  }), part);
}

// Calls the app's exported `fn` (e.g. "_kt_notify") with the string `s` as a C string, then `args`; its result.
export function callWithString(page, fn, s, ...args) {
  return page.evaluate(([f, str, rest]) => {
    const n = lengthBytesUTF8(str) + 1, p = _malloc(n);
    stringToUTF8(str, p, n);
    try { return Module[f](p, ...rest); } finally { _free(p); }
  }, [fn, s, args]);
}

// Shows a message of the page as a toast, the way the page's own scripts do (web/offline.js):
// `key` is a translation key.
export async function notify(page, key, error = false) {
  await callWithString(page, "_kt_notify", key, error ? 1 : 0);
}

// Waits for `pred(semantics)` to hold, waking the app meanwhile; returns the semantics.
export async function waitSemantics(page, pred, what, timeout = 8000) {
  const deadline = Date.now() + timeout;
  let nodes = [];
  while (Date.now() < deadline) {
    nodes = await page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_semantics_json())));
    if (pred(nodes)) return nodes;
    await frames(page, 1);
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; seen: ${nodes.map((n) => `${n.role}:${n.name}`).slice(0, 40).join(" | ")}`);
}

// Polls `fn(arg)` in the page until it returns something truthy (it may be async: page.waitForFunction
// would take the returned promise itself for "true"); returns that value.
export async function pollPage(page, fn, arg, { timeout = 20000, interval = 200, what = "a condition" } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
    await page.waitForTimeout(interval);
  }
}

// ---- a build copy served by a throwaway static server (service-worker updates) -----------------------

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".data": "application/octet-stream", ".svg": "image/svg+xml", ".json": "application/json",
  ".webmanifest": "application/manifest+json", ".png": "image/png" };

export async function copyBuild() {
  const dir = await mkdtemp(path.join(tmpdir(), "kt-web-"));
  await cp(webRoot, dir, { recursive: true });
  return dir;
}

export function serveDir(dir) {
  return new Promise((resolve) => {
    const srv = createServer(async (req, res) => {
      let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (p.endsWith("/")) p += "index.html";
      const file = path.join(dir, path.normalize(p));
      if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
      try {
        const body = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream",
          "Cache-Control": "no-cache" });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end("not found");
      }
    });
    srv.listen(0, "127.0.0.1", () => resolve({
      url: `http://127.0.0.1:${srv.address().port}/`,
      close: () => new Promise((r) => { srv.closeAllConnections?.(); srv.close(() => r()); }),
    }));
  });
}

// Re-stamps sw.js in `dir` the way the build does (web/stamp_sw.cmake), for the files a build caches.
export async function restamp(dir) {
  const sw = await readFile(path.join(dir, "sw.js"), "utf8");
  const files = Object.keys(JSON.parse("{" + /const FILES = \{([\s\S]*?)\};/.exec(sw)[1].replace(/,\s*$/, "") + "}"));
  await new Promise((resolve, reject) => execFile("cmake", [
    `-DWEB_DIR=${dir}`, `-DTEMPLATE=${path.join(root, "web/sw.js.in")}`, `-DFILES=${files.join(",")}`,
    "-P", path.join(root, "web/stamp_sw.cmake")], (err, out, errOut) => (err ? reject(new Error(errOut || err)) : resolve(out))));
  return /const VERSION = "([0-9a-f]+)"/.exec(await readFile(path.join(dir, "sw.js"), "utf8"))[1];
}

export async function editFile(dir, name, edit) {
  const p = path.join(dir, name);
  await writeFile(p, edit(await readFile(p, "utf8")));
}

export async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true });
}

// Fault injection for IndexedDB writes. Both the page and its persist worker (web/glue.js) write, so
// `patch`, a function of the global object, runs in both before the app starts; setIdbFault sets globals
// in both (the flags a patch reads).
export async function injectIdbFault(page, patch) {
  await page.addInitScript((src) => {
    window.__ktPersistWorkerPrelude = "(" + src + ")(self);";
    (0, eval)("(" + src + ")(self)");
  }, patch.toString());
}

export async function setIdbFault(page, vars) {
  await page.evaluate((v) => {
    Object.assign(window, v);
    if (Module.ktPersist.worker) Module.ktPersist.worker.postMessage({ test: v });
  }, vars);
}

// POSTs JSON to the sync server's API (with a bearer token when given); throws with the answer on any
// status but 200. Used by the sync tests and bench/sync.mjs.
export async function api(url, route, body, token, method = "POST") {
  const r = await fetch(new URL(route, url), {
    method,
    headers: { ...(method === "GET" ? {} : { "Content-Type": "application/json" }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: method === "GET" ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${route}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

// Types into an ImGui text field (found by id, or by a query as find takes it), replacing what it held.
// `clear` deletes the selected old text with Backspace before typing; `settle` is the frames drawn after.
export async function typeInto(page, target, text, { delay = 5, clear = false, settle = 2 } = {}) {
  await click(page, typeof target === "string" ? { id: target } : target);
  await page.keyboard.press("Control+A");
  if (clear) await page.keyboard.press("Backspace");
  await page.keyboard.type(text, { delay });
  await frames(page, settle);
}

// Clicks a text box and replaces what it holds with `text`, deleting the old text first.
export async function replaceText(page, query, text) {
  await typeInto(page, query, text, { clear: true, settle: 3 });
}

// Opens the page, logs in through the user menu's connect dialog as `who` ({login, password}) and waits
// for the server's greeting; the caller then chooses what to do with the local data (connect:replace...).
export async function loginDialog(page, url, who) {
  await open(page, url);
  await click(page, { id: "user" });
  await click(page, { id: "menu:connect" });
  await typeInto(page, "connect:login", who.login);
  await typeInto(page, "connect:password", who.password);
  await click(page, { id: "connect:submit" });
  await find(page, { id: "connect:hello" }, { timeout: 10000 });
}

// Starts kartoteka-server (build/native, or $KT_SERVER) on a free loopback port with `args` (the data
// directory, admin flags...); resolves with its URL once it listens. stop() ends the process.
export async function spawnServer(args, { timeout = 10000 } = {}) {
  const bin = process.env.KT_SERVER || path.join(root, "build/native/kartoteka-server");
  const proc = spawn(bin, ["--port", "0", "--web-root", webRoot, "--quiet", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  proc.stderr.on("data", (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}/`);
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out} ${err}`)));
    setTimeout(() => reject(new Error("server did not start: " + out + err)), timeout);
  });
  return {
    url,
    async stop() {
      proc.kill();
      await once(proc, "exit").catch(() => {});
    },
  };
}

// ---- a sync server of the test's own (run.mjs's runs without a data directory) ------------------------

export const ADMIN = { login: "admin", password: "kartoteka" };

// kartoteka-server with a fresh data directory (kt-NAME-… in the temp directory) and `admin` as its first
// administrator; stop() ends it and deletes the directory.
export async function startDataServer(name, admin = ADMIN) {
  const dir = await mkdtemp(path.join(tmpdir(), `kt-${name}-`));
  const server = await spawnServer(["--data-dir", dir, "--admin-login", admin.login, "--admin-password", admin.password]);
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A mutation as a client pushes it (src/server/PROTOCOL.md): `seq` of client `client`, made at `now` by u1.
export function mutationOf(client, seq, now, cmd) {
  return { c: client, s: seq, h: `${now.toString(16).padStart(16, "0")}-${seq.toString(16).padStart(4, "0")}-${client}`,
    a: "u1", t: now, cmd };
}

// Waits until the app says everything is synced and `pred(state)` holds (the app is woken meanwhile);
// returns the state.
export async function waitSynced(page, pred = () => true, what = "the sync to settle", timeout = 20000) {
  const deadline = Date.now() + timeout;
  let s;
  for (;;) {
    s = await state(page);
    if (s.sync.connected && s.sync.status === "synced" && s.sync.cursor && pred(s)) return s;
    if (Date.now() > deadline) {
      const card = s.card ? { fields: s.card.fields, comments: s.card.timeline.filter((e) => e.kind === "comment").map((e) => e.detail) } : null;
      throw new Error(`timed out waiting for ${what}; sync: ${JSON.stringify(s.sync)}; card: ${JSON.stringify(card)}`);
    }
    await frames(page, 1);
    await page.waitForTimeout(100);
  }
}

// Logs in through the user menu's connect dialog and takes the server's data; waits for the first sync.
export async function connect(page, url, who) {
  await loginDialog(page, url, who);
  // The page reloads into connected mode.
  await Promise.all([page.waitForNavigation(), click(page, { id: "connect:replace" }, { navigates: true })]);
  await waitForApp(page);
  await waitSynced(page);
}

// A comment written in the card's timeline composer.
export async function addComment(page, text) {
  await click(page, { id: "tl:composer" });
  await page.keyboard.type(text, { delay: 5 });
  await click(page, { id: "tl:send" });
  await frames(page, 3);
}

// Rolls a scrolling area under `over` from its top to its end with the wheel (a virtualised list draws only
// what is in view) and gathers what `read()` returns at each step (pairs [key, value]), until a few steps
// bring no new key; then rolls back to the top. Returns {key: value}.
export async function readScrolled(page, over, read) {
  await frames(page, 3);
  const seen = {};
  await page.mouse.move(over.x, over.y);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -600);
  for (let i = 0, still = 0; i < 25 && still < 3; i++) {
    await frames(page, 2);
    const before = Object.keys(seen).length;
    for (const [k, v] of await read()) seen[k] = v;
    still = Object.keys(seen).length === before ? still + 1 : 0;
    await page.mouse.wheel(0, 250);
  }
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -600);
  await frames(page, 2);
  return seen;
}
