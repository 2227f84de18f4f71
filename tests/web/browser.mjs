// Shared helpers of the browser tests: launching Debian's Chromium through playwright-core, waiting for the
// app, and finding widgets through the app's semantics tree (the same one the accessibility mirror uses).
import { chromium } from "playwright-core";

// Each new context (a test's page) opens a window whose address bar preloads its WebUI popups in renderers
// of their own (chrome://omnibox-popup.top-chrome/): about a second of CPU per page on two cores, which
// the tests never use; the last three features turn them off (the browser tests took 16% less time).
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
  "--disable-quic", "--disable-features=Translate,MediaRouter,WebUIOmniboxPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI",
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Pages opened by the running test, so that the runner can take a screenshot of them when it fails.
export const openPages = [];

// A new page in a fresh context, with console errors collected on page.errors.
// Collects a page's errors in page.errors (its uncaught exceptions and console errors), and what the server's
// Content-Security-Policy blocked in page.csp (the runner fails a test whose pages saw any). Returns the page.
export function watchErrors(page) {
  page.errors = [];
  page.csp = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
    if (/Content Security Policy/i.test(m.text())) page.csp.push(m.text());
  });
  return page;
}

export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: "ru-RU",
    ...options,
  });
  const page = await context.newPage();
  // A link handed out of the app (tel:, mailto:, web/handoff.js) opens a tab of its own; a phone or mail
  // program would take it and the app's tab stay in front. Headless, that tab comes to the front instead and
  // the app's, now in the background, draws about one frame a second: every step after a "Позвонить" took
  // seconds. The app's tab is brought back (click() does it at once; this when the tab is seen, later). Only
  // for the tabs this page opens: a test's own second tab stays in front.
  page.on("popup", () => page.bringToFront().catch(() => {}));
  watchErrors(page);
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  openPages.push(page);
  return { context, page };
}

// The app draws only when something changes (src/app/idle.hpp): the helpers below wake it with
// Module._kt_wake(n), which asks for n more frames, rather than waiting for frames that would never come.

// Waits until the app has started and drawn a few frames.
export async function waitForApp(page, minFrames = 3, timeout = 30000) {
  await page.waitForFunction(
    (n) => typeof Module !== "undefined" && Module.calledRun && Module._kt_wake &&
      (Module._kt_wake(n + 1), Module._kt_frame_count() > n),
    minFrames, { timeout });
  await frames(page, 3);
}

// Lets the app draw `n` more frames (the UI reacts to input on the next frame), and waits until the input
// given so far has been handed to the UI (keys and taps wait in a queue when they come faster than frames).
export async function frames(page, n = 3) {
  const start = await page.evaluate((k) => { Module._kt_wake(k); return Module._kt_frame_count(); }, n);
  await page.waitForFunction(([s, k]) => Module._kt_frame_count() >= s + k &&
    !JSON.parse(UTF8ToString(Module._kt_shell_json())).input_pending, [start, n]);
}

// The shell's own state (src/app/main_web.cpp): frames, paused, dpr, canvas, font size, text input.
export async function shell(page) {
  return page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_shell_json())));
}

// Waits until the main loop has paused itself: every queued input has been handled and drawn.
export async function waitIdle(page, { timeout = 10000 } = {}) {
  await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).paused, null, { timeout });
}

export async function state(page) {
  return page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_debug_json())));
}

export async function semantics(page) {
  return page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_semantics_json())));
}

// Finds a widget by role and name (exact string or RegExp), or by id; throws with what is there if absent.
export async function find(page, query, { timeout = 5000 } = {}) {
  const deadline = Date.now() + timeout;
  let nodes = [];
  while (Date.now() < deadline) {
    nodes = await semantics(page);
    const hit = nodes.find((n) => matches(n, query));
    if (hit) return hit;
    await frames(page, 1);
  }
  const seen = nodes.map((n) => `${n.role}:${n.name}`).slice(0, 60).join(" | ");
  throw new Error(`widget not found: ${JSON.stringify(query, (k, v) => (v instanceof RegExp ? String(v) : v))}; seen: ${seen}`);
}

export async function findAll(page, query) {
  return (await semantics(page)).filter((n) => matches(n, query));
}

function matches(n, q) {
  if (q.id !== undefined && n.id !== q.id) return false;
  if (q.role !== undefined && n.role !== q.role) return false;
  if (q.name !== undefined) {
    if (q.name instanceof RegExp ? !q.name.test(n.name) : n.name !== q.name) return false;
  }
  return true;
}

// Finds a widget that may be scrolled out of view: rolls the mouse wheel over `over` (a point in the
// scrolling area) until it shows up, as a person would.
export async function scrollTo(page, query, over, { maxSteps = 30 } = {}) {
  const visible = async () => {
    const hit = (await semantics(page)).find((n) => matches(n, query));
    return hit && hit.h > 4 ? hit : null;
  };
  let hit = await visible();
  if (hit) return hit;
  // From the top, roll down until it shows.
  await page.mouse.move(over.x, over.y);
  for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -600);
  await frames(page, 2);
  for (let i = 0; i < maxSteps; i++) {
    if ((hit = await visible())) return hit;
    await page.mouse.move(over.x, over.y);
    await page.mouse.wheel(0, 120);
    await frames(page, 2);
  }
  return find(page, query, { timeout: 100 });
}

// Clicks the middle of a widget with the real mouse: moves there, lets a frame see the hover (as a
// person's mouse would), then presses and releases.
// With `navigates`, the press reloads the page (a restore, a connect): no frames are waited for after it.
export async function click(page, query, { navigates = false } = {}) {
  let n = await find(page, query);
  await page.mouse.move(n.x + n.w / 2, n.y + n.h / 2);
  await frames(page, 1);
  // A widget that moved meanwhile (a dialog that shrank as its content changed) is followed, as an eye
  // follows it before the finger presses.
  for (let i = 0; i < 3; i++) {
    const now = (await findAll(page, query))[0];
    const x = n.x + n.w / 2, y = n.y + n.h / 2;
    if (!now || (x > now.x && x < now.x + now.w && y > now.y && y < now.y + now.h)) break;
    n = now;
    await page.mouse.move(n.x + n.w / 2, n.y + n.h / 2);
    await frames(page, 1);
  }
  await page.mouse.down();
  await frames(page, 1);
  await page.mouse.up();
  if (!navigates) await frames(page, 2);
  if (n.href && !navigates) await page.bringToFront();  // a link out of the app: see newPage
  return n;
}

// Waits until every change is durable in IndexedDB.
export async function waitSaved(page) {
  await frames(page, 2);  // the input given so far reaches the app first (a save starts in the frame of the edit)
  await page.waitForFunction(() => {
    const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
    return s.journal.appended === s.journal.durable;
  }, null, { timeout: 10000 });
}

export function assert(cond, message) {
  if (!cond) throw new Error("assertion failed: " + message);
}

// JSON with object keys sorted, so that equal values compare equal whatever their key order.
function canonical(v) {
  return JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((key) => [key, x[key]])) : x));
}

export function assertEq(actual, expected, message) {
  const a = canonical(actual), e = canonical(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}
