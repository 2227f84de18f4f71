// One tab owns the local store: a second tab of the same browser shows a notice instead of overwriting it.
import path from "node:path";
import { newPage, waitForApp, state, find, click, frames, assert, assertEq } from "./browser.mjs";

export const tests = [
  {
    name: "a second tab shows a notice and changes nothing; 'use this tab' takes over",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url + "#/item/D1");
      await waitForApp(page);
      assert((await state(page)).storage.owner, "the first tab owns the store");

      const second = await context.newPage();
      await second.goto(url + "#/item/D1");
      await waitForApp(second);
      let s = await state(second);
      assert(!s.storage.owner, "the second tab does not");
      await find(second, { id: "othertab:text" });
      await second.screenshot({ path: path.join(resultsDir, "tabs-second.png") });
      // Keys do nothing there: no edit reaches the data.
      const before = s.journal.appended;
      await second.keyboard.press("Control+z");
      await frames(second, 2);
      assertEq((await state(second)).journal.appended, before, "nothing written by the second tab");

      const take = await find(second, { id: "othertab:take" });
      await second.mouse.move(take.x + take.w / 2, take.y + take.h / 2);
      await frames(second, 1);
      await Promise.all([second.waitForNavigation({ timeout: 20000 }), (async () => {
        await second.mouse.down();
        await frames(second, 1);
        await second.mouse.up();
      })()]);
      await waitForApp(second);
      s = await state(second);
      assert(s.storage.owner, "the second tab took over after reloading");
      await frames(page, 3);
      assert(!(await state(page)).storage.owner, "the first tab knows it lost the store");
      await find(page, { id: "othertab:text" });
      await second.close();
      await context.close();
    },
  },
];
