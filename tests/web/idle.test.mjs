// Drawing only when something changes (src/app/idle.hpp): an idle page draws no frames and runs no
// requestAnimationFrame; input, storage callbacks, timers (caret blink, toasts) and animations wake it.
import { newPage, waitForApp, state, find, frames, shell, waitIdle, assert, assertEq } from "./browser.mjs";
import { openDeal, openEditor, waitSemantics, pollPage, notify } from "./web_support.mjs";

// Counts requestAnimationFrame calls made by the page.
function countRaf() {
  const raf = window.requestAnimationFrame.bind(window);
  window.__rafCalls = 0;
  window.requestAnimationFrame = (cb) => { window.__rafCalls++; return raf(cb); };
}

async function measure(page, ms) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  const metric = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const f0 = await page.evaluate(() => [Module._kt_frame_count(), window.__rafCalls]);
  const m0 = await metric();
  await page.waitForTimeout(ms);
  const m1 = await metric();
  const f1 = await page.evaluate(() => [Module._kt_frame_count(), window.__rafCalls]);
  await cdp.detach();
  return { frames: f1[0] - f0[0], raf: f1[1] - f0[1], scriptMs: (m1.ScriptDuration - m0.ScriptDuration) * 1000,
           taskMs: (m1.TaskDuration - m0.TaskDuration) * 1000 };
}

// The first visit saves the app for offline use (a progress card, then a toast that expires on a timer):
// legitimate frames, at a time that depends on the machine. Waits for all of it to end.
async function waitOfflineCopy(page) {
  await pollPage(page, () => window.ktOffline && window.ktOffline.state === "active", null, { what: "the offline copy" });
  await waitSemantics(page, (n) => !n.some((x) => x.id.startsWith("toast:") || x.role === "progressbar"), "a quiet page", 8000);
}

export const tests = [
  {
    name: "an idle page draws 0 frames and runs no animation frames in 2 seconds; input wakes it and it pauses again",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.addInitScript(countRaf);
      await page.goto(url);
      await waitForApp(page);
      await waitOfflineCopy(page);
      await waitIdle(page);
      const idle = await measure(page, 2000);
      console.log(`        idle 2 s: ${idle.frames} frames, ${idle.raf} rAF calls, script ${idle.scriptMs.toFixed(1)} ms, tasks ${idle.taskMs.toFixed(1)} ms`);
      assertEq(idle.frames, 0, "frames drawn while idle");
      assertEq(idle.raf, 0, "requestAnimationFrame calls while idle");
      assert(idle.scriptMs < 20, "almost no script runs while idle: " + idle.scriptMs);

      // Input wakes it: a hover changes the row under the mouse.
      const before = await page.evaluate(() => (Module._kt_frame_ms_reset(), Module._kt_frame_count()));
      const row = await find(page, { role: "row", name: "Обучение сотрудников" });
      await page.mouse.move(row.x + 50, row.y + row.h / 2);
      await page.waitForFunction((b) => Module._kt_frame_count() > b, before, { timeout: 2000 });
      await waitIdle(page);
      const drawn = (await page.evaluate(() => Module._kt_frame_count())) - before;
      assert(drawn >= 2 && drawn <= 8, "a mouse move draws a few frames, then the loop pauses: " + drawn);
      // Of those frames, the ones that repeat the picture already on the canvas (the UI settling after the
      // input) are not sent to WebGL (src/app/renderer_web.cpp); frames woken with no change, none.
      const sent = () => page.evaluate(() => Array.from({ length: Module._kt_frame_ms_count() }, (_, i) => Module._kt_frame_ms_at(i, 4)));
      const afterMove = await sent();
      assert(afterMove.includes(1) && afterMove[afterMove.length - 1] === 0,
        "the hover is drawn, the frames repeating it are not: " + afterMove.join(""));
      await page.evaluate(() => { Module._kt_frame_ms_reset(); Module._kt_wake(3); });
      await waitIdle(page);
      const woken = await sent();
      assert(woken.length >= 3 && !woken.includes(1), "frames with nothing changed are not drawn: " + woken.join(""));
      const again = await measure(page, 1000);
      assertEq(again.frames, 0, "idle again after the input");
      await context.close();
    },
  },
  {
    name: "while a field is edited the caret blinks on timed wakes only (a few frames a second, not 60)",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.addInitScript(countRaf);
      const id = await openDeal(page, url);
      // Else the offline copy's toast could draw frames in the middle of a measurement (seen once in CI).
      await waitOfflineCopy(page);
      await openEditor(page, id, "TITLE");
      await waitIdle(page);
      const m = await measure(page, 2000);
      console.log(`        editing 2 s: ${m.frames} frames (caret blink)`);
      assert(m.frames >= 2 && m.frames <= 8, "the caret blink draws a few frames: " + m.frames);
      assertEq((await shell(page)).want_text, true, "still editing");
      await page.keyboard.press("Escape");
      await waitIdle(page);
      const after = await measure(page, 1500);
      assertEq(after.frames, 0, "no blinking once the editor is closed");
      await context.close();
    },
  },
  {
    name: "a toast disappears on time with no input, and the storage callback updates the save status by itself",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await waitSemantics(page, (n) => !n.some((x) => x.id.startsWith("toast:")), "no toast", 8000);
      await notify(page, "offline.ready");
      await frames(page, 2);
      const t0 = Date.now();
      await find(page, { role: "status", name: "Картотека сохранена и будет работать без сети" });
      await waitIdle(page);
      // No input from here on: only the toast's own timer may draw the frame that removes it.
      await page.waitForFunction(() => !JSON.parse(UTF8ToString(Module._kt_semantics_json())).some((n) => n.id.startsWith("toast:")),
        null, { timeout: 6000, polling: 100 });
      const took = Date.now() - t0;
      assert(took > 2500 && took < 5500, "the toast lived about 3.5 s: " + took);

      // An edit: "Saving…" first, then the persist callback (no input) shows "Saved".
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Новое название");
      const before = (await state(page)).journal.appended;
      await page.keyboard.press("Enter");
      await page.waitForFunction((before) => {
        const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
        return s.journal.appended > before && s.journal.appended === s.journal.durable;
      }, before, { timeout: 5000 });
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_semantics_json()))
        .some((n) => n.id === "save-status" && n.value === "status.saved"), null, { timeout: 3000, polling: 100 });
      assertEq((await state(page)).card.fields.TITLE.value, "Новое название", "saved");
      await context.close();
    },
  },
];
