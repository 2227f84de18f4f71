// Offline use and installation (web/sw.js.in, web/offline.js, web/manifest.webmanifest): after one visit
// the app loads and works with the network off; it is installable; a new build is picked up on the next
// load and never mixed with the old one; a deployment whose files do not match its service worker is
// refused and the old build stays.
import path from "node:path";
import { newPage, waitForApp, state, find, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { DEAL, openDeal, openEditor, copyBuild, serveDir, restamp, editFile, removeDir, pollPage, waitSemantics } from "./web_support.mjs";

// The caches of builds ("kartoteka-<version>"), sorted.
const buildCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith("kartoteka-")).sort());

// Waits until a service worker controls the page and its build is fully cached; returns the build caches.
async function waitOffline(page) {
  return pollPage(page, async () => {
    if (!navigator.serviceWorker.controller) return null;
    const names = (await caches.keys()).filter((n) => n.startsWith("kartoteka-"));
    return names.length === 1 && window.ktOffline && window.ktOffline.state !== "installing" ? names : null;
  }, null, { what: "the service worker and its cache" });
}

// [the page's build marker, the app code's build marker]: both "" in the original build.
const build = (page) => page.evaluate(() => {
  const m = document.querySelector('meta[name="kt-build"]');
  return [m ? m.content : "", window.ktJsBuild || ""];
});

