// Keyboard and focus like a DOM form (issue 21, src/ui/focus.hpp): Esc closes the topmost drop-down, then the
// dialog; the click after Esc works and text typed into the clicked field arrives; Tab and Shift+Tab move
// through a dialog and the card in reading order with a visible focus; Enter submits a dialog; another card
// opens at its top.
import path from "node:path";
import { newPage, state, find, findAll, click, frames, shell, semantics, waitIdle, assert, assertEq } from "./browser.mjs";
import { openItem, FIELDS_COLUMN } from "./web_support.mjs";

// Collects what the page says about dropped text (app/key_events.cpp).
function watchDrops(page) {
  const drops = [];
  page.on("console", (m) => { if (/text input: .*dropped/.test(m.text())) drops.push(m.text()); });
  return drops;
}

async function press(page, key) {
  await page.keyboard.press(key);
  await frames(page, 3);
}

// The widget whose semantics node says it has the keyboard focus (one at most).
async function focused(page) {
  await waitIdle(page);
  const nodes = (await semantics(page)).filter((n) => n.focused);
  assert(nodes.length <= 1, "one focused widget at most: " + nodes.map((n) => n.id).join(", "));
  return nodes[0] ? nodes[0].id : null;
}

// Opens the call-log dialog of deal D2 from its client block.
async function openCallLog(page, url) {
  await openItem(page, url, "D2");
  const calls = await findAll(page, { role: "link", name: "Позвонить" });
  assert(calls.length > 0, "the client block offers a call");
  await click(page, { id: calls[0].id });
  await find(page, { role: "dialog", name: /^Звонок/ });
}

const dialogOpen = async (page) => (await findAll(page, { role: "dialog", name: /^Звонок/ })).length > 0;

