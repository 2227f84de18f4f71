// What the bench scripts share: the repository root, their command-line options, and the one JSON line per
// figure that bench/report.mjs reads.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// The value after --name, or `dflt`.
export const arg = (name, dflt) => {
  const i = process.argv.indexOf("--" + name);
  return i > 0 ? process.argv[i + 1] : dflt;
};

// --only a,b,c: whether figure group `n` is asked for (all when --only is absent).
const only = arg("only", "") ? arg("only", "").split(",") : null;
export const want = (n) => !only || only.includes(n);

export const emit = (figure, unit, samples, note, extra) =>
  console.log(JSON.stringify({ figure, unit, samples, note, ...extra }));
