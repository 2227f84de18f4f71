// The canvas on real screens (src/app/main_web.cpp, pointer.hpp, web/input.js): crisp at any
// devicePixelRatio (also when it changes), re-laid out when the window is resized, scrolled by the wheel
// and by a finger, and touched where the finger is.
import path from "node:path";
import { newPage, waitForApp, state, find, click, frames, semantics, shell, waitIdle, assert, assertEq } from "./browser.mjs";
import { DEAL } from "./web_support.mjs";

function near(a, b, tol, what) {
  if (Math.abs(a - b) > tol) throw new Error(`${what}: ${a} is not within ${tol} of ${b}`);
}

async function rowsTop(page) {
  const rows = (await semantics(page)).filter((n) => n.role === "row" && n.h > 4);
  return rows.length ? rows[0] : null;
}

async function touchDrag(page, from, to, steps = 8) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: from.x, y: from.y, id: 1 }] });
  for (let i = 1; i <= steps; i++) {
    const x = from.x + ((to.x - from.x) * i) / steps, y = from.y + ((to.y - from.y) * i) / steps;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y, id: 1 }] });
    await page.waitForTimeout(16);
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

export const tests = [
  {
    name: "devicePixelRatio 2: backing store and fonts at device pixels, semantics in CSS pixels, clicks land",
    async fn({ browser, url, resultsDir }) {
      const one = await newPage(browser);
      await one.page.goto(url);
      await waitForApp(one.page);
      const before = await semantics(one.page);
      await one.context.close();

      const { context, page } = await newPage(browser, { deviceScaleFactor: 2 });
      await page.goto(url);
      await waitForApp(page);
      const sh = await shell(page);
      assertEq([sh.dpr, sh.canvas, sh.display], [2, [2560, 1600], [2560, 1600]], "backing store is CSS size × 2");
      assertEq(sh.font_px, 30, "fonts are rasterised at 15 px × 2");
      assertEq(await page.evaluate(() => [Module.canvas.width, Module.canvas.clientWidth]), [2560, 1280], "canvas");
      const after = await semantics(page);
      for (const id of ["heading:list", "lang:en", "action:help", "save-status"]) {
        const a = before.find((n) => n.id === id), b = after.find((n) => n.id === id);
        assert(a && b, "node " + id + " exists at both ratios");
        // The save status sits left of the user's name and the help button: three text widths measured
        // at another font size add up their rounding.
        const tol = id === "save-status" ? 3 : 1.5;
        for (const k of ["x", "y", "w", "h"]) near(b[k], a[k], tol, `${id}.${k} in CSS pixels`);
      }
      // The mirror's elements sit over the widgets they stand for.
      const row = await find(page, { role: "row", name: DEAL });
      const box = await page.locator("#a11y-mirror").getByRole("row", { name: DEAL }).boundingBox();
      for (const [k, v] of [["x", box.x], ["y", box.y], ["w", box.width], ["h", box.height]]) near(v, row[k], 1, `mirror row ${k}`);
      await page.screenshot({ path: path.join(resultsDir, "display-dpr2.png") });
      await click(page, { role: "row", name: DEAL });
      assertEq((await state(page)).screen, "card", "a click at CSS coordinates opened the card");
      await context.close();
    },
  },
  {
    name: "a change of devicePixelRatio at run time (another screen) reloads fonts and keeps the layout",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const node = await find(page, { id: "lang:en" });
      await waitIdle(page);
      // At rest past the start's timed wakes (they had woken the page after such a change by chance: the
      // emulated change fires neither the resolution media query nor a resize).
      await page.waitForTimeout(1500);
      assert((await shell(page)).paused, "the page rests");
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 2, mobile: false });
      // No input: the change itself must wake the app (web/input.js compares the ratio once a second).
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).dpr === 2, null, { timeout: 3000 });
      await waitIdle(page);
      const sh = await shell(page);
      assertEq([sh.canvas, sh.font_px], [[2560, 1600], 30], "backing store and fonts follow the new ratio");
      const moved = await find(page, { id: "lang:en" });
      for (const k of ["x", "y", "w", "h"]) near(moved[k], node[k], 1.5, "lang:en " + k);
      await click(page, { id: "lang:en" });
      assertEq((await state(page)).lang, "en", "clicks still land after the change");
      await cdp.detach();
      await context.close();
    },
  },
  {
    name: "resizing the window re-lays out the page at once",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await waitIdle(page);
      await page.setViewportSize({ width: 900, height: 600 });
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).canvas[0] === 900, null, { timeout: 5000 });
      await waitIdle(page);
      const sh = await shell(page);
      assertEq([sh.canvas, sh.display], [[900, 600], [900, 600]], "backing store and ImGui display follow the window");
      const help = await find(page, { id: "action:help" });
      near(help.x + help.w, 900 - 20, 1.5, "the top bar's right edge follows the window");
      await page.screenshot({ path: path.join(resultsDir, "display-900x600.png") });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).canvas[0] === 1280, null, { timeout: 5000 });
      await context.close();
    },
  },
  {
    name: "the mouse wheel scrolls the list by steps, in the right direction",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 500 } });
      await page.goto(url);
      await waitForApp(page);
      const first = await rowsTop(page);
      await page.mouse.move(400, 350);
      await page.mouse.wheel(0, 100);  // one notch down
      await waitIdle(page);
      const down = (await semantics(page)).find((n) => n.id === first.id);
      assert(!down || down.y < first.y - 20, "one notch down moved the rows up: " + JSON.stringify([first.y, down && down.y]));
      const step = down ? first.y - down.y : null;
      assert(step === null || step <= 120, "one notch is one step, not a page of raw pixels: " + step);
      await page.mouse.wheel(0, -100);
      await waitIdle(page);
      const back = (await semantics(page)).find((n) => n.id === first.id);
      near(back.y, first.y, 1, "one notch up brought them back");
      await context.close();
    },
  },
  {
    name: "touch: a tap lands under the finger (not at a stale mouse position); a drag scrolls without clicking",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 500 }, hasTouch: true });
      await page.goto(url);
      await waitForApp(page);
      const first = await rowsTop(page);
      await page.mouse.move(600, 20);  // GLFW 3.1.6 would press here
      await frames(page, 2);

      await touchDrag(page, { x: 400, y: 420 }, { x: 400, y: 270 });
      await waitIdle(page);
      let s = await state(page);
      assertEq(s.screen, "list", "a drag is not a click");
      const moved = (await semantics(page)).find((n) => n.id === first.id);
      assert(!moved || moved.y < first.y - 100, "the rows followed the finger up: " + JSON.stringify([first.y, moved && moved.y]));

      const target = (await semantics(page)).filter((n) => n.role === "row" && n.h > 30).pop();
      await page.touchscreen.tap(target.x + target.w / 2, target.y + target.h / 2);
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_debug_json())).screen === "card", null, { timeout: 5000 });
      s = await state(page);
      assertEq(s.card.title, target.name, "the tapped row opened, not the one under the mouse");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
];
