// The kanban at 1280×800 beyond dragging (work.test.mjs drags): a column's "+" creates a deal on that stage,
// and a card's context menu (the right button, or a screen reader's menu key) moves it to another stage.
import { newPage, waitForApp, state, find, findAll, click, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { open, replaceText } from "./web_support.mjs";

const BOARD = "#/kanban/deal/0";
const count = async (page, stage) => Number((await find(page, { id: "kanban:column:" + stage })).value);
// The stage column a card is drawn in (by x), or "".
async function columnOf(page, name) {
  await frames(page, 2);
  const card = await find(page, { role: "listitem", name });
  const columns = (await findAll(page, { role: "heading" })).filter((n) => n.id.startsWith("kanban:column:"));
  const hit = columns.find((c) => card.x >= c.x - 2 && card.x + card.w <= c.x + c.w + 40);
  return hit ? hit.id.slice("kanban:column:".length) : "";
}

export const tests = [
  {
    name: "kanban: a column's + creates a deal on its stage; a card's context menu moves it to another stage; both kept after a reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, BOARD);
      const [news, preps] = [await count(page, "NEW"), await count(page, "PREPARATION")];

      await click(page, { id: "kanban:create:PREPARATION" });
      await find(page, { role: "dialog" });
      // Its buttons follow the last field, with no empty band between (there was one of ~70 px).
      const [last, submit] = [await find(page, { id: "create:TITLE" }), await find(page, { id: "create:submit" })];
      const gap = submit.y - (last.y + last.h);
      assert(gap >= 16 && gap <= 48, `the buttons ${gap} px under the last field`);
      await replaceText(page, { id: "create:TITLE" }, "Поставка ноутбуков для филиала");
      await click(page, { id: "create:submit" });
      await waitSaved(page);
      if ((await state(page)).screen !== "list") await open(page, url, BOARD);  // the new card may open
      assertEq(await count(page, "PREPARATION"), preps + 1, "one more deal on the stage whose + was pressed");
      assertEq(await columnOf(page, "Поставка ноутбуков для филиала"), "PREPARATION", "drawn in that column");

      // The right button on the card opens its menu; a stage in it moves the deal there.
      const card = await find(page, { role: "listitem", name: "Поставка ноутбуков для филиала" });
      await page.mouse.move(card.x + card.w / 2, card.y + card.h / 2);
      await frames(page, 1);
      await page.mouse.click(card.x + card.w / 2, card.y + card.h / 2, { button: "right" });
      const item = card.id.slice("kanban:card:".length);
      assertEq((await findAll(page, { id: `kanban:move:${item}:PREPARATION` })).length, 0, "the menu leaves out the stage it is on");
      await click(page, { id: `kanban:move:${item}:NEW` });
      await waitSaved(page);
      assertEq([await count(page, "NEW"), await count(page, "PREPARATION")], [news + 1, preps], "moved to Новая");
      assertEq(await columnOf(page, "Поставка ноутбуков для филиала"), "NEW", "drawn in Новая now");

      await page.reload();
      await waitForApp(page);
      assertEq(await columnOf(page, "Поставка ноутбуков для филиала"), "NEW", "after a reload");
      await context.close();
    },
  },
];
