// Dates and times are picked in a calendar and shown as 24.12.2026 15:30, never typed as ISO (issue 21):
// a deal's date field picked by clicking days, a to-do's deadline picked with its time, a bad typed date
// refused inline — through the real page, with the real mouse and keyboard.
import path from "node:path";
import { newPage, waitForApp, state, find, findAll, click, frames, scrollTo, waitSaved, assert, assertEq } from "./browser.mjs";
import { FIELDS_COLUMN, openDeal, openItem } from "./web_support.mjs";

// Clicks the calendar's month arrows until it shows `title` ("Декабрь 2026"); `sem` is the picker's id.
async function showMonth(page, sem, title, year, month) {
  for (let i = 0; i < 36; i++) {
    const shown = (await find(page, { id: `${sem}:month` })).name;
    if (shown === title) return;
    const [name, y] = shown.split(" ");
    const names = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"];
    const at = Number(y) * 12 + names.indexOf(name);
    await click(page, { id: `${sem}:${at < year * 12 + month - 1 ? "next" : "prev"}` });
  }
  throw new Error("the calendar never showed " + title);
}

// Opens a card field's calendar with a click.
async function openCalendar(page, id, field) {
  const sem = `field:${id}:${field}`;
  await scrollTo(page, { id: sem }, FIELDS_COLUMN);
  await click(page, { id: sem });
  await find(page, { id: `${sem}:calendar`, role: "dialog" });
  return sem;
}

