// The list's own controls at 1280×800, as a person uses them: the Колонки menu (a column shown, one hidden,
// kept across a reload, По умолчанию brings the default back) and the Список / Канбан switch.
import path from "node:path";
import { newPage, waitForApp, semantics, find, findAll, click, frames, assert, assertEq } from "./browser.mjs";
import { open } from "./web_support.mjs";

// The table's column headers, left to right.
async function headers(page) {
  await find(page, { role: "columnheader" });
  await frames(page, 2);
  return (await semantics(page)).filter((n) => n.role === "columnheader").sort((a, b) => a.x - b.x).map((n) => n.name);
}

export const tests = [
  {
    name: "the Колонки menu shows and hides columns, a reload keeps them, По умолчанию brings the default back; Список / Канбан switch the view",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/deal");
      const initial = await headers(page);
      assert(initial.length >= 4 && initial[0] === "Название", "the default columns: " + initial.join(", "));

      await click(page, { id: "list:columns" });
      const boxes = (await findAll(page, { role: "checkbox" })).filter((n) => n.id.startsWith("column:toggle:"));
      const shown = boxes.filter((n) => n.checked).map((n) => n.name);
      assertEq(shown.filter((n) => n !== "Название"), initial.slice(1), "the menu ticks the columns shown");
      const title = boxes.find((n) => n.name === "Название");
      assert(title && title.checked && title.disabled, "the name is always the first column: ticked, not a choice");
      const add = boxes.find((n) => !n.checked);
      const drop = boxes.find((n) => n.checked && n.name === initial[initial.length - 1]);
      assert(add && drop, "a column to show and one to hide: " + boxes.map((n) => `${n.name}=${n.checked}`).join(", "));
      await click(page, { id: add.id });
      assertEq((await find(page, { id: add.id })).checked, true, "ticked");
      await click(page, { id: drop.id });
      assertEq((await find(page, { id: drop.id })).checked, false, "unticked");
      await page.screenshot({ path: path.join(resultsDir, "list-columns.png") });
      await page.keyboard.press("Escape");
      await frames(page, 2);
      assertEq((await findAll(page, { id: add.id })).length, 0, "Esc closes the menu");
      const chosen = [...initial.slice(0, -1), add.name];
      assertEq(await headers(page), chosen, "the table follows: the new column last, the hidden one gone");

      await page.reload();
      await waitForApp(page);
      assertEq(await headers(page), chosen, "a reload keeps the columns");

      await click(page, { id: "list:columns" });
      await click(page, { id: "columns:default" });
      await page.keyboard.press("Escape");
      assertEq(await headers(page), initial, "По умолчанию: the default columns again");

      // Канбан shows the stages as columns; Список brings the table back.
      await click(page, { id: "view:kanban" });
      await find(page, { id: "kanban:column:NEW" });
      assert((await page.evaluate(() => location.hash)).startsWith("#/kanban/deal"), "the kanban's address");
      assertEq(!!(await find(page, { id: "view:kanban" })).selected, true, "Канбан is the view shown");
      await click(page, { id: "view:list" });
      assertEq(await headers(page), initial, "Список: the table again");
      assertEq([!!(await find(page, { id: "view:list" })).selected, !!(await find(page, { id: "view:kanban" })).selected], [true, false],
        "Список is the view shown");
      assertEq(await page.evaluate(() => location.hash), "#/list/deal", "the list's address");
      await context.close();
    },
  },
];
