// Browser storage (web/glue.js): persistence is requested; when IndexedDB is missing, cannot be opened,
// is full, or a sync fails, the page says so in the user's language, keeps working in memory, and loses
// nothing that is on screen.
import path from "node:path";
import { newPage, waitForApp, state, find, frames, assert, assertEq } from "./browser.mjs";
import { openDeal, openEditor, idbFiles, waitSemantics, injectIdbFault, setIdbFault } from "./web_support.mjs";

async function editTitle(page, id, text) {
  await openEditor(page, id, "TITLE");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await page.keyboard.press("Enter");
  await frames(page, 3);
}

const saveStatus = async (page) => (await find(page, { id: "save-status" })).value;

// The font atlas (src/ui/font_cache.hpp): taken from the store or rasterised, and a print of all it holds.
const atlas = (page) => page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_atlas_json())));
const kAtlas = "/data/cache/atlas.bin";
// Reloads until a start finds the store read when it loads its fonts (without the page's CPU throttled the
// in-process compiled WebAssembly can be up before it; that start rasterises the fonts meanwhile), and
// returns that start's atlas.
async function reloadWithStore(page) {
  for (let i = 0; ; i++) {
    await page.reload();
    await waitForApp(page);
    const a = await atlas(page);
    if (a.store_read || i === 5) return a;
    assert(!a.restored, "a start before the store was read rasterises: " + JSON.stringify(a));
    const mtime = () => page.evaluate((f) => FS.stat(f).mtime.getTime(), kAtlas);
    const before = await mtime();
    await atlasStored(page);
    assertEq(await mtime(), before, "and does not write the same atlas again");
  }
}
// Waits until the atlas of this start is saved and written to IndexedDB; returns the stored bytes' length.
async function atlasStored(page) {
  await page.waitForFunction(() => !JSON.parse(UTF8ToString(Module._kt_atlas_json())).unsaved &&
    !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 20000 });
  const size = await page.evaluate((f) => FS.stat(f).size, kAtlas);
  const stored = await page.evaluate((f) => new Promise((resolve, reject) => {
    const r = indexedDB.open("/data");
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const get = r.result.transaction(["FILE_DATA"]).objectStore("FILE_DATA").get(f);
      get.onsuccess = () => { r.result.close(); resolve(get.result && get.result.contents ? get.result.contents.length : -1); };
      get.onerror = () => reject(get.error);
    };
  }), kAtlas);
  assertEq(stored, size, "the saved atlas is in IndexedDB, whole");
  return size;
}