export const tests = [
  {
    name: "after one visit the app loads and works with the network off",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const names = await waitOffline(page);
      const version = await page.evaluate(() => fetch("sw.js").then((r) => r.text()).then((t) => /VERSION = "(\w+)"/.exec(t)[1]));
      assertEq(names, ["kartoteka-" + version], "one cache, named after the build");
      const cached = await page.evaluate(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname).sort(), names[0]);
      for (const f of ["/index.html", "/kartoteka.js", "/kartoteka.wasm", "/kartoteka.data", "/offline.js", "/manifest.webmanifest"])
        assert(cached.includes(f), f + " is cached: " + cached.join(" "));
      await find(page, { role: "status", name: "Картотека сохранена и будет работать без сети" });
      await waitSemantics(page, (n) => !n.some((x) => x.role === "progressbar"), "the install's progress bar to go", 5000);

      await context.setOffline(true);
      await page.reload();
      await waitForApp(page);
      const id = (await openDeal(page, url + "#/deals"));
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Без сети");
      await page.keyboard.press("Enter");
      await waitSaved(page);
      assertEq((await state(page)).card.fields.TITLE.value, "Без сети", "edited offline, saved locally");
      await page.screenshot({ path: path.join(resultsDir, "offline-card.png") });
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.fields.TITLE.value, "Без сети", "offline reload keeps the edit");
      assertEq(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|sw\.js/.test(e)), [], "no page errors");
      await context.setOffline(false);
      await context.close();
    },
  },
  {
    name: "installable: the manifest is linked and valid, with icons, and the service worker controls the page",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await waitOffline(page);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send("Page.getAppManifest");
      assertEq(manifest.errors, [], "the manifest parses without errors");
      const m = JSON.parse(manifest.data);
      assertEq([m.name, m.short_name, m.display, m.start_url], ["Картотека — офлайн CRM", "Картотека", "standalone", "./#/deals"], "manifest");
      for (const icon of m.icons) {
        const ok = await page.evaluate((src) => fetch(src).then((r) => r.ok && r.headers.get("content-type")), icon.src);
        assert(ok && ok.startsWith(icon.type), `icon ${icon.src} is served as ${icon.type}: ${ok}`);
      }
      const sizes = await page.evaluate(() => Promise.all(["icon-192.png", "icon-512.png"].map((src) => new Promise((res) => {
        const img = new Image();
        img.onload = () => res([img.naturalWidth, img.naturalHeight]);
        img.onerror = () => res(null);
        img.src = src;
      }))));
      assertEq(sizes, [[192, 192], [512, 512]], "the PNG icons have their sizes");
      const errors = (await cdp.send("Page.getInstallabilityErrors")).installabilityErrors.map((e) => e.errorId);
      // A test browser's context is off the record, which Chrome reports on its own.
      assertEq(errors.filter((e) => e !== "in-incognito"), [], "no installability errors");
      await cdp.detach();
      await context.close();
    },
  },
  {
    name: "a new build is picked up on the next load, never mixed with the old one; old caches are deleted",
    async fn({ browser }) {
      const dir = await copyBuild();
      const server = await serveDir(dir);
      try {
        const { context, page } = await newPage(browser);
        await page.goto(server.url);
        await waitForApp(page);
        const [v1cache] = await waitOffline(page);

        // Deploy build 2: a changed page and app code, and a re-stamped service worker.
        await editFile(dir, "index.html", (t) => t.replace("<head>", '<head>\n  <meta name="kt-build" content="two">'));
        await editFile(dir, "kartoteka.js", (t) => t + '\nwindow.ktJsBuild = "two";\n');
        const v2cache = "kartoteka-" + await restamp(dir);
        assert(v2cache !== v1cache, "the new build has a new version");

        await page.reload();
        await waitForApp(page);
        assertEq(await build(page), ["", ""], "this load runs build 1 entirely: its page and its code");
        // Build 2 installs in the background and takes over once this page has started.
        await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()).catch(() => {}));
        await pollPage(page, async (v2) => {
          const reg = await navigator.serviceWorker.getRegistration();
          return reg.active && !reg.waiting && !reg.installing && (await caches.keys()).includes(v2) &&
            window.ktOffline.notices.length > 0;
        }, v2cache, { what: "build 2 to take over" });
        assertEq(await page.evaluate(() => window.ktOffline.notices), ["offline.updated"], "the page said a new version is ready");
        assertEq(await buildCaches(page), [v1cache, v2cache].sort(),
          "build 1 stays cached while a page of it is open");

        await page.reload();
        await waitForApp(page);
        assertEq(await build(page), ["two", "two"], "the next load runs build 2 entirely");
        await pollPage(page, (v2) => caches.keys().then((k) => k.filter((n) => n.startsWith("kartoteka-")).join() === v2),
          v2cache, { what: "build 1's cache to be deleted" });
        await context.setOffline(true);
        await page.reload();
        await waitForApp(page);
        assertEq(await build(page), ["two", "two"], "build 2 works offline");
        await appRuns(page);
        await context.setOffline(false);
        await context.close();
      } finally {
        await server.close();
        await removeDir(dir);
      }
    },
  },
  {
    name: "a deployment whose files do not match its service worker is refused; the old build stays",
    async fn({ browser }) {
      const dir = await copyBuild();
      const server = await serveDir(dir);
      try {
        const { context, page } = await newPage(browser);
        page.on("console", () => {});
        await page.goto(server.url);
        await waitForApp(page);
        const [v1cache] = await waitOffline(page);

        // A half-finished deployment: the new service worker is out, but one file is not what it expects.
        await editFile(dir, "index.html", (t) => t.replace("<head>", '<head>\n  <meta name="kt-build" content="three">'));
        await restamp(dir);
        await editFile(dir, "offline.js", (t) => t + "\n// changed after stamping\n");

        await page.reload();
        await waitForApp(page);
        // The browser checks for the new worker on navigation, possibly before this page could hear
        // about it: check again from the page, whose listeners are in place now.
        await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()).catch(() => {}));
        await page.waitForFunction(() => window.ktOffline && window.ktOffline.state === "failed" && window.ktOffline.error,
          null, { timeout: 20000 });
        const err = await page.evaluate(() => window.ktOffline.error);
        assert(/offline\.js does not belong to build/.test(err), "the install names the mismatching file: " + err);
        assertEq(await buildCaches(page), [v1cache], "only build 1's cache remains");

        await context.setOffline(true);
        await page.reload();
        await waitForApp(page);
        assertEq(await build(page), ["", ""], "offline, the page is build 1, whole");
        await appRuns(page);
        await context.setOffline(false);
        await context.close();
      } finally {
        await server.close();
        await removeDir(dir);
      }
    },
  },
];

async function appRuns(page) {
  await frames(page, 2);
  const s = await state(page);
  assert(s.deals >= 12, "the app runs with its data: " + s.deals);
  await find(page, { role: "row", name: DEAL });
}
