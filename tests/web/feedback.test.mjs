// Feedback for long operations (src/ui/progress.hpp): a progress card with a label, a bar and a
// percentage, or a moving bar when the amount of work is unknown (which keeps the page drawing only
// while it is shown); exposed to screen readers as a progressbar.
import path from "node:path";
import { newPage, waitForApp, find, frames, shell, waitIdle, click, assert, assertEq } from "./browser.mjs";
import { waitSemantics, pollPage, callWithString, notify } from "./web_support.mjs";

const progress = (page, key, fraction) =>
  fraction === null ? callWithString(page, "_kt_progress_end", key) : callWithString(page, "_kt_progress", key, fraction);

export const tests = [
  {
    name: "a progress card shows label and percentage, updates, animates only while the amount is unknown, and goes",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      // The first visit's offline install (a progress card, then a toast) must be over.
      await pollPage(page, () => window.ktOffline && window.ktOffline.state === "active", null, { what: "the offline copy" });
      await waitSemantics(page, (n) => !n.some((x) => x.role === "progressbar" || x.id.startsWith("toast:")), "a quiet page", 8000);
      await progress(page, "progress.offline", 0.4);
      let bar = await find(page, { role: "progressbar" });
      assertEq([bar.name, bar.value], ["Картотека сохраняется для работы без сети", "40%"], "label and percentage");
      const mirror = page.locator("#a11y-mirror").getByRole("progressbar", { name: bar.name });
      await frames(page, 2);
      assertEq(await mirror.getAttribute("aria-valuenow"), "40", "the mirror reports the value");
      await page.screenshot({ path: path.join(resultsDir, "progress.png") });
      await progress(page, "progress.offline", 0.75);
      await waitSemantics(page, (n) => n.some((x) => x.role === "progressbar" && x.value === "75%"), "75%");
      await waitIdle(page);  // a known fraction does not animate
      const still = (await shell(page)).frames;
      await page.waitForTimeout(1000);
      assertEq((await shell(page)).frames - still, 0, "no frames while a known fraction waits for its next update");

      await progress(page, "progress.offline", -1);
      await frames(page, 2);
      const f0 = (await shell(page)).frames;
      await page.waitForTimeout(1500);  // no input meanwhile: only the animation draws
      const sh = await shell(page);
      assert(!sh.paused && sh.frames - f0 >= 5, "an unknown amount animates: " + (sh.frames - f0) + " frames in 1.5 s");
      bar = await find(page, { role: "progressbar" });
      assertEq(bar.value, undefined, "no percentage when unknown");

      await progress(page, "no.such.operation", null);  // ending an unknown operation is harmless
      await progress(page, "progress.offline", null);
      await waitSemantics(page, (n) => !n.some((x) => x.role === "progressbar"), "the card to go");
      await waitIdle(page);
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a message of the page is shown in the language of the moment, also when it changes while the message is up",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await notify(page, "offline.updated");
      await waitSemantics(page, (n) => n.some((x) => x.id.startsWith("toast:") && /новая версия/.test(x.name)), "the message in Russian");
      await click(page, { id: "lang:en" });
      const n = await waitSemantics(page, (n) => n.some((x) => x.id.startsWith("toast:") && /A new version/.test(x.name)), "the message in English");
      assert(!n.some((x) => x.id.startsWith("toast:") && /новая версия/.test(x.name)), "no Russian copy is left");
      await context.close();
    },
  },
];