export const tests = [
  {
    name: "edits are written off the main thread (the persist worker) and survive a reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await page.waitForFunction(() => Module.ktPersist.worker !== null, null, { timeout: 5000 });
      await editTitle(page, id, "Записано воркером");
      await page.waitForFunction(() => {
        const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
        return s.journal.appended === s.journal.durable;
      }, null, { timeout: 10000 });
      const p = await page.evaluate(() => ({ worker: Module.ktPersist.workerWrites, full: Module.ktPersist.fullSyncs,
        commit: Module.ktPersist.commitMs }));
      assert(p.worker >= 1 && p.full === 0, "the write went through the worker: " + JSON.stringify(p));
      assert(p.commit > 0, "its commit time is measured: " + JSON.stringify(p));
      const idb = Object.values(await idbFiles(page)).join("\n");
      assert(idb.includes("Записано воркером"), "the edit is in IndexedDB");
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.fields.TITLE.value, "Записано воркером", "after reload");
      const t = await page.evaluate(() => Module.ktTimes);
      assert(t.idbRead1 > 0 && t.idbRead1 < t.populate1, "after the reload the store was read while the " +
        "WebAssembly loaded (index.html), not after: " + JSON.stringify(t));
      assertEq(await page.evaluate(() => Module.ktStorage.earlyRead), "worker", "read by index.html's worker");
      // The WebAssembly is fetched once, by index.html, and compiled while the page's scripts run.
      const wasm = await page.evaluate(() => performance.getEntriesByType("resource")
        .filter((e) => e.name.endsWith("/kartoteka.wasm")).map((e) => ({ start: e.startTime, script: Module.ktTimes.script })));
      assert(wasm.length === 1 && wasm[0].start < wasm[0].script, "kartoteka.wasm fetched once, before kartoteka.js ran: " +
        JSON.stringify(wasm));
      // The records read early fill /data exactly as IDBFS's own read would: every stored path, with its
      // mode (and a file's time and size), and nothing else (compared once nothing is waiting to be written).
      await page.waitForFunction(() => !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 10000 });
      const diff = await page.evaluate(() => new Promise((resolve, reject) => {
        const r = indexedDB.open("/data");
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const tx = r.result.transaction(["FILE_DATA"]), st = tx.objectStore("FILE_DATA");
          const keys = st.getAllKeys(), values = st.getAll();
          tx.oncomplete = () => {
            r.result.close();
            const out = [], seen = new Set();
            keys.result.forEach((k, i) => {
              if (k === "/data") return;
              seen.add(k);
              const v = values.result[i];
              let f;
              try { f = FS.stat(k); } catch (e) { out.push(k + ": missing"); return; }
              // A folder's time moves when its files are made (so it does with IDBFS's own read).
              const same = FS.isDir(v.mode) ? f.mode === v.mode
                : f.mode === v.mode && f.mtime.getTime() === v.timestamp.getTime() && f.size === v.contents.length;
              if (!same) out.push(k + ": differs");
            });
            const walk = (dir) => {
              for (const f of FS.readdir(dir)) {
                if (f === "." || f === "..") continue;
                const p = dir + "/" + f;
                if (!seen.has(p)) out.push(p + ": not stored");
                if (FS.isDir(FS.stat(p).mode)) walk(p);
              }
            };
            walk("/data");
            resolve({ out, n: seen.size });
          };
        };
      }));
      assert(diff.n >= 3 && diff.out.length === 0, "/data matches the store: " + JSON.stringify(diff));
      await context.close();
    },
  },
  {
    // index.html reads the store in a worker; when that reports a failure, the page reads it itself; when
    // that fails too (or there is no worker to ask), IDBFS reads it after the WebAssembly is up.
    name: "when the early read of the store fails (in the worker, then on the page), the app still starts with its data",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await editTitle(page, id, "Прочитано повторно");
      await page.waitForFunction(() => {
        const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
        return s.journal.appended === s.journal.durable;
      }, null, { timeout: 10000 });
      // The first worker of the page (index.html's reader) answers that its read failed; later ones (the
      // persist worker) are real.
      await page.addInitScript(() => {
        const Real = window.Worker;
        let first = true;
        window.__fakeReader = 0;
        window.Worker = function (u, o) {
          if (!first) return new Real(u, o);
          first = false;
          window.__fakeReader++;
          const w = { terminate() {}, onmessage: null, onerror: null };
          setTimeout(() => w.onmessage({ data: { error: { name: "UnknownError", message: "simulated" } } }), 0);
          return w;
        };
      });
      const reload = async (what) => {
        await page.reload();
        await waitForApp(page);
        assertEq((await state(page)).card.fields.TITLE.value, "Прочитано повторно", "the data is there after the reload, " + what);
        return page.evaluate(() => ({ ok: Module.ktStorage.ok, error: Module.ktStorage.error, early: Module.ktTimes.idbRead1,
          by: Module.ktStorage.earlyRead, fake: window.__fakeReader }));
      };
      let s = await reload("the worker's read failed");
      assert(s.fake === 1 && s.ok && !s.error && s.early > 0 && s.by === "page", "read early by the page itself: " + JSON.stringify(s));
      await page.waitForFunction(() => Module.ktPersist.worker !== null, null, { timeout: 5000 });
      // No worker at all, and the page's first open of the database (its own early read) fails.
      await page.addInitScript(() => {
        window.Worker = function () { throw new Error("simulated: no workers"); };
        const open = IDBFactory.prototype.open;
        let first = true;
        IDBFactory.prototype.open = function () {
          if (first) {
            first = false;
            throw new DOMException("simulated: the early read fails", "UnknownError");
          }
          return open.apply(this, arguments);
        };
      });
      s = await reload("no worker and the page's read failed");
      assert(s.ok && !s.error && s.early === undefined && s.by === "", "storage works, read by IDBFS itself: " + JSON.stringify(s));
      await context.close();
    },
  },
  {
    name: "persistent storage is requested, and the outcome recorded",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.addInitScript(() => {
        window.__persistCalls = 0;
        const persist = navigator.storage.persist.bind(navigator.storage);
        navigator.storage.persist = () => { window.__persistCalls++; return persist(); };
      });
      await page.goto(url);
      await waitForApp(page);
      await page.waitForFunction(() => Module.ktStorage.persisted !== null, null, { timeout: 5000 });
      const s = await page.evaluate(() => ({ calls: window.__persistCalls, persisted: Module.ktStorage.persisted,
        quota: Module.ktStorage.quota, ok: Module.ktStorage.ok }));
      assert(s.ok, "storage works");
      assert(typeof s.persisted === "boolean", "the answer is recorded: " + JSON.stringify(s));
      assert(s.calls >= 1 || s.persisted, "persist() was asked (or already granted): " + JSON.stringify(s));
      await context.close();
    },
  },
  {
    name: "without IndexedDB: a clear banner, 'In memory only', and editing still works",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.addInitScript(() => {
        Object.defineProperty(window, "indexedDB", { get() { return undefined; }, configurable: true });
      });
      const id = await openDeal(page, url);
      const banner = await find(page, { id: "banner:storage" });
      assertEq(banner.role, "alert", "the banner is an alert");
      assert(/только в памяти/.test(banner.name) && /не даёт сайту IndexedDB/.test(banner.name),
        "the banner says what happened and what it means, in Russian: " + banner.name);
      assertEq(await saveStatus(page), "status.memory", "the status says 'In memory only'");
      await editTitle(page, id, "Работает в памяти");
      const s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Работает в памяти", "the edit is kept");
      assertEq(s.storage.available, false, "storage is reported unavailable");
      await find(page, { role: "heading", name: "Работает в памяти" });
      await page.screenshot({ path: path.join(resultsDir, "storage-unavailable.png") });
      await find(page, { id: "lang:en" }).then(() => null);
      await page.locator("#a11y-mirror").getByRole("button", { name: "English" }).dispatchEvent("click");
      await waitSemantics(page, (n) => n.some((x) => x.id === "banner:storage" && /gives the site no IndexedDB/.test(x.name)),
        "the banner in English");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "IndexedDB that cannot be opened: the page says so and works in memory",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.addInitScript(() => {
        IDBFactory.prototype.open = function () {
          throw new DOMException("A mutation operation was attempted on a database that did not allow mutations.", "InvalidStateError");
        };
      });
      const id = await openDeal(page, url);
      const banner = await find(page, { id: "banner:storage" });
      assert(/не удалось открыть IndexedDB/.test(banner.name), "banner: " + banner.name);
      assertEq(await saveStatus(page), "status.memory", "in memory only");
      await editTitle(page, id, "Тоже в памяти");
      assertEq((await state(page)).card.fields.TITLE.value, "Тоже в памяти", "edits work");
      await context.close();
    },
  },
  {
    name: "a full disk (QuotaExceededError): the page says storage is full, keeps the edits, and recovers when space is back",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await injectIdbFault(page, (g) => {
        g.__full = true;
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (...args) {
          if (g.__full) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
          return put.apply(this, args);
        };
      });
      const id = await openDeal(page, url);
      await editTitle(page, id, "Диск полон");
      await waitSemantics(page, (n) => n.some((x) => x.id === "banner:storage"), "the storage banner");
      const banner = await find(page, { id: "banner:storage" });
      assert(/не осталось места/.test(banner.name), "the banner says storage is full: " + banner.name);
      assertEq(await saveStatus(page), "status.error", "the status says saving failed");
      let s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Диск полон", "the edit stays on screen and in memory");
      assert(s.journal.durable < s.journal.appended, "and is not reported durable");
      await page.screenshot({ path: path.join(resultsDir, "storage-full.png") });

      await setIdbFault(page, { __full: false });
      await editTitle(page, id, "Место освободилось");
      await page.waitForFunction(() => {
        const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
        return s.journal.appended === s.journal.durable;
      }, null, { timeout: 10000 });
      // The status is drawn by the frame after the storage's answer (which wakes the page): waited for.
      await waitSemantics(page, (n) => !n.some((x) => x.id === "banner:storage") &&
        n.some((x) => x.id === "save-status" && x.value === "status.saved"), "the banner to go and the status to say saved");
      const idb = Object.values(await idbFiles(page)).join("\n");
      assert(idb.includes("Диск полон") && idb.includes("Место освободилось"),
        "both edits reached IndexedDB once there was room");
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Место освободилось", "after reload");
      await context.close();
    },
  },
  {
    name: "a sync whose transaction aborts (simulated failing syncfs) is reported, never half-written, never stuck in 'Saving…'",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await injectIdbFault(page, (g) => {
        g.__abort = true;
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (...args) {
          const req = put.apply(this, args);
          // The transaction fails after the request was accepted, as a full disk makes it fail at commit.
          if (g.__abort && String(args[1]).includes("/journal/")) this.transaction.abort();
          return req;
        };
      });
      const id = await openDeal(page, url);
      await editTitle(page, id, "Не записано");
      await waitSemantics(page, (n) => n.some((x) => x.id === "banner:storage"), "the storage banner", 10000);
      const banner = await find(page, { id: "banner:storage" });
      assert(/не удалось записать в IndexedDB/.test(banner.name), "banner: " + banner.name);
      assertEq(await saveStatus(page), "status.error", "saving failed, said so");
      const s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Не записано", "the edit is still on screen");
      assertEq(Object.keys(await idbFiles(page)), [], "an aborted sync wrote none of its files");
      await context.close();
    },
  },
  {
    name: "the font atlas rasterised at a start is kept in the store and taken back at the next, the same to the last byte",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const built = await atlas(page);
      assert(!built.restored, "a first start rasterises the fonts: " + JSON.stringify(built));
      const size1 = await atlasStored(page);
      assertEq(size1 > built.size[0] * built.size[1], true, "the texture and the glyphs are saved");
      const taken = await reloadWithStore(page);
      assert(taken.restored, "the next start takes the saved atlas: " + JSON.stringify(taken));
      assertEq([taken.print, taken.texture], [built.print, built.texture], "glyphs, lookup tables, fallbacks and " +
        "texture as rasterised");
      assertEq(taken.in_memory, false, "the texture went from the page's copy of the file to WebGL, not through " +
        "the WebAssembly's memory");
      assertEq((await find(page, { id: "lang:en" })).role.length > 0, true, "the page is drawn with it");
      // A damaged file (one byte changed, the last one cut) is not taken: the fonts are rasterised again,
      // the same, and saved again.
      await page.evaluate(async (f) => {
        const b = FS.readFile(f);
        b[b.length - 100] ^= 0x5a;
        FS.writeFile(f, b.subarray(0, b.length - 1));
        await new Promise((res, rej) => FS.syncfs(false, (e) => (e ? rej(e) : res())));
      }, kAtlas);
      await page.reload();
      await waitForApp(page);
      const again = await atlas(page);
      assert(!again.restored && again.print === built.print && again.texture === built.texture,
        "a damaged atlas is rasterised again: " + JSON.stringify(again));
      assertEq(await atlasStored(page), size1, "and saved again whole");
      // Another pixel ratio (another screen) is not this atlas: its own is rasterised, saved over it, and
      // taken at the next start at that ratio.
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
      // The change alone wakes the resting page (display.test.mjs checks it): within the second its check of
      // the ratio takes.
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).dpr === 2, null, { timeout: 5000 });
      const dpr2 = await atlas(page);
      assert(!dpr2.restored && dpr2.print !== built.print, "the fonts at DPR 2 are rasterised: " + JSON.stringify(dpr2));
      await atlasStored(page);
      const taken2 = await reloadWithStore(page);
      assert(taken2.restored && taken2.print === dpr2.print && taken2.texture === dpr2.texture,
        "the DPR 2 atlas replaced the other and is taken back " +
        "at DPR 2: " + JSON.stringify(taken2));
      await cdp.detach();
      await context.close();
    },
  },
];
