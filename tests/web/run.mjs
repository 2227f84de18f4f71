// Browser test runner: starts what the tests need (the real server on a free loopback port, and a plain
// static file server for the server-less mode), runs every *.test.mjs in this folder in headless Chromium,
// and prints "N passed, M failed". Screenshots go to test-results/ for a human to look at.
//   node tests/web/run.mjs [name-filter]   # tests whose name contains it; "a|b": either
import { spawn } from "node:child_process";
import { readdir, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, openPages } from "./browser.mjs";
import { serveStatic } from "./static_server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const webRoot = process.env.KT_WEB_ROOT || path.join(root, "build/web");
const serverBin = process.env.KT_SERVER || path.join(root, "build/native/kartoteka-server");
const resultsDir = path.join(root, "test-results");
const filter = process.argv[2] || "";

// The real server, on a port it picks itself.
function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(serverBin, ["--port", "0", "--web-root", webRoot, "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ proc, url: `http://127.0.0.1:${m[1]}/` });
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error("server did not start: " + out)), 10000);
  });
}

// Any static file server will do for the server-less mode; this one knows nothing about the app.
function startStatic() {
  return serveStatic([["/", webRoot]]);
}

async function main() {
  await stat(path.join(webRoot, "kartoteka.wasm")).catch(() => {
    throw new Error(`no web build in ${webRoot}: run shell/build.sh`);
  });
  await mkdir(resultsDir, { recursive: true });
  const server = await startServer();
  const staticServer = await startStatic();
  const browser = await launch();
  const env = { browser, url: server.url, staticUrl: staticServer.url, resultsDir };

  const files = (await readdir(here)).filter((f) => f.endsWith(".test.mjs")).sort();
  let passed = 0, failed = 0;
  const failures = [];
  for (const f of files) {
    const mod = await import(path.join(here, f));
    for (const t of mod.tests) {
      const name = `${f.replace(".test.mjs", "")}: ${t.name}`;
      if (filter && !filter.split("|").some((f) => name.includes(f))) continue;
      const t0 = Date.now();
      openPages.length = 0;
      try {
        await t.fn(env);
        const blocked = openPages.flatMap((p) => p.csp || []);
        if (blocked.length) throw new Error("the Content-Security-Policy blocked: " + blocked.slice(0, 3).join(" | "));
        passed++;
        console.log(`  ok    ${name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        failures.push(name);
        const shot = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
        for (const [i, p] of openPages.entries())
          await p.screenshot({ path: path.join(resultsDir, `FAILED-${shot}-${i}.png`) }).catch(() => {});
        console.log(`  FAIL  ${name} (${Date.now() - t0} ms)\n        ${String(e.stack || e).split("\n").slice(0, 6).join("\n        ")}`);
      }
      for (const p of openPages) await p.context().close().catch(() => {});
    }
  }
  await browser.close();
  server.proc.kill();
  staticServer.srv.close();
  console.log(`\nbrowser tests: ${passed} passed, ${failed} failed`);
  if (failures.length) console.log("failed: " + failures.join("; "));
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  console.log("browser tests: 0 passed, 1 failed");
  process.exit(1);
});