export const tests = [
  {
    name: "a deal's date is picked by clicking a day in the calendar, shown as dd.mm.yyyy, and survives a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const sem = await openCalendar(page, id, "CLOSEDATE");
      assertEq((await find(page, { id: sem })).expanded, true, "the field says its calendar is open");

      // Monday first, Russian weekday names in the grid; today is marked; no ISO anywhere.
      const s0 = await state(page);
      const now = await page.evaluate(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]; });
      const todayId = `${sem}:day:${now[0]}-${String(now[1]).padStart(2, "0")}-${String(now[2]).padStart(2, "0")}`;
      await click(page, { id: `${sem}:today` });  // Today: the calendar closes on today's date
      let s = await state(page);
      const todayText = `${String(now[2]).padStart(2, "0")}.${String(now[1]).padStart(2, "0")}.${now[0]}`;
      assertEq(s.card.fields.CLOSEDATE.text, todayText, "Today picked today's date");
      assert(s.card.fields.CLOSEDATE.value !== s0.card.fields.CLOSEDATE.value || s0.card.fields.CLOSEDATE.text === todayText, "the value changed");

      await openCalendar(page, id, "CLOSEDATE");
      const today = await find(page, { id: todayId });
      assertEq(today.description, "сегодня", "today is marked");
      assert(today.selected, "the chosen day (today) is selected");
      assertEq((await find(page, { id: `${sem}:text` })).value, todayText, "the calendar's text box holds the date as Russians write it");

      await showMonth(page, sem, "Декабрь 2026", 2026, 12);
      const days = (await findAll(page, { role: "button" })).filter((n) => n.id.startsWith(`${sem}:day:`));
      assertEq(days.length, 42, "six weeks of days");
      assertEq(days[0].name, "30 ноября 2026", "the page starts on Monday 30 November (1 December 2026 is a Tuesday)");
      const dec24 = await find(page, { role: "button", name: "24 декабря 2026" });
      assert(dec24.x > days[0].x + 2 * days[0].w && dec24.y > days[0].y, "24 December is a Thursday, in the fourth week");
      await page.screenshot({ path: path.join(resultsDir, "dates-calendar.png") });
      await click(page, { role: "button", name: "24 декабря 2026" });

      s = await state(page);
      assertEq(s.editing, null, "picking a day closes the calendar");
      assertEq(s.card.fields.CLOSEDATE.value, "2026-12-24", "stored as ISO, as before");
      assertEq(s.card.fields.CLOSEDATE.text, "24.12.2026", "shown as dd.mm.yyyy");
      assertEq((await find(page, { id: sem })).value, "24.12.2026", "the field reads 24.12.2026");
      assertEq((await findAll(page, { id: `${sem}:calendar` })).length, 0, "the calendar is gone");

      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields.CLOSEDATE.value, "2026-12-24", "the date survives a reload");
      assertEq((await scrollTo(page, { id: sem }, FIELDS_COLUMN)).value, "24.12.2026", "shown as dd.mm.yyyy after the reload");
      assertEq(page.errors.filter((x) => !x.includes("favicon")), [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a to-do's deadline is picked in the calendar with its time and shown as 24.12.2026 15:30",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await click(page, { id: "action:todo" });
      await click(page, { id: "todo:subject" });
      await page.keyboard.type("Встреча в офисе", { delay: 5 });
      const field = await find(page, { id: "todo:deadline" });
      assertEq(field.role, "combobox", "the deadline is a date picker");
      assert(/^\d\d\.\d\d\.\d{4} 10:00$/.test(field.value), "tomorrow at 10:00 by default, as Russians write it: " + field.value);
      await click(page, { id: "todo:deadline" });
      await find(page, { id: "todo:deadline:calendar", role: "dialog" });
      await showMonth(page, "todo:deadline", "Декабрь 2026", 2026, 12);
      await click(page, { role: "button", name: "24 декабря 2026" });
      await click(page, { id: "todo:deadline:hour" });
      await click(page, { id: "todo:deadline:hour:15" });
      await click(page, { id: "todo:deadline:minute" });
      await click(page, { id: "todo:deadline:minute:30" });
      assertEq((await find(page, { id: "todo:deadline:text" })).value, "24.12.2026 15:30", "the calendar's text follows the picks");
      await page.screenshot({ path: path.join(resultsDir, "dates-todo-calendar.png") });
      await click(page, { id: "todo:deadline:done" });
      assertEq((await find(page, { id: "todo:deadline" })).value, "24.12.2026 15:30", "the dialog shows the deadline picked");
      await page.screenshot({ path: path.join(resultsDir, "dates-todo-dialog.png") });
      await click(page, { id: "todo:save" });

      const s = await state(page);
      const todo = s.card.todos.find((t) => t.subject === "Встреча в офисе");
      assert(todo, "the to-do is planned");
      const expected = await page.evaluate(() => new Date(2026, 11, 24, 15, 30).getTime());
      assertEq(todo.deadline, expected, "the deadline is 24 December 2026 15:30 local time");
      const row = await find(page, { id: "todo:" + todo.id });
      assert(row.value.startsWith("24.12.2026 15:30"), "the planned to-do reads 24.12.2026 15:30: " + row.value);

      // Editing it opens the dialog with the same text, never ISO.
      await click(page, { id: "todo:open:" + todo.id });
      assertEq((await find(page, { id: "todo:deadline" })).value, "24.12.2026 15:30", "the edit dialog shows it the same way");
      await context.close();
    },
  },
  {
    name: "a bad typed date is refused inline in the calendar and changes nothing; a good one is taken",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const before = await state(page);
      const sem = await openCalendar(page, id, "CLOSEDATE");
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-bridge", null, { timeout: 5000 });
      await page.keyboard.press("Control+A");
      await page.keyboard.type("31.02.2026", { delay: 5 });
      await page.keyboard.press("Enter");
      await frames(page, 3);
      let s = await state(page);
      assert(s.editing && /дату/.test(s.editing.error), "an inline error says what is expected: " + JSON.stringify(s.editing));
      await find(page, { role: "alert", name: s.editing.error });
      const box = await find(page, { id: `${sem}:text` });
      assert(box.invalid && box.description === s.editing.error, "the text box is marked invalid and described by the error");
      await find(page, { id: `${sem}:calendar` });
      assertEq(s.card.fields.CLOSEDATE.value, before.card.fields.CLOSEDATE.value, "value unchanged");
      assertEq(s.journal.appended, before.journal.appended, "nothing journaled");
      await page.screenshot({ path: path.join(resultsDir, "dates-invalid.png") });

      // A click elsewhere does not lose it: the calendar stays with its error.
      await click(page, { id: `field:${id}:TITLE` });
      await frames(page, 3);
      s = await state(page);
      assertEq(s.editing && s.editing.field, "CLOSEDATE", "the erroneous editor keeps the focus");
      await find(page, { id: `${sem}:calendar` });

      // Typed in the language's format, a date is taken.
      await click(page, { id: `${sem}:text` });
      await page.keyboard.press("Control+A");
      await page.keyboard.type("05.03.2027", { delay: 5 });
      await page.keyboard.press("Enter");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.editing, null, "a good date closes the calendar");
      assertEq([s.card.fields.CLOSEDATE.value, s.card.fields.CLOSEDATE.text], ["2027-03-05", "05.03.2027"], "the typed date is saved");

      // Esc cancels.
      await openCalendar(page, id, "CLOSEDATE");
      await click(page, { role: "button", name: "1 марта 2027" });
      s = await state(page);
      assertEq(s.card.fields.CLOSEDATE.value, "2027-03-01", "a day click saves");
      await openCalendar(page, id, "CLOSEDATE");
      await page.keyboard.press("Escape");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.editing, null, "Esc closed the calendar");
      assertEq(s.card.fields.CLOSEDATE.value, "2027-03-01", "Esc changed nothing");
      await context.close();
    },
  },
  {
    name: "the list's date filter is picked in calendars; in English the week starts on Sunday and dates read Dec 24, 2026",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await page.goto(url + "#/list/deal");
      await waitForApp(page);
      const total = Number((await find(page, { id: "list:count" })).name);
      await click(page, { id: "list:filter" });
      await click(page, { id: "filter:date_from" });
      await find(page, { id: "filter:date_from:calendar", role: "dialog" });
      await page.screenshot({ path: path.join(resultsDir, "dates-filter.png") });
      await click(page, { id: "filter:date_from:today" });
      const from = (await find(page, { id: "filter:date_from" })).value;
      assert(/^\d\d\.\d\d\.\d{4}$/.test(from), "the filter's date reads dd.mm.yyyy: " + from);
      await click(page, { id: "filter:dates" });
      await frames(page, 2);
      const chip = await find(page, { id: "filter:chip:0" });
      assert(chip.name.includes(from + " – …"), "the filter chip names the range: " + chip.name);
      assert(Number((await find(page, { id: "list:count" })).name) <= total, "the list is filtered");
      await click(page, { id: "filter:close" });

      // English: Sunday first, days named as read, the value as Dec 24, 2026.
      await click(page, { id: "lang:en" });
      await frames(page, 2);
      await page.goto(url + "#/item/D1");
      await waitForApp(page);
      const sem = await openCalendar(page, "D1", "CLOSEDATE");
      await showMonthEn(page, sem, "December 2026");
      const days = (await findAll(page, { role: "button" })).filter((n) => n.id.startsWith(`${sem}:day:`));
      assertEq(days[0].name, "November 29, 2026", "the page starts on Sunday 29 November");
      await page.screenshot({ path: path.join(resultsDir, "dates-calendar-en.png") });
      await click(page, { role: "button", name: "December 24, 2026" });
      const s = await state(page);
      assertEq([s.card.fields.CLOSEDATE.value, s.card.fields.CLOSEDATE.text], ["2026-12-24", "Dec 24, 2026"], "picked and shown the English way");
      await openCalendar(page, "D1", "CLOSEDATE");
      assertEq((await find(page, { id: `${sem}:text` })).value, "Dec 24, 2026", "the text box holds it the English way too");
      await context.close();
    },
  },
];

async function showMonthEn(page, sem, title) {
  for (let i = 0; i < 36 && (await find(page, { id: `${sem}:month` })).name !== title; i++) {
    const shown = (await find(page, { id: `${sem}:month` })).name;
    const at = new Date(shown + " 1").getTime(), want = new Date(title + " 1").getTime();
    await click(page, { id: `${sem}:${at < want ? "next" : "prev"}` });
  }
  assertEq((await find(page, { id: `${sem}:month` })).name, title, "the calendar shows the month");
}
