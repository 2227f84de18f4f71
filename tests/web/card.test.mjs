// The deal card end to end, through the real page: open a deal, edit fields with the real mouse and
// keyboard, see the timeline, reload, and find everything still there (and in IndexedDB).
import path from "node:path";
import { newPage, waitForApp, state, find, click, frames, waitSaved, scrollTo, assert, assertEq } from "./browser.mjs";
import { DEAL, FIELDS_COLUMN, PHONE, openDeal } from "./web_support.mjs";

// Clicks a field's value, replaces its text with `text` by typing, and leaves with `leave` (Enter, Tab, ...).
const TIMELINE = { x: 950, y: 650 };

async function editField(page, id, field, text, leave = "Enter") {
  await scrollTo(page, { id: `field:${id}:${field}` }, FIELDS_COLUMN);
  await click(page, { id: `field:${id}:${field}` });
  await page.waitForFunction((f) => {
    const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
    return s.editing && s.editing.field === f;
  }, field);
  await frames(page, 2);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text, { delay: 5 });
  if (leave) await page.keyboard.press(leave);
  await frames(page, 3);
}

// What IndexedDB holds under the IDBFS mount: {path: text content} of the journal segments.
async function idbJournal(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open("/data");
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const store = db.transaction("FILE_DATA").objectStore("FILE_DATA");
      const out = {};
      const cur = store.openCursor();
      cur.onsuccess = () => {
        const c = cur.result;
        if (!c) { db.close(); return resolve(out); }
        if (String(c.key).includes("/journal/seg-") && c.value.contents)
          out[c.key] = new TextDecoder().decode(c.value.contents);
        c.continue();
      };
      cur.onerror = () => reject(cur.error);
    };
  }));
}

function lastEntry(s) { return s.card.timeline[s.card.timeline.length - 1]; }

