// Data in and out (issue 8) through the real page: a CSV imported through the browser's file picker (mapping,
// rejected rows, duplicates, confirmation), a list exported as CSV, a backup restored into a fresh profile.
import path from "node:path";
import { readFile } from "node:fs/promises";
import { newPage, waitForApp, state, find, findAll, click, frames, waitSaved, scrollTo, assert, assertEq } from "./browser.mjs";
import { openItem, replaceText, choose } from "./web_support.mjs";

async function open(page, url, route) {
  await page.goto(url + route);
  await waitForApp(page);
}

async function listCount(page) {
  return Number((await find(page, { id: "list:count" })).name);
}

// Clicks `query` and hands `file` ({name, mimeType, buffer}) to the file picker it opens.
async function pickFile(page, query, file) {
  const chooser = page.waitForEvent("filechooser", { timeout: 10000 });
  await click(page, query);
  await (await chooser).setFiles(file);
  await frames(page, 4);
}

// Clicks `query` and returns the text of the download it starts.
async function download(page, query) {
  const started = page.waitForEvent("download", { timeout: 10000 });
  await click(page, query);
  const d = await started;
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

// A contact table as LibreOffice Calc saves it: BOM, semicolons, a date that does not exist, a duplicate of
// a demo contact (Орлова, +7 912 555-10-01) and a note column the importer cannot place by itself.
const CONTACTS_CSV =
  "\ufeffФамилия;Имя;Телефон;E-mail;Дата рождения;Заметка\r\n" +
  "Тестов;Пётр;+7 900 100-00-01;petr@test.example;01.02.1990;\"Первая строка\r\nвторая; с точкой с запятой\"\r\n" +
  "Проверкина;Анна;+7 900 100-00-02;anna@test.example;31.02.1990;\r\n" +
  "Импортов;Иван;+7 900 100-00-03;ivan@test.example;1985-05-05;Из таблицы\r\n" +
  "Орлова;Екатерина;8 (912) 555-10-01;;;\r\n";

async function importContacts(page, url) {
  await open(page, url, "#/list/contact");
  const before = await listCount(page);
  await click(page, { id: "list:dataio" });
  await click(page, { id: "dataio:import" });
  await find(page, { role: "dialog", name: "Импорт данных" });
  await pickFile(page, { id: "import:pick" }, { name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from(CONTACTS_CSV, "utf8") });
  const info = await find(page, { id: "import:fileinfo" });
  assert(/UTF-8 \(BOM\)/.test(info.name) && /;/.test(info.name), "encoding and delimiter detected: " + info.name);
  assertEq((await find(page, { id: "import:map:0" })).value, "Фамилия", "surname mapped by its heading");
  assertEq((await find(page, { id: "import:map:4" })).value, "Дата рождения", "birthday mapped");
  assertEq((await find(page, { id: "import:preview:0:0" })).name, "Тестов", "preview of the first row");
  // The note column: mapped by hand to the comment field.
  const combo = await click(page, { id: "import:map:5" });
  await scrollTo(page, { role: "option", name: "Комментарий" }, { x: combo.x + combo.w / 2, y: combo.y + combo.h + 80 });
  await click(page, { role: "option", name: "Комментарий" });
  assertEq((await find(page, { id: "import:map:5" })).value, "Комментарий", "note column mapped by hand");
  await click(page, { id: "import:check" });
  const summary = await find(page, { id: "import:summary" }, { timeout: 10000 });
  assertEq(summary.value, "3", "three rows can be imported");
  assertEq((await find(page, { id: "import:rejected" })).value, "1", "one row rejected");
  const rejection = await find(page, { role: "row", name: /^Строка 2: Дата рождения: / });
  assertEq(rejection.value, "invalid_date", "rejected for its date");
  assertEq((await find(page, { id: "import:duplicates" })).value, "1", "Орлова is a duplicate by phone");
  let s = await state(page);
  const items = s.items;
  await click(page, { id: "import:dup:skip" });
  await click(page, { id: "import:confirm" });
  await find(page, { id: "import:done" }, { timeout: 10000 });
  s = await state(page);
  assertEq(s.items, items + 2, "two contacts created after confirming (nothing before)");
  await click(page, { id: "import:show" });
  await frames(page, 3);
  assertEq(await listCount(page), before + 2, "the list shows them");
  return before;
}

export const tests = [
  {
    name: "a CSV dropped on the page opens the import with the file read and mapped",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/contact");
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "dropped.csv", { type: "text/csv" }));
        const canvas = document.querySelector("canvas");
        canvas.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        canvas.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, CONTACTS_CSV);
      await find(page, { role: "dialog", name: "Импорт данных" });
      const info = await find(page, { id: "import:fileinfo" });
      assert(/dropped\.csv/.test(info.name) && /UTF-8 \(BOM\)/.test(info.name), "the dropped file is read: " + info.name);
      assertEq((await find(page, { id: "import:map:0" })).value, "Фамилия", "and mapped by its headings");
      await context.close();
    },
  },
  {
    name: "import a CSV through the file picker: mapping, rejected rows, duplicates, confirm, find the items",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await importContacts(page, url);
      await click(page, { id: "list:search" });
      await page.keyboard.type("ivan", { delay: 5 });
      await frames(page, 3);
      assertEq(await listCount(page), 1, "found by e-mail");
      await click(page, { role: "row", name: "Импортов Иван" });
      await frames(page, 3);
      const s = await state(page);
      assert(s.card && s.card.title === "Импортов Иван", "the imported contact opens: " + JSON.stringify(s.card && s.card.title));
      assertEq(s.card.fields.BIRTHDATE.value, "1985-05-05", "ISO date read");
      assertEq(s.card.fields.COMMENTS.value, "Из таблицы", "mapped note");
      assert(s.card.timeline.some((e) => e.kind === "created"), "created like any item, with history");
      await page.screenshot({ path: path.join(resultsDir, "import-card.png") });
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.title, "Импортов Иван", "kept after reload");
      assert(page.errors.length === 0, "no page errors: " + page.errors.join("; "));
      await context.close();
    },
  },
  {
    // The journal of a start that replays more than a thousand records is compacted into the stored base
    // (src/app/app.cpp), which holds the page's thread for a moment: it waits for a pause in the person's input.
    name: "a big import is compacted into the base at the next start, only in a pause of input, and read back from it",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/contact");
      const before = await listCount(page);
      const rows = 1100;
      let csv = "Фамилия;Имя;Телефон\r\n";
      for (let i = 0; i < rows; i++) csv += `Сжатов${i};Пётр;+7 901 ${String(i).padStart(7, "0")}\r\n`;
      await click(page, { id: "list:dataio" });
      await click(page, { id: "dataio:import" });
      await pickFile(page, { id: "import:pick" }, { name: "many.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
      await click(page, { id: "import:check" });
      assertEq((await find(page, { id: "import:summary" }, { timeout: 20000 })).value, String(rows), "every row can be imported");
      await click(page, { id: "import:confirm" });
      await find(page, { id: "import:done" }, { timeout: 20000 });
      await waitSaved(page);
      const journal = () => page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_debug_json())).journal);

      // The person moves the mouse over the page from before the reload on, every 100 ms, for 4 s after it.
      let moving = true, lastMove = 0;
      const mover = (async () => {
        for (let i = 0; moving; i++) {
          await page.mouse.move(200 + (i % 20) * 10, 300).catch(() => {});
          lastMove = Date.now();
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      await page.reload();
      await waitForApp(page);
      await page.waitForTimeout(4000);
      let j = await journal();
      assert(j.loaded >= rows, "the start replayed the import's records: " + JSON.stringify(j));
      assertEq(j.compactions, 0, "no compaction while the person moves the mouse");
      moving = false;
      await mover;
      const stopped = lastMove;
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_debug_json())).journal.compactions > 0,
        null, { timeout: 15000, polling: 50 });
      const after = Date.now() - stopped;
      assert(after >= 1900, `compacted ${after} ms after the last move: not before a pause of 2 s`);
      await page.waitForFunction(() => !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 10000 });

      await page.reload();
      await waitForApp(page);
      j = await journal();
      assert(j.loaded < 1000, "the next start decodes the base and replays little: " + JSON.stringify(j));
      assertEq(await listCount(page), before + rows, "every imported contact is there");
      await click(page, { id: "list:search" });
      await page.keyboard.type("Сжатов1099", { delay: 5 });
      await frames(page, 3);
      assertEq(await listCount(page), 1, "the last one is found");
      assert(page.errors.length === 0, "no page errors: " + page.errors.join("; "));
      await context.close();
    },
  },
  {
    name: "import: the delimiter re-reads the file, Остановить ends a long check, Другой файл, Назад к колонкам, and Отменить импорт takes back what it made (after a reload too)",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/contact");
      const before = await listCount(page);
      const items = (await state(page)).items;
      // A big comma-separated file: read with commas, then as one column with semicolons, then back.
      let big = "Фамилия,Имя,Телефон\r\n";
      for (let i = 0; i < 60000; i++) big += `Долгов${i},Пётр,+7 903 ${String(i).padStart(7, "0")}\r\n`;
      await click(page, { id: "list:dataio" });
      await click(page, { id: "dataio:import" });
      await pickFile(page, { id: "import:pick" }, { name: "big.csv", mimeType: "text/csv", buffer: Buffer.from(big, "utf8") });
      assertEq((await find(page, { id: "import:delimiter" })).value, "Запятая", "the comma is found");
      await choose(page, "import:delimiter", "Точка с запятой");
      assertEq((await find(page, { id: "import:col:0" })).name, "Фамилия,Имя,Телефон", "read with semicolons: one column");
      assertEq((await findAll(page, { id: "import:col:1" })).length, 0, "and no second");
      await choose(page, "import:delimiter", "Запятая");
      assertEq([(await find(page, { id: "import:map:0" })).value, (await find(page, { id: "import:map:2" })).value],
        ["Фамилия", "Телефон"], "three columns again, mapped by their headings");
      // Остановить while the rows are checked: back at the columns, nothing made.
      await click(page, { id: "import:check" });
      await find(page, { id: "import:progress" });
      await click(page, { id: "import:stop" });
      await find(page, { id: "import:check" });
      assertEq((await findAll(page, { id: "import:summary" })).length, 0, "no summary: the check stopped");
      assertEq((await state(page)).items, items, "nothing imported");

      // Другой файл: a small one; checked, then Назад к колонкам to leave its phone column out.
      await click(page, { id: "import:back" });
      const small = "Фамилия;Имя;Телефон\r\nОтменов;Олег;+7 904 000-00-01\r\nОтменова;Ольга;+7 904 000-00-02\r\n";
      await pickFile(page, { id: "import:pick" }, { name: "small.csv", mimeType: "text/csv", buffer: Buffer.from(small, "utf8") });
      assertEq((await find(page, { id: "import:col:0" })).name, "Фамилия", "the other file is read");
      await click(page, { id: "import:check" });
      assertEq((await find(page, { id: "import:summary" }, { timeout: 10000 })).value, "2", "two rows");
      await click(page, { id: "import:remap" });
      await choose(page, "import:map:2", "— не импортировать —");
      await click(page, { id: "import:check" });
      assertEq((await find(page, { id: "import:summary" }, { timeout: 10000 })).value, "2", "two rows again");
      await click(page, { id: "import:confirm" });
      await find(page, { id: "import:done" }, { timeout: 10000 });
      let s = await state(page);
      assertEq(s.items, items + 2, "two contacts made");
      // Отменить импорт: both go to the recycle bin; the dialog says so.
      await click(page, { id: "import:undo" });
      const done = await find(page, { id: "import:done", name: /^Импорт отменён/ });
      await page.screenshot({ path: path.join(resultsDir, "import-undone.png") });
      assertEq((await findAll(page, { id: "import:undo" })).length, 0, "undone once: the button is gone");
      await click(page, { id: "import:cancel" });
      assertEq(await listCount(page), before, "the list is as before: " + done.name);
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      assertEq(await listCount(page), before, "and after a reload");
      await open(page, url, "#/bin");
      await find(page, { role: "cell", name: "Отменов Олег" });
      await find(page, { role: "cell", name: "Отменова Ольга" });
      assert(page.errors.length === 0, "no page errors: " + page.errors.join("; "));
      await context.close();
    },
  },
  {
    name: "export a list as CSV: BOM, semicolons, the visible columns and the current filter",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/deal");
      const total = await listCount(page);
      await click(page, { id: "list:dataio" });
      let file = await download(page, { id: "dataio:csv" });
      assert(/^deal-\d{4}-\d{2}-\d{2}\.csv$/.test(file.name), "file name " + file.name);
      let text = file.bytes.toString("utf8");
      assert(text.startsWith("\ufeff"), "UTF-8 with a BOM for Excel");
      let lines = text.slice(1).split("\r\n").filter((l) => l.length > 0);
      const header = lines[0].split(";");
      assertEq(header[0], "Название", "first column: the name");
      assert(header.includes("Стадия") && header.some((h) => /^Сумма/.test(h)), "visible columns: " + header.join("|"));
      // Quoted multi-line values aside, one line per deal here (demo titles have no line breaks).
      assertEq(lines.length - 1, total, "every deal of the list");
      // Filtered by a search: only what the list shows.
      await click(page, { id: "list:search" });
      await page.keyboard.type("server", { delay: 5 });
      await frames(page, 3);
      const shown = await listCount(page);
      await click(page, { id: "list:dataio" });
      file = await download(page, { id: "dataio:csv" });
      lines = file.bytes.toString("utf8").slice(1).split("\r\n").filter((l) => l.length > 0);
      assertEq(lines.length - 1, shown, "only the rows of the current filter");
      await context.close();
    },
  },
  {
    name: "export contacts as vCard 3.0 and 4.0 (one card per contact of the list) and the deals' open to-dos as an iCalendar file",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/contact");
      const total = await listCount(page);
      for (const [id, version] of [["dataio:vcard3", "3.0"], ["dataio:vcard4", "4.0"]]) {
        await click(page, { id: "list:dataio" });
        const file = await download(page, { id });
        assert(/^contacts-\d{4}-\d{2}-\d{2}\.vcf$/.test(file.name), "file name " + file.name);
        const text = file.bytes.toString("utf8");
        const cards = text.split("BEGIN:VCARD").length - 1;
        assertEq(cards, total, `vCard ${version}: one card per contact of the list`);
        assertEq(text.split("END:VCARD").length - 1, total, "each card closed");
        assert(text.includes("VERSION:" + version + "\r\n"), "the version asked for, lines ending in CRLF");
        assert(/N:Орлова;Екатерина/.test(text) && text.includes("+7 912 555-10-01") && text.includes("orlova@sever-veter.ru"),
          "a demo contact's name (Cyrillic), phone and e-mail");
      }

      // A to-do planned on a deal goes to the calendar file of the deals' list.
      await openItem(page, url, "D2");
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Созвониться с закупками");
      await scrollTo(page, { id: "todo:save" }, { x: 950, y: 500 });
      await click(page, { id: "todo:save" });
      await waitSaved(page);
      await open(page, url, "#/list/deal");
      await click(page, { id: "list:dataio" });
      const ics = await find(page, { id: "dataio:ics" });
      assert(/\d/.test(ics.name), "the menu says how many to-dos go: " + ics.name);
      const file = await download(page, { id: "dataio:ics" });
      assert(/^deal-todos-\d{4}-\d{2}-\d{2}\.ics$/.test(file.name), "file name " + file.name);
      const text = file.bytes.toString("utf8");
      assert(text.startsWith("BEGIN:VCALENDAR\r\n") && text.trimEnd().endsWith("END:VCALENDAR"), "one calendar");
      assert(text.includes("SUMMARY:Созвониться с закупками"), "the to-do planned, by its subject");
      await context.close();
    },
  },
  {
    name: "backup in one profile, restore into a fresh one after a dry run; a foreign file is refused",
    async fn({ browser, url, resultsDir }) {
      const a = await newPage(browser);
      await importContacts(a.page, url);
      const original = await state(a.page);
      await open(a.page, url, "#/settings/data");
      const backup = await download(a.page, { id: "backup:download" });
      assert(/^kartoteka-backup-.*\.json$/.test(backup.name), "backup name " + backup.name);
      const json = JSON.parse(backup.bytes.toString("utf8"));
      assertEq(json.format, "kartoteka-backup", "format marker");
      await a.context.close();

      const b = await newPage(browser);
      const page = b.page;
      await open(page, url, "#/settings/data");
      const fresh = await state(page);
      const fresh_contacts = await (async () => {
        await open(page, url, "#/list/contact");
        const n = await listCount(page);
        await open(page, url, "#/settings/data");
        return n;
      })();
      assert(fresh.items === original.items - 2, "the fresh profile has only the demo data");
      await pickFile(page, { id: "restore:pick" }, { name: "other.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
      const err = await find(page, { id: "restore:error" });
      assert(/не резервная копия/.test(err.name), "foreign file refused: " + err.name);
      assertEq((await state(page)).items, fresh.items, "nothing changed");
      await pickFile(page, { id: "restore:pick" }, { name: backup.name, mimeType: "application/json", buffer: backup.bytes });
      const report = await find(page, { id: "restore:report" });
      assertEq(Number(report.value), original.items, "the dry run reports every item");
      assertEq(Number((await find(page, { id: "restore:counts:contact" })).value), fresh_contacts + 2, "contacts counted");
      await page.screenshot({ path: path.join(resultsDir, "restore-dry-run.png") });
      assertEq((await state(page)).items, fresh.items, "the dry run changes nothing");
      // The press reloads the page into the restored workspace (at once, once the write is durable): no frames
      // to wait for after the release.
      await click(page, { id: "restore:confirm" }, { navigates: true });
      // The page reloads into the restored workspace (slow on a loaded 2-core machine: allow a minute).
      const deadline = Date.now() + 60000;
      let s = null;
      while (Date.now() < deadline) {
        try {
          await waitForApp(page);
          s = await state(page);
          if (s.items === original.items) break;
        } catch { /* reloading */ }
        await page.waitForTimeout(200);
      }
      assert(s && s.items === original.items, "restored: " + (s && s.items));
      await open(page, url, "#/list/contact");
      await click(page, { id: "list:search" });
      await page.keyboard.type("ivan", { delay: 5 });
      await frames(page, 3);
      assertEq(await listCount(page), 1, "the imported contact came with the backup");
      // Edits after the restore are kept over it.
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).items, original.items, "still restored after another reload");
      await b.context.close();
    },
  },
];