export const tests = [
  {
    name: "Esc closes the open drop-down of a dialog, then the dialog; the click after Esc works and the text typed reaches the field",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const drops = watchDrops(page);
      await openCallLog(page, url);
      await click(page, { id: "comm:outcome" });
      assertEq((await find(page, { id: "comm:outcome" })).expanded, true, "the drop-down is open (and says so)");
      assertEq((await findAll(page, { role: "option" })).length, 4, "its options show (a call's four outcomes)");
      await press(page, "Escape");
      assertEq((await findAll(page, { role: "option" })).length, 0, "Esc closed the drop-down");
      assertEq((await find(page, { id: "comm:outcome" })).expanded, false, "it says it is closed");
      assert(await dialogOpen(page), "the dialog under it stays open");

      // The next click reaches the field under it, and text inserted right away (an IME, a paste from a
      // menu: no key events) arrives once.
      await click(page, { id: "comm:note" });
      await page.keyboard.insertText("Перезвонить в пятницу");
      await waitIdle(page);
      assertEq((await find(page, { id: "comm:note" })).value, "Перезвонить в пятницу", "the text reached the clicked field");
      assertEq(drops, [], "no text was dropped");

      await press(page, "Escape");
      assert(!(await dialogOpen(page)), "Esc again closed the dialog");
      assertEq((await state(page)).card.timeline.filter((e) => e.kind === "communication").length, 0, "nothing was logged");
      await page.screenshot({ path: path.join(resultsDir, "focus-esc-closed.png") });
      // The keyboard help says Esc closes a window; it does with the help open too (the help first).
      await press(page, "F1");
      assert((await shell(page)).help, "the help is open");
      await press(page, "Escape");
      assert(!(await shell(page)).help, "Esc closed the help");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a card field clicked right after Esc closed a choice popup takes the text inserted at once",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const drops = watchDrops(page);
      await openItem(page, url, "D2");
      await click(page, { id: "field:D2:STAGE_ID" });
      assert((await findAll(page, { role: "option" })).length > 0, "the stage popup is open");
      await press(page, "Escape");
      assertEq((await findAll(page, { role: "option" })).length, 0, "Esc closed it");
      assertEq((await state(page)).editing, null, "and cancelled the edit");
      await click(page, { id: "field:D2:TITLE" });
      await page.keyboard.insertText("Внедрение CRM: второй этап");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      await waitIdle(page);
      const s = await state(page);
      assertEq(s.editing, null, "Enter saved");
      assertEq(s.card.fields.TITLE.value, "Внедрение CRM: второй этап", "the inserted text reached the field");
      assertEq(drops, [], "no text was dropped");
      await context.close();
    },
  },
  {
    name: "Tab and Shift+Tab move through the call-log dialog in reading order with a visible focus; Enter logs the call",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openCallLog(page, url);
      assertEq(await focused(page), null, "nothing has the keyboard focus yet");
      const order = [];
      for (let i = 0; i < 6; i++) {
        await press(page, "Tab");
        order.push(await focused(page));
      }
      assertEq(order, ["comm:direction", "comm:outcome", "comm:duration", "comm:note", "comm:save", "comm:cancel"],
        "Tab goes through the fields, then the buttons");
      await press(page, "Tab");
      assertEq(await focused(page), "comm:direction", "and wraps around to the first field");
      await press(page, "Shift+Tab");
      assertEq(await focused(page), "comm:cancel", "Shift+Tab goes back");
      // Shift held while Tab goes back through the fields, a frame or more apart, as a person does: entering
      // and leaving a text field moves the page's focus (the text bridge), which released the Shift held,
      // and the Tabs after it went forward (four fast Shift+Tab lost a Shift one run in eight, the same way).
      await page.keyboard.down("Shift");
      for (let i = 0; i < 4; i++) await press(page, "Tab");
      await page.keyboard.up("Shift");
      assertEq(await focused(page), "comm:outcome", "Shift held: four Tabs go back four widgets");
      for (let i = 0; i < 4; i++) await press(page, "Tab");
      assertEq(await focused(page), "comm:cancel", "and four Tabs forward again");
      for (let i = 0; i < 4; i++) await page.keyboard.press("Shift+Tab");
      assertEq(await focused(page), "comm:outcome", "four quick Shift+Tab go back four widgets");
      await page.screenshot({ path: path.join(resultsDir, "focus-ring-dialog.png") });
      await press(page, "ArrowDown");
      assertEq((await find(page, { id: "comm:outcome" })).value, "Не ответил", "Down picks the next outcome");
      await press(page, "Tab");
      assertEq(await focused(page), "comm:duration", "the duration field");
      assert((await shell(page)).want_text, "is active: typing goes to it");
      await page.keyboard.type("2:30", { delay: 5 });
      await press(page, "Tab");
      await page.keyboard.type("Abonent ne otvetil", { delay: 5 });
      await press(page, "Shift+Tab");
      assertEq(await focused(page), "comm:duration", "Shift+Tab back into the duration");
      assertEq((await find(page, { id: "comm:duration" })).value, "2:30", "what was typed is there");
      await press(page, "Enter");
      assert(!(await dialogOpen(page)), "Enter in a field submitted the dialog");
      const entry = (await state(page)).card.timeline.find((e) => e.kind === "communication");
      assert(entry && entry.detail.includes("2:30") && entry.detail.includes("Abonent ne otvetil") && entry.detail.includes("Не ответил"),
        "the call is logged with what was typed and chosen: " + JSON.stringify(entry));
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "Enter on the focused Отмена button presses it, not the primary one",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openCallLog(page, url);
      await press(page, "Shift+Tab");
      assertEq(await focused(page), "comm:cancel", "Shift+Tab from nothing goes to the last widget");
      await press(page, "Enter");
      assert(!(await dialogOpen(page)), "the dialog closed");
      assertEq((await state(page)).card.timeline.filter((e) => e.kind === "communication").length, 0, "nothing was logged");
      await context.close();
    },
  },
  {
    name: "Tab moves between the card's fields in reading order: the field left is saved, a typed field opens its editor, a choice shows the ring",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await click(page, { id: "field:D2:TITLE" });
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Tab order", { delay: 5 });
      await press(page, "Tab");
      let s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Tab order", "the title was saved when Tab left it");
      assertEq(s.editing, null, "the stage field is not opened by Tab");
      assertEq(await focused(page), "field:D2:STAGE_ID", "the stage field has the focus ring");
      await page.screenshot({ path: path.join(resultsDir, "focus-ring-card.png") });
      await press(page, "Tab");
      s = await state(page);
      assertEq(s.editing && s.editing.field, "OPPORTUNITY_WITH_CURRENCY", "the amount field's editor opened");
      await page.waitForFunction(() => document.activeElement.id === "text-bridge");
      await press(page, "Shift+Tab");
      assertEq(await focused(page), "field:D2:STAGE_ID", "Shift+Tab back to the stage");
      assertEq((await state(page)).editing, null, "the amount editor closed");
      await press(page, "Enter");
      assert((await findAll(page, { role: "option" })).length > 0, "Enter opens the stage's choices");
      await press(page, "Escape");
      await press(page, "Shift+Tab");
      s = await state(page);
      assertEq(s.editing && s.editing.field, "TITLE", "Shift+Tab reaches the title's editor");
      await press(page, "Escape");
      assertEq((await state(page)).card.fields.TITLE.value, "Tab order", "Esc in the editor still cancels, nothing changed");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "Esc on the amount's currency list closes the list only: nothing is saved; Esc again cancels, a click elsewhere saves",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const original = (await state(page)).card.fields.OPPORTUNITY_WITH_CURRENCY.value;
      const AMOUNT = "field:D2:OPPORTUNITY_WITH_CURRENCY";
      const typeAmount = async (text) => {
        await click(page, { id: AMOUNT });
        await page.waitForFunction(() => document.activeElement.id === "text-bridge");
        await page.keyboard.press("Control+A");
        await page.keyboard.type(text, { delay: 5 });
        await click(page, { id: AMOUNT + ":currency" });
        assertEq((await find(page, { id: AMOUNT + ":currency" })).expanded, true, "the currency list is open");
        await press(page, "Escape");
        assertEq((await findAll(page, { role: "option" })).length, 0, "Esc closed the list");
      };
      await typeAmount("123456");
      let s = await state(page);
      assertEq(s.editing && s.editing.field, "OPPORTUNITY_WITH_CURRENCY", "the amount's editor is still open");
      assertEq((await find(page, { id: AMOUNT })).value, "123456", "with what was typed");
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, original, "nothing saved by closing the list");
      await frames(page, 5);
      assertEq((await state(page)).editing && (await state(page)).editing.field, "OPPORTUNITY_WITH_CURRENCY", "nor later");
      await press(page, "Escape");
      s = await state(page);
      assertEq(s.editing, null, "a second Esc cancels the edit");
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, original, "and nothing changed");
      // The same, then a click elsewhere on the card: saved, as when a field loses the focus.
      await typeAmount("654321");
      await click(page, { role: "heading", name: "Клиент" });
      s = await state(page);
      assertEq(s.editing, null, "the click elsewhere closed the editor");
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 65432100, c: original.c }, "and saved the amount");
      await context.close();
    },
  },
  {
    name: "another card opens at its top, whatever the previous card was scrolled to",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const company = (await findAll(page, { role: "link", name: "ООО «Облако»" }));
      assert(company.length > 0, "the deal links its company");
      const top = (await find(page, { id: "field:D2:TITLE" })).y;
      await page.mouse.move(FIELDS_COLUMN.x, FIELDS_COLUMN.y);
      for (let i = 0; i < 2; i++) await page.mouse.wheel(0, 200);
      await frames(page, 3);
      const scrolled = await findAll(page, { id: "field:D2:TITLE" });
      assert(!scrolled.length || scrolled[0].y < top - 100, "the deal's fields are scrolled down");
      // The company, from the deal's Клиент field, still in view in the scrolled column.
      const link = (await findAll(page, { role: "link", name: "ООО «Облако»" })).filter((n) => n.h > 4);
      assert(link.length > 0, "the company's link is still in view");
      await click(page, { id: link[link.length - 1].id });
      const s = await state(page);
      assert(s.screen === "card" && s.card.id !== "D2", "another card is open: " + (s.card && s.card.id));
      const firstField = (await semantics(page)).find((n) => n.id.startsWith(`field:${s.card.id}:`));
      assert(firstField, "its first field shows");
      // At its top: rolling the wheel up moves nothing.
      await page.mouse.move(FIELDS_COLUMN.x, FIELDS_COLUMN.y);
      await page.mouse.wheel(0, -600);
      await frames(page, 3);
      assertEq((await find(page, { id: firstField.id })).y, firstField.y, "the new card was already at its top");
      await context.close();
    },
  },
];