export const tests = [
  {
    name: "Скопировать ссылку in the card's menu copies the card's address (by its number); the link opens the card in another tab; a phone's Поделиться ссылкой hands it to the share sheet",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
      const id = await openDeal(page, url);
      const title = (await state(page)).card.title;
      await click(page, { id: "action:more" });
      await click(page, { role: "menuitem", name: "Скопировать ссылку" });
      await find(page, { role: "status", name: "Ссылка скопирована" });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert(/#\/deal\/\d+$/.test(copied) && copied.startsWith(url), "the card's address by its number: " + copied);
      const other = await context.newPage();
      await other.goto(copied);
      await waitForApp(other);
      const s = await state(other);
      assertEq([s.screen, s.card && s.card.id, s.card && s.card.title], ["card", id, title], "the link opens the card");
      assertEq(page.errors, [], "no page errors");
      await context.close();

      // A phone with a share sheet: the address and the title go to it (the browser's own, stubbed here).
      const phone = await newPage(browser, PHONE);
      await phone.page.addInitScript(() => {
        navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };
      });
      await phone.page.goto(url + "#/item/" + id);
      await waitForApp(phone.page);
      await click(phone.page, { id: "action:more" });
      await click(phone.page, { role: "menuitem", name: "Поделиться ссылкой" });
      await phone.page.waitForFunction(() => window.__shared, null, { timeout: 5000 });
      assertEq(await phone.page.evaluate(() => window.__shared), { title, url: copied }, "the share sheet has the card's title and address");
      await phone.context.close();
    },
  },
  {
    name: "edit amount, title, date, list and comment; reload keeps values and timeline",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);

      await editField(page, id, "OPPORTUNITY_WITH_CURRENCY", "1 500 000,50");
      let s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 150000050, c: "RUB" }, "amount saved");
      let e = lastEntry(s);
      assertEq([e.kind, e.field], ["field_changed", "OPPORTUNITY_WITH_CURRENCY"], "timeline entry");
      assertEq(e.old, { m: 125000000, c: "RUB" }, "old amount in the timeline");
      assert(e.detail.includes("1 250 000 ₽") && e.detail.includes("1 500 000,50 ₽"), "detail shows old → new: " + e.detail);

      await editField(page, id, "TITLE", "Server hardware supply");
      await editField(page, id, "CLOSEDATE", "31.12.2026");
      await editField(page, id, "COMMENTS", "Call back on Monday", "Control+Enter");

      // A list field: open its popup and pick an option with the mouse.
      await scrollTo(page, { id: `field:${id}:TYPE_ID` }, FIELDS_COLUMN);
      await click(page, { id: `field:${id}:TYPE_ID` });
      await click(page, { role: "option", name: "Продажа услуги" });

      s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Server hardware supply", "title saved");
      assertEq(s.card.fields.CLOSEDATE.value, "2026-12-31", "date saved as ISO");
      assertEq(s.card.fields.CLOSEDATE.text, "31.12.2026", "date shown in Russian format");
      assertEq(s.card.fields.COMMENTS.value, "Call back on Monday", "multi-line text saved with Ctrl+Enter");
      assertEq(s.card.fields.TYPE_ID.value, "SERVICES", "list option saved");
      const timelineBefore = s.card.timeline;
      await scrollTo(page, { role: "article", name: /Изменено поле «Тип»/ }, TIMELINE);

      await waitSaved(page);
      await page.screenshot({ path: path.join(resultsDir, "card-edited.png") });
      const idb = await idbJournal(page);
      const segs = Object.keys(idb);
      assert(segs.length >= 1, "journal segments are in IndexedDB");
      assert(Object.values(idb).some((t) => t.includes("150000050")), "the amount edit is in IndexedDB");

      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.screen, "card", "the route brings the card back after reload");
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 150000050, c: "RUB" }, "amount after reload");
      assertEq(s.card.fields.TITLE.value, "Server hardware supply", "title after reload");
      assertEq(s.card.fields.TYPE_ID.value, "SERVICES", "list after reload");
      assertEq(s.card.timeline.map((t) => t.id), timelineBefore.map((t) => t.id), "same timeline after reload");
      await scrollTo(page, { role: "article", name: /Изменено поле «Сумма и валюта»/ }, TIMELINE);
      await find(page, { role: "heading", name: "Server hardware supply" });
      await page.screenshot({ path: path.join(resultsDir, "card-after-reload.png") });
      assertEq(page.errors.filter((x) => !x.includes("favicon")), [], "no page errors");
      await context.close();
    },
  },
  {
    name: "an invalid date is refused inline and changes nothing; Esc cancels",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const before = await state(page);
      await editField(page, id, "CLOSEDATE", "31.02.2026");
      let s = await state(page);
      assert(s.editing && s.editing.field === "CLOSEDATE", "the editor stays open");
      assert(/дату/.test(s.editing.error), "an inline error says what is expected: " + s.editing.error);
      await find(page, { role: "alert", name: s.editing.error });
      assertEq(s.card.fields.CLOSEDATE.value, before.card.fields.CLOSEDATE.value, "value unchanged");
      assertEq(s.card.timeline.length, before.card.timeline.length, "no timeline entry");
      assertEq(s.journal.appended, before.journal.appended, "nothing journaled");
      await page.screenshot({ path: path.join(resultsDir, "card-invalid-date.png") });

      // Opening another field is refused while the error is shown; Esc cancels the edit.
      await click(page, { id: `field:${id}:TITLE` });
      s = await state(page);
      assertEq(s.editing.field, "CLOSEDATE", "the erroneous editor keeps focus");
      await click(page, { id: `field:${id}:CLOSEDATE` });
      await page.keyboard.press("Escape");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.editing, null, "Esc closed the editor");
      assertEq(s.card.fields.CLOSEDATE.value, before.card.fields.CLOSEDATE.value, "value still unchanged");
      await context.close();
    },
  },
  {
    name: "undo and redo with Ctrl+Z and Ctrl+Shift+Z, persisted across reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url, "Обучение сотрудников");
      const original = (await state(page)).card.fields.OPPORTUNITY_WITH_CURRENCY.value;
      await editField(page, id, "OPPORTUNITY_WITH_CURRENCY", "70000");
      assertEq((await state(page)).card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 7000000, c: "RUB" }, "edited");

      await page.keyboard.press("Control+z");
      await frames(page, 3);
      let s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, original, "Ctrl+Z undid the edit");
      assert(s.can_redo, "redo is possible");
      await page.keyboard.press("Control+Shift+z");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 7000000, c: "RUB" }, "Ctrl+Shift+Z redid it");

      // The undo button does the same.
      await click(page, { id: "action:undo" });
      s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, original, "the Undo button undid it");
      const kinds = s.card.timeline.slice(-3).map((t) => t.kind);
      assertEq(kinds, ["field_changed", "field_changed", "field_changed"], "edit, undo and redo are all in the timeline");

      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, original, "the undone value survives reload");
      await context.close();
    },
  },
  {
    name: "the stage bar moves the deal and records the stage change",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openDeal(page, url, "Годовое обслуживание склада");
      await click(page, { role: "radio", name: "В работе" });
      const s = await state(page);
      assertEq(s.card.fields.STAGE_ID.value, "EXECUTING", "stage changed");
      const e = lastEntry(s);
      assertEq([e.kind, e.old, e.new], ["stage_changed", "NEW", "EXECUTING"], "stage change in the timeline");
      const radio = await find(page, { role: "radio", name: "В работе" });
      assert(radio.checked, "the stage bar shows the new stage");
      await context.close();
    },
  },
  {
    name: "works from the static files alone, with no server: edit, reload, still there",
    async fn({ browser, staticUrl, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, staticUrl, "Расширенная гарантия");
      await editField(page, id, "OPPORTUNITY_WITH_CURRENCY", "48000");
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      const s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 4800000, c: "RUB" }, "value after reload");
      assertEq(lastEntry(s).kind, "field_changed", "timeline entry after reload");
      await page.screenshot({ path: path.join(resultsDir, "static-card.png") });
      await context.close();
    },
  },
  {
    name: "the list opens cards, back returns, and the language switches to English",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await find(page, { role: "heading", name: "Сделки" });
      await click(page, { role: "row", name: "Аудит сетевой инфраструктуры" });
      await find(page, { role: "heading", name: "Аудит сетевой инфраструктуры" });
      await page.goBack();
      await frames(page, 3);
      assertEq((await state(page)).screen, "list", "browser back returns to the list");
      await click(page, { id: "lang:en" });
      await find(page, { role: "heading", name: "Deals" });
      await click(page, { role: "row", name: "Аудит сетевой инфраструктуры" });
      await find(page, { role: "heading", name: "About the deal" });
      const s = await state(page);
      assertEq(s.lang, "en", "language is English");
      assert(/₽/.test(s.card.fields.OPPORTUNITY_WITH_CURRENCY.text), "money keeps its currency sign");
      await page.screenshot({ path: path.join(resultsDir, "card-english.png") });
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).lang, "en", "the language choice survives reload");
      await context.close();
    },
  },
];
