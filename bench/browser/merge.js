// In-page merge benchmarks (bench/browser.mjs --only merge calls them): "merge of 100,000 remote field
// updates into the local state", Kartoteka's core in WebAssembly (tools/bench/merge_web.cpp: the stream and
// pull pages of kt_bench merge) and its peer Yjs (bench/browser/yjs_merge_run.mjs, the same code as the Node
// figure), both in this page.
(function () {
  // Yjs is published as an ES module importing lib0 by bare names ("lib0/observable"): an import map, made
  // from lib0's own package.json exports (their browser entries), lets the page import it as it is.
  function entry(v) {
    if (typeof v === "string") return v;
    for (const c of ["browser", "module", "import", "default"]) {
      const r = v && v[c] !== undefined ? entry(v[c]) : null;
      if (r) return r;
    }
    return null;
  }
  let yjs = null;
  async function loadYjs() {
    if (yjs) return yjs;
    const pkg = await (await fetch("/peers/lib0/package.json")).json();
    const imports = {};
    for (const [k, v] of Object.entries(pkg.exports)) {
      const file = entry(v);
      if (k.startsWith("./") && !k.includes("*") && file) imports["lib0/" + k.slice(2)] = "/peers/lib0/" + file.replace(/^\.\//, "");
    }
    const map = document.createElement("script");
    map.type = "importmap";
    map.textContent = JSON.stringify({ imports });
    document.head.appendChild(map);
    const [Y, run] = await Promise.all([import("/peers/yjs/dist/yjs.mjs"), import("/bench/yjs_merge_run.mjs")]);
    return (yjs = { Y, yjsMerge: run.yjsMerge });
  }

  window.benchMerge = {
    // Yjs: { perS: [runs], check } (its run 0 warms the JIT up and is not reported). Throws when the local
    // document does not end with the last update.
    async yjs(updates, records, runs) {
      const { Y, yjsMerge } = await loadYjs();
      const r = yjsMerge(Y, { updates, records, runs });
      const expected = "note " + (runs * updates + 2);
      if (r.check !== expected) throw new Error(`yjs: GD2 holds ${r.check}, expected ${expected}`);
      return r;
    },
    // The core: decodes the stored base (`base`: its URL) as the app does, decodes every timeline (the
    // native figure's state, loaded whole from JSON), then runs+1 runs of `updates` mutations (run 0 lets
    // the engine tier the code up, not reported); with `pull`, the pull pages of as many deals, parsed and
    // applied to a second copy's replica, runs+1 times. Every figure is taken inside the module.
    async core(base, updates, runs, pull) {
      const M = await ktMergeBench();
      const bytes = new Uint8Array(await (await fetch(base)).arrayBuffer());
      const load = (which) => {
        const p = M._malloc(bytes.length);
        if (!p) throw new Error("out of memory for the base");
        M.HEAPU8.set(bytes, p);
        const ms = M._kt_merge_load(p, bytes.length, which);
        M._free(p);
        if (ms < 0) throw new Error("the base does not decode");
        return ms;
      };
      const out = { baseBytes: bytes.length, loadMs: load(0), deals: M._kt_merge_deals() };
      if (out.deals < Math.min(updates, 1000)) throw new Error(`only ${out.deals} deals in the base`);
      out.unpackMs = M._kt_merge_unpack();
      out.mutations = [];
      for (let r = 0; r <= runs; r++) {
        const x = M._kt_merge_mutations(updates);
        if (x < 0) throw new Error(`run ${r}: ${-x} mutations refused`);
        if (r > 0) out.mutations.push(x);
      }
      if (pull) {
        out.pageBytes = M._kt_merge_make_pages(updates, runs + 1);
        out.pages = M._kt_merge_pages();
        out.clientLoadMs = load(1);
        out.pull = [];
        out.parseMs = [];
        out.applyMs = [];
        for (let r = 0; r <= runs; r++) {
          const x = M._kt_merge_pull(r);
          if (x < 0) throw new Error(`pull run ${r}: a page does not parse`);
          if (r === 0) continue;
          out.pull.push(x);
          out.parseMs.push(M._kt_merge_split(0));
          out.applyMs.push(M._kt_merge_split(1));
        }
      }
      out.heapBytes = M.HEAPU8.length;
      return out;
    },
  };
})();
