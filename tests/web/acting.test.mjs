// Acting from the card (issue 7): to-dos, logging a call, converting a lead, products, documents — through
// the real UI, each surviving a reload.
import path from "node:path";
import { newPage, waitForApp, state, find, findAll, click, frames, scrollTo, semantics, waitSaved, assert, assertEq } from "./browser.mjs";
import { addFirstProductRow, addTextField, open, openItem, replaceText, download, pollPage, waitSemantics, choose } from "./web_support.mjs";


async function reload(page) {
  await waitSaved(page);
  await page.reload();
  await waitForApp(page);
  return state(page);
}

export const tests = [
  {
    name: "a to-do planned while the card is open reminds at its time: one toast, for the reminder due, not for the one past",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      // Ten minutes ahead, on the minute (a deadline is typed to the minute), reminded at the deadline and,
      // by default, 15 minutes before it: that one lies in the past already and never comes.
      const deadline = await page.evaluate(() => { const d = new Date(Date.now() + 10 * 60000); d.setSeconds(0, 0); return d.getTime(); });
      const typed = await page.evaluate((t) => {
        const d = new Date(t), p = (n) => String(n).padStart(2, "0");
        return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
      }, deadline);
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Напомнить о договоре");
      await replaceText(page, { id: "todo:deadline" }, typed);
      await page.keyboard.press("Enter");
      await frames(page, 2);
      await click(page, { id: "todo:remind:0" });
      await click(page, { id: "todo:save" });
      const todo = (await state(page)).card.todos.find((t) => t.subject === "Напомнить о договоре");
      assertEq([todo.deadline, todo.reminders], [deadline, [0, 15]], "planned for the deadline typed, reminded at it and 15 minutes before");
      const reminders = (nodes) => nodes.filter((n) => n.id.startsWith("toast:") && n.name.includes("Напомнить о договоре"));
      await page.waitForTimeout(1200);  // a scan after the change (at most one a second) finds nothing due
      await page.mouse.move(400, 300);
      await frames(page, 3);
      assertEq(reminders(await semantics(page)).length, 0, "no reminder before its time");
      // The deadline comes (the page's clock moved on; the app looks at it in the next frame).
      await page.clock.setSystemTime(deadline + 2000);
      await page.mouse.move(420, 320);
      const shown = reminders(await waitSemantics(page, (ns) => reminders(ns).length > 0, "the reminder's toast"));
      assertEq(shown.length, 1, "one toast: the reminder at the deadline, not the one 15 minutes before it");
      assert(shown[0].name.includes(typed.slice(0, 5)), "the toast names the deadline: " + shown[0].name);
      await context.close();
    },
  },
  {
    name: "a to-do's description and colour are kept; opening it edits it; Удалить дело removes it, for good after a reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Подготовить спецификацию");
      // In the composer the rarer fields wait behind "+ Описание, цвет, …".
      if (!(await findAll(page, { id: "todo:description" })).length) await click(page, { id: "todo:more" });
      await replaceText(page, { id: "todo:description" }, "Серверы, стойки, ИБП — по списку клиента");
      await choose(page, "todo:color", "Зелёный");
      await scrollTo(page, { id: "todo:save" }, { x: 950, y: 500 });
      await click(page, { id: "todo:save" });
      await waitSaved(page);
      let todo = (await state(page)).card.todos.find((t) => t.subject === "Подготовить спецификацию");
      assert(todo, "planned");

      // Opened from the planned block: the form reads back what was written; the subject is changed.
      const reopen = async () => {
        await scrollTo(page, { id: "todo:open:" + todo.id }, { x: 950, y: 500 });
        await click(page, { id: "todo:open:" + todo.id });
        await find(page, { role: "dialog", name: "Дело" });
      };
      await reopen();
      assertEq((await find(page, { id: "todo:description" })).value, "Серверы, стойки, ИБП — по списку клиента", "the description");
      assertEq((await find(page, { id: "todo:color" })).value, "Зелёный", "the colour");
      await replaceText(page, { id: "todo:subject" }, "Подготовить спецификацию и КП");
      await click(page, { id: "todo:save" });
      await waitSaved(page);
      todo = (await state(page)).card.todos.find((t) => t.id === todo.id);
      assertEq(todo.subject, "Подготовить спецификацию и КП", "edited in place, the same to-do");

      // Удалить дело: gone from the card, and after a reload.
      await reopen();
      await click(page, { id: "todo:delete" });
      await waitSaved(page);
      assertEq((await findAll(page, { role: "dialog" })).length, 0, "the dialog closed");
      assertEq((await findAll(page, { id: "todo:" + todo.id })).length, 0, "the to-do left the planned block");
      const s = await reload(page);
      assert(!s.card.todos.some((t) => t.id === todo.id), "deleted for good: " + JSON.stringify(s.card.todos.map((t) => t.subject)));
      await context.close();
    },
  },
  {
    name: "schedule a to-do with a reminder, see it planned and overdue-aware, postpone it, complete it; it survives a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const before = (await state(page)).card.todos.length;
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Перезвонить по договору");
      // Typed into the calendar's text box (in the past: overdue); Enter takes it and closes the calendar.
      await replaceText(page, { id: "todo:deadline" }, "01.01.2020 10:00");
      await page.keyboard.press("Enter");
      await frames(page, 2);
      assertEq((await find(page, { id: "todo:deadline" })).value, "01.01.2020 10:00", "the deadline typed");
      await click(page, { id: "todo:remind:60" });
      await click(page, { id: "todo:save" });
      let s = await state(page);
      assertEq(s.card.todos.length, before + 1, "one more to-do");
      const todo = s.card.todos.find((t) => t.subject === "Перезвонить по договору");
      assert(todo && !todo.completed, "the to-do is open");
      assertEq(todo.reminders, [15, 60], "reminders: the default 15 minutes and the hour picked");
      const row = await find(page, { id: "todo:" + todo.id });
      assertEq(row.description, "overdue", "a to-do past its deadline is marked overdue");
      assert(s.card.timeline.some((e) => e.kind === "todo_planned" && e.detail.includes("Перезвонить")), "the timeline says it was planned");
      await page.screenshot({ path: path.join(resultsDir, "todo-planned.png") });

      // Postpone by a day: from now, since it is overdue; then it is no longer overdue.
      await click(page, { id: "todo:postpone:" + todo.id });
      await click(page, { id: "postpone:todo.plus_day" });
      s = await state(page);
      const moved = s.card.todos.find((t) => t.id === todo.id);
      assert(moved.deadline > Date.now() + 20 * 3600 * 1000, "postponed to about a day from now: " + moved.deadline);
      assertEq((await find(page, { id: "todo:" + todo.id })).description || "", "", "no longer overdue");

      s = await reload(page);
      assert(s.card.todos.some((t) => t.id === todo.id && !t.completed), "the planned to-do survives a reload");
      await click(page, { id: "todo:done:" + todo.id });
      s = await state(page);
      assert(s.card.todos.find((t) => t.id === todo.id).completed, "completed");
      assert(s.card.timeline.some((e) => e.kind === "todo_completed"), "the timeline records completion");
      assertEq((await findAll(page, { id: "todo:" + todo.id })).length, 0, "a done to-do leaves the planned block");
      s = await reload(page);
      assert(s.card.todos.find((t) => t.id === todo.id).completed, "completion survives a reload");
      await context.close();
    },
  },
  {
    name: "log a call from the client block: the phone app is offered the number, the outcome goes to the timeline",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const calls = await findAll(page, { role: "link", name: "Позвонить" });
      assert(calls.length > 0, "the client block offers calls");
      await click(page, { id: calls[0].id });
      const opened = await page.evaluate(() => Module.ktHandOff.opened[0].href);
      assert(/^tel:\+?\d{10,}$/.test(opened), "a tel: link with the number: " + opened);
      await find(page, { id: "comm:outcome" });
      await replaceText(page, { id: "comm:duration" }, "3:25");
      await replaceText(page, { id: "comm:note" }, "Договорились о встрече");
      await page.screenshot({ path: path.join(resultsDir, "call-log.png") });
      await click(page, { id: "comm:save" });
      let s = await state(page);
      const entry = s.card.timeline.find((e) => e.kind === "communication");
      assert(entry, "a communication entry");
      assertEq(entry.title, "Звонок (исходящий)", "its title");
      assert(entry.detail.includes("3:25") && entry.detail.includes("Договорились о встрече") && entry.detail.includes("Состоялся разговор"),
        "duration, outcome and note: " + entry.detail);

      // A bad duration is refused inline and logs nothing.
      await click(page, { id: calls[0].id });
      await replaceText(page, { id: "comm:duration" }, "три минуты");
      await click(page, { id: "comm:save" });
      await find(page, { id: "comm:error" });
      await click(page, { id: "comm:cancel" });
      s = await reload(page);
      assertEq(s.card.timeline.filter((e) => e.kind === "communication").length, 1, "one call logged, kept after a reload");
      await context.close();
    },
  },
  {
    name: "convert a lead into deal + contact + company, then follow the links both ways",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "L1");
      await click(page, { id: "action:convert" });
      await find(page, { id: "convert:scheme" });
      await page.screenshot({ path: path.join(resultsDir, "convert-dialog.png") });
      await click(page, { id: "convert:go" });
      await frames(page, 4);
      let s = await state(page);
      assertEq([s.screen, s.card.entity], ["card", "deal"], "the new deal opens");
      assertEq(s.card.title, "Заявка с сайта: складской учёт", "the deal takes the lead's title");
      assert(s.card.timeline.some((e) => e.kind === "conversion" && e.title.includes("Заявка с сайта")), "the deal's timeline names the lead");
      const deal = s.card.id;
      assertEq(s.card.fields.LEAD_ID.value, "L1", "the deal links back to the lead");
      const client = s.card.fields.CLIENT.value;
      assertEq(client.length, 2, "company and contact are the deal's client");

      // The links tab of the deal: the lead, the company and the contact.
      await click(page, { id: "tab:links" });
      await find(page, { id: "link:L1" });
      await find(page, { id: "link:" + client[0] });
      await page.screenshot({ path: path.join(resultsDir, "convert-links.png") });
      await click(page, { id: "link:L1" });
      s = await state(page);
      assertEq([s.card.id, s.card.fields.STAGE_ID.value], ["L1", "CONVERTED"], "the lead stands on its success stage");
      assert(s.card.timeline.some((e) => e.kind === "conversion" && e.detail.includes("Сделка")), "the lead's timeline lists what was made");
      // From the lead, its links lead to the new items too (incoming: the deal names the lead).
      await click(page, { id: "tab:links" });
      await click(page, { id: "link:" + deal });
      s = await state(page);
      assertEq(s.card.id, deal, "back on the deal through the lead's links");
      s = await reload(page);
      assertEq(s.card.fields.LEAD_ID.value, "L1", "all of it survives a reload");
      // A converted lead cannot be converted again.
      await openItem(page, url, "L1");
      assertEq((await findAll(page, { id: "action:convert" })).length, 1, "the button is there");
      await click(page, { id: "action:convert" });
      await find(page, { id: "convert:refused" });
      await context.close();
    },
  },
  {
    name: "add product rows to a deal (the amount follows), then generate an invoice, store it and download it",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await addFirstProductRow(page, "Лицензия CRM", "12000", "5");
      let s = await state(page);
      assertEq(s.card.products, 1, "one product row");
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 6000000, c: "RUB" }, "the amount is the products' total");
      // A second row, then its ✕ (read as "Удалить строку") takes it away again before saving.
      await click(page, { id: "prod:add" });
      const removes = await findAll(page, { role: "button", name: "Удалить строку" });
      assertEq(removes.length, 2, "a ✕ per row");
      await click(page, { id: removes[1].id });
      assertEq((await findAll(page, { id: "prod:1:name" })).length, 0, "the second row is gone");
      await click(page, { id: "prod:save" });
      assertEq((await state(page)).card.products, 1, "still one row");
      await page.screenshot({ path: path.join(resultsDir, "products.png") });

      await click(page, { id: "tab:main" });
      await click(page, { id: "action:document" });
      await find(page, { id: "doc:preview" });
      await page.screenshot({ path: path.join(resultsDir, "document-preview.png") });
      const title = (await find(page, { id: "doc:preview-title" })).name;
      assert(title.startsWith("Счёт на оплату"), "the invoice template is the first offered: " + title);
      const file = await download(page, { id: "doc:save" });
      assert(file.name.endsWith(".html"), "an HTML page: " + file.name);
      assert(file.text.includes("Лицензия CRM") && file.text.includes("Шестьдесят тысяч рублей"), "products and the amount in words are in the page");
      s = await state(page);
      assertEq(s.card.documents.length, 1, "the document is stored on the deal");
      assert(s.card.timeline.some((e) => e.kind === "document" && e.detail === s.card.documents[0].title), "the timeline records it");
      s = await reload(page);
      assertEq(s.card.documents.length, 1, "it survives a reload");
      // The next invoice takes the next number.
      await click(page, { id: "action:document" });
      const next = (await find(page, { id: "doc:preview-title" })).name;
      assert(next !== title, "a new number: " + next + " after " + title);
      await context.close();
    },
  },
  {
    name: "the document dialog shows the real page in a frame over the dialog; 'Сохранить и печатать' stores it and prints it",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await click(page, { id: "action:document" });
      const title = (await find(page, { id: "doc:preview-title" })).name;
      // The page itself, laid out by the browser: a sandboxed frame with the document, inside the dialog.
      const frame = page.locator("iframe#kt-page");
      await frame.waitFor({ state: "visible" });
      const box = await frame.boundingBox();
      const dialog = await find(page, { role: "dialog" });
      assert(box.width > 400 && box.height > 200, "a readable page: " + JSON.stringify(box));
      assert(box.x >= dialog.x && box.x + box.width <= dialog.x + dialog.w && box.y >= dialog.y && box.y + box.height <= dialog.y + dialog.h,
        "the page lies inside the dialog: " + JSON.stringify([box, dialog]));
      assertEq(await frame.getAttribute("sandbox"), "allow-modals allow-same-origin", "scripts never run in it");
      const doc = page.frameLocator("iframe#kt-page");
      const heading = await doc.locator("h1").first().innerText();
      assert(heading.startsWith(title), `its heading is the document's title: "${heading}"`);
      assert(/Итого|Всего/.test(await doc.locator("body").innerText()), "with its totals");
      await page.screenshot({ path: path.join(resultsDir, "document-page.png") });
      // The template list opens over the page: the frame steps aside meanwhile.
      await click(page, { id: "doc:template" });
      await frame.waitFor({ state: "hidden" });
      await page.keyboard.press("Escape");
      await frame.waitFor({ state: "visible" });

      await click(page, { id: "doc:print" });
      await pollPage(page, () => (Module.ktPrinted || 0) >= 1, null, { what: "the print dialog" });
      await frame.waitFor({ state: "hidden" });
      const s = await state(page);
      assertEq(s.card.documents.map((d) => d.title), [title], "the printed document is stored on the deal");
      await context.close();
    },
  },
  {
    name: "creating a contact with the phone of an existing one warns and links to it; a second press creates anyway; lists show open to-dos",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/contact");
      await click(page, { id: "action:create" });
      await replaceText(page, { id: "create:LAST_NAME" }, "Орлова-Дубль");
      await replaceText(page, { id: "create:PHONE" }, "8 (912) 555-10-01");
      await click(page, { id: "create:submit" });
      await find(page, { id: "create:duplicates" });
      await find(page, { id: "create:duplicate:C1" });
      await page.screenshot({ path: path.join(resultsDir, "duplicate-warning.png") });
      assertEq((await state(page)).screen, "list", "nothing created yet");
      await click(page, { id: "create:submit" });
      let s = await state(page);
      assertEq([s.screen, s.card && s.card.title], ["card", "Орлова-Дубль"], "created after the second press");

      // An open to-do shows as a count in the deal list.
      await openItem(page, url, "D3");
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Отправить КП");
      await click(page, { id: "todo:save" });
      await open(page, url, "#/list/deal");
      const badge = await find(page, { id: "todos:D3" });
      assertEq(badge.name, "1", "one open to-do on the deal's row");
      await context.close();
    },
  },
  {
    name: "settings → documents: numbering and the company's details reach the next invoice; a broken template is refused inline",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/documents");
      await click(page, { id: "docs:num:invoice" });
      await replaceText(page, { id: "numform:pattern" }, "INV/{YEAR}/{NUMBER}");
      await replaceText(page, { id: "numform:start" }, "100");
      const next = (await find(page, { id: "numform:next" })).value;
      assert(/^INV\/\d{4}\/0100$/.test(next), "the preview of the next number: " + next);
      await click(page, { id: "numform:save" });
      await scrollTo(page, { id: "docs:company:save" }, { x: 640, y: 500 });
      await replaceText(page, { id: "docs:docs.co.name" }, "ООО «Картотека»");
      await replaceText(page, { id: "docs:docs.co.inn" }, "7701234567");
      await click(page, { id: "docs:company:save" });

      await scrollTo(page, { id: "docs:tpl:quote" }, { x: 640, y: 500 });
      await click(page, { id: "docs:tpl:quote" });
      await click(page, { id: "tplform:body" });
      await page.keyboard.press("Control+End");
      await page.keyboard.type("{#Products}", { delay: 5 });
      await click(page, { id: "tplform:save" });
      const err = await find(page, { id: "tplform:error" });
      assert(/^Строка \d+: \{#Products\} не закрыт: добавьте \{\/Products\}/.test(err.name),
        "the error names the unclosed block and its line, in Russian: " + err.name);
      await page.screenshot({ path: path.join(resultsDir, "template-error.png") });
      await click(page, { id: "tplform:cancel" });

      await openItem(page, url, "D5");
      await click(page, { id: "action:document" });
      const title = (await find(page, { id: "doc:preview-title" })).name;
      assert(/INV\/\d{4}\/0100/.test(title), "the invoice takes the new numbering: " + title);
      const file = await download(page, { id: "doc:save" });
      assert(file.text.includes("7701234567") && file.text.includes("ООО «Картотека»"), "the company's details are in the invoice");
      await context.close();
    },
  },
  {
    name: "a numerator of its own: start, step, length, a bad number refused inline, reset each month; a template numbers with it; its deletion is refused while used; after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/documents");
      const PAGE = { x: 640, y: 500 };
      await scrollTo(page, { id: "docs:num:add" }, PAGE);
      await click(page, { id: "docs:num:add" });
      await replaceText(page, { id: "numform:name" }, "Акты");
      await replaceText(page, { id: "numform:pattern" }, "АКТ-{NUMBER}");
      await replaceText(page, { id: "numform:start" }, "5");
      await replaceText(page, { id: "numform:step" }, "десять");
      // Said as it is typed, in place of the next number; Сохранить keeps the form open.
      assertEq((await find(page, { id: "numform:problem" })).name, "Шаг: Введите число", "a step in words is refused in the form");
      assertEq((await findAll(page, { id: "numform:next" })).length, 0, "no next number meanwhile");
      await click(page, { id: "numform:save" });
      await find(page, { role: "dialog", name: "Новый нумератор" });
      await replaceText(page, { id: "numform:step" }, "10");
      await replaceText(page, { id: "numform:length" }, "3");
      assertEq((await find(page, { id: "numform:next" })).value, "АКТ-005", "the next number: start 5, three digits");
      // A monthly reset needs the month (and the year) in the number, or numbers would repeat: said in Russian.
      await choose(page, "numform:periodic", "Каждый месяц");
      assert(/добавьте в шаблон номера \{YEAR\} и \{MONTH\}/.test((await find(page, { id: "numform:problem" })).name),
        "the reason names what to add");
      await replaceText(page, { id: "numform:pattern" }, "АКТ-{YEAR}{MONTH}-{NUMBER}");
      assert(/^АКТ-\d{6}-005$/.test((await find(page, { id: "numform:next" })).value), "the next number with the month");
      await page.screenshot({ path: path.join(resultsDir, "numerator-form.png") });
      await click(page, { id: "numform:save" });
      const entry = await find(page, { role: "link", name: /^Акты/ });

      // The quote template numbers with it.
      await scrollTo(page, { id: "docs:tpl:quote" }, PAGE);
      await click(page, { id: "docs:tpl:quote" });
      await choose(page, "tplform:numerator", "Акты  (АКТ-{YEAR}{MONTH}-{NUMBER})");
      await click(page, { id: "tplform:save" });
      // So it cannot be deleted: said in the form, which stays.
      await scrollTo(page, { id: entry.id }, PAGE);
      await click(page, { id: entry.id });
      await click(page, { id: "numform:delete" });
      assertEq((await find(page, { id: "numform:error" })).name, "Нумератор используется шаблоном", "deletion refused");
      await click(page, { id: "numform:cancel" });

      // Two quotes: 005, then 015.
      const titles = [];
      for (let i = 0; i < 2; i++) {
        await openItem(page, url, "D5");
        await click(page, { id: "action:document" });
        await choose(page, "doc:template", "Коммерческое предложение");
        const title = (await find(page, { id: "doc:preview-title", name: /АКТ-/ })).name;
        await download(page, { id: "doc:save" });
        titles.push(title.match(/АКТ-\d{6}-(\d+)/)[1]);
      }
      assertEq(titles, ["005", "015"], "numbered from 5 in steps of 10");

      await page.reload();
      await waitForApp(page);
      await open(page, url, "#/settings/documents");
      await scrollTo(page, { id: entry.id }, PAGE);
      await click(page, { id: entry.id });
      assertEq([(await find(page, { id: "numform:step" })).value, (await find(page, { id: "numform:length" })).value,
        (await find(page, { id: "numform:periodic" })).value, (await find(page, { id: "numform:next" })).value.slice(-4)],
        ["10", "3", "Каждый месяц", "-025"], "kept after a reload, the counter too");
      await context.close();
    },
  },
  {
    name: "a new document template: its English name and the English language reach the document; switched off it is not offered; after a reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/documents");
      await click(page, { id: "docs:tpl:add" });
      await replaceText(page, { id: "tplform:name_ru" }, "  ");
      await click(page, { role: "button", name: "Сохранить" });
      await find(page, { role: "alert", name: "Введите название" });  // a name of spaces is no name
      await replaceText(page, { id: "tplform:name_ru" }, "Акт сверки");
      await replaceText(page, { id: "tplform:name_en" }, "Reconciliation");
      await choose(page, "tplform:region", "English");
      await click(page, { id: "tplform:active" });  // saved switched off
      await click(page, { id: "tplform:save" });
      const line = await find(page, { role: "link", name: /^Акт сверки/ });
      assert(/отключён/.test(line.name), "the list says it is off: " + line.name);
      const offered = async () => {
        await openItem(page, url, "D2");
        await click(page, { id: "action:document" });
        await click(page, { id: "doc:template" });
        const names = (await findAll(page, { role: "option" })).map((o) => o.name);
        await page.keyboard.press("Escape");
        await frames(page, 2);
        return names;
      };
      assert(!(await offered()).includes("Акт сверки"), "a template switched off is not offered");
      await page.keyboard.press("Escape");
      await open(page, url, "#/settings/documents");
      await click(page, { id: line.id });
      assertEq((await find(page, { id: "tplform:region" })).value, "English", "the form holds its language");
      await click(page, { id: "tplform:active" });
      await click(page, { id: "tplform:save" });
      await page.reload();
      await waitForApp(page);
      assert((await offered()).includes("Акт сверки"), "switched on, it is offered (after a reload)");
      await choose(page, "doc:template", "Акт сверки");
      const title = (await find(page, { id: "doc:preview-title" })).name;
      assert(title.startsWith("Reconciliation"), "an English document takes the English name: " + title);
      await context.close();
    },
  },
  {
    name: "converting a lead with a custom field the deal lacks creates the field in the deal and carries the value",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "L1");
      const id = await addTextField(page, "L1", "Объём склада", "1200 м²");
      assertEq((await state(page)).card.fields[id].text, "1200 м²", "the lead holds the value");

      await click(page, { id: "action:convert" });
      await choose(page, "convert:scheme", "Сделка");
      const box = await find(page, { id: `convert:field:deal:${id}` });
      assertEq(box.checked, true, "creating the missing field is offered, checked");
      await page.screenshot({ path: path.join(resultsDir, "convert-create-field.png") });
      await click(page, { id: "convert:go" });
      await frames(page, 6);
      const s = await state(page);
      assertEq(s.card.entity, "deal", "the new deal opens in one go");
      const carried = Object.entries(s.card.fields).find(([k, v]) => v && v.text === "1200 м²");
      assert(carried, "the deal has the new field with the lead's value: " + JSON.stringify(Object.keys(s.card.fields)));
      await context.close();
    },
  },
];
