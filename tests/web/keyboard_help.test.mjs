// The keyboard help (src/ui/help_panel.hpp): F1 or the "?" button in the top bar opens a panel listing
// the shortcuts; F1, Esc, its close button or a click outside closes it. In Russian and English.
import path from "node:path";
import { newPage, waitForApp, find, findAll, click, frames, shell, assert, assertEq } from "./browser.mjs";
import { waitSemantics } from "./web_support.mjs";

const helpOpen = async (page) => (await shell(page)).help;

export const tests = [
  {
    name: "F1 and the ? button open the shortcut list; F1, Esc, the close button and a click outside close it",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await page.evaluate(() => window.addEventListener("keydown", (e) => {
        if (e.key === "F1") window.__f1Prevented = e.defaultPrevented;
      }));
      await page.keyboard.press("F1");
      await frames(page, 3);
      assertEq(await page.evaluate(() => window.__f1Prevented), true, "the browser's own F1 help is prevented");
      await find(page, { role: "dialog", name: "Сочетания клавиш" });
      const items = (await findAll(page, { role: "listitem" })).map((n) => n.name);
      for (const keys of ["Ctrl+Z", "Ctrl+Shift+Z или Ctrl+Y", "Enter", "Ctrl+Enter", "Esc", "Tab или Shift+Tab", "F1"])
        assert(items.some((t) => t.startsWith(keys + ":")), `the list has ${keys}: ${items.join(" | ")}`);
      assert(items.some((t) => /Ctrl\+Z: Отменить последнее изменение/.test(t)), "with what they do");
      assertEq((await find(page, { id: "action:help" })).expanded, true, "the ? button reports the panel open");
      await page.screenshot({ path: path.join(resultsDir, "help-ru.png") });
      await page.keyboard.press("F1");
      await frames(page, 3);
      assertEq(await helpOpen(page), false, "F1 again closes it");

      await click(page, { id: "action:help" });
      assertEq(await helpOpen(page), true, "the ? button opens it");
      await page.keyboard.press("Escape");
      await frames(page, 3);
      assertEq(await helpOpen(page), false, "Esc closes it");

      await click(page, { id: "action:help" });
      await click(page, { role: "button", name: "Закрыть" });
      assertEq(await helpOpen(page), false, "the close button closes it");

      await click(page, { id: "action:help" });
      await page.mouse.move(30, 780);
      await frames(page, 1);
      await page.mouse.down();
      await frames(page, 1);
      await page.mouse.up();
      await frames(page, 3);
      assertEq(await helpOpen(page), false, "a click outside closes it");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "the help speaks English after the language switch",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await click(page, { id: "lang:en" });
      await page.keyboard.press("F1");
      await waitSemantics(page, (n) => n.some((x) => x.role === "dialog" && x.name === "Keyboard shortcuts"), "the English help");
      const items = (await findAll(page, { role: "listitem" })).map((n) => n.name);
      assert(items.includes("Ctrl+Z: Undo the last change"), "English descriptions: " + items.join(" | "));
      assert(items.some((t) => t.startsWith("Tab or Shift+Tab: ")), "English 'or'");
      await find(page, { role: "button", name: "Keyboard shortcuts (F1)" });
      await page.screenshot({ path: path.join(resultsDir, "help-en.png") });
      await context.close();
    },
  },
];
