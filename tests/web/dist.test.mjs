// The static deployment (shell/dist.sh, web/make_dist.py): dist/ served by a plain static server with the
// headers of its _headers file runs the app under that Content-Security-Policy, loads only content-hashed
// code, and after one visit reloads with the network off from the service worker, whose precache list names
// the hashed files.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { newPage, waitForApp, state, assert, assertEq } from "./browser.mjs";
import { serveStatic } from "./static_server.mjs";
import { root, webRoot, pollPage, removeDir } from "./web_support.mjs";

// Runs shell/dist.sh on the build under test (no build of its own) into a new folder.
async function makeDist() {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), "kt-dist-")), "dist");
  await new Promise((resolve, reject) => execFile(path.join(root, "shell/dist.sh"), [dir],
    { env: { ...process.env, DIST_SKIP_BUILD: "1", KT_WEB_ROOT: webRoot } },
    (err, out, errOut) => (err ? reject(new Error(errOut || String(err))) : resolve(out))));
  return dir;
}

// The rules of a _headers file (Netlify's and Cloudflare Pages' format) as a function of the URL path: each
// rule's path is exact or ends in "*".
function hostHeaders(text) {
  const rules = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    if (!/^\s/.test(line)) rules.push({ path: line.trim(), headers: {} });
    else {
      const at = line.indexOf(":");
      rules[rules.length - 1].headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return (p) => {
    const out = {};
    for (const r of rules) {
      const hit = r.path.endsWith("*") ? p.startsWith(r.path.slice(0, -1)) : p === r.path;
      if (!hit) continue;
      for (const [k, v] of Object.entries(r.headers)) {
        if (out[k]) throw new Error(`_headers sets ${k} twice for ${p} (hosts join the values)`);
        out[k] = v;
      }
    }
    return out;
  };
}

export const tests = [
  {
    name: "dist/ on a plain static server: hashed code, the _headers policy, and an offline reload from the service worker",
    async fn({ browser }) {
      const dir = await makeDist();
      const files = (await readdir(dir)).sort();
      const code = files.filter((f) => /^(kartoteka|offline)\.[0-9a-f]{10}\.(js|wasm|data)$/.test(f));
      assertEq(code.length, 4, "kartoteka.js/.wasm/.data and offline.js under hashed names: " + files.join(" "));
      assertEq(files.filter((f) => !code.includes(f)),
        ["_headers", "favicon.svg", "icon-192.png", "icon-512.png", "index.html", "manifest.webmanifest", "sw.js"],
        "the other files keep their names; nothing else is in the folder");
      const headers = hostHeaders(await readFile(path.join(dir, "_headers"), "utf8"));
      assert(/max-age=31536000, immutable/.test(headers("/" + code[0])["Cache-Control"]), "hashed files are cached for a year");
      assertEq(headers("/sw.js")["Cache-Control"], "no-cache", "sw.js is revalidated");
      const site = await serveStatic([["/", dir]], { headers });
      const { context, page } = await newPage(browser);
      try {
        const requested = [];
        page.on("request", (r) => requested.push(new URL(r.url()).pathname));
        await page.goto(site.url);
        await waitForApp(page);
        assertEq((await state(page)).screen, "list", "the app runs");
        const cached = await pollPage(page, async () => {
          if (!navigator.serviceWorker.controller || !window.ktOffline || window.ktOffline.state === "installing") return null;
          const names = (await caches.keys()).filter((n) => n.startsWith("kartoteka-"));
          if (names.length !== 1) return null;
          return (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname).sort();
        }, null, { what: "the service worker and its cache" });
        for (const f of code) assert(cached.includes("/" + f), `${f} is precached: ${cached.join(" ")}`);
        const unhashed = requested.filter((p) => /^\/(kartoteka\.(js|wasm|data)|offline\.js)$/.test(p));
        assertEq(unhashed, [], "no unhashed name is asked for");

        await context.setOffline(true);
        requested.length = 0;
        await page.reload();
        await waitForApp(page);
        assertEq((await state(page)).screen, "list", "the app runs offline");
        assert(requested.includes("/" + code.find((f) => f.endsWith(".wasm"))), "the offline page loaded the hashed WebAssembly");
        assertEq(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|sw\.js/.test(e)), [], "no page errors");
      } finally {
        await context.setOffline(false);
        await context.close();
        site.srv.closeAllConnections?.();
        site.srv.close();
        await removeDir(path.dirname(dir));
      }
    },
  },
];
