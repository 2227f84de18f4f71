// A plain static file server on a free loopback port, for the server-less mode of the browser tests and for
// the benchmarks. `mounts` maps URL prefixes to folders, longest first: [["/peers/", dir], ["/", webRoot]].
// `headers(urlPath)`, when given, adds headers to an answer (a host's rules, as dist.test.mjs reads them).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".wasm": "application/wasm", ".data": "application/octet-stream", ".svg": "image/svg+xml", ".json": "application/json",
  ".webmanifest": "application/manifest+json", ".png": "image/png" };

export function serveStatic(mounts, { headers = () => ({}) } = {}) {
  return new Promise((resolve) => {
    const srv = createServer(async (req, res) => {
      let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (p.endsWith("/")) p += "index.html";
      const mount = mounts.find(([m]) => p.startsWith(m));
      if (!mount) { res.writeHead(404); return res.end("not found"); }
      const [prefix, dir] = mount;
      const file = path.join(dir, path.normalize(p.slice(prefix.length - 1)));
      if (!file.startsWith(dir)) { res.writeHead(403); return res.end(); }
      try {
        const body = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream", ...headers(p) });
        res.end(body);
      } catch {
        res.writeHead(404); res.end("not found");
      }
    });
    srv.listen(0, "127.0.0.1", () => resolve({ srv, url: `http://127.0.0.1:${srv.address().port}/` }));
  });
}
