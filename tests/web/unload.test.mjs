// An open in-place editor is never lost (issue 19): reloading the page while a field editor holds typed text
// commits that text first, the way Enter would (web/glue.js: beforeunload, pagehide), and it is stored before
// the page goes; a value that cannot be committed (it does not validate) makes the page ask, as a form would.
// Back and Forward commit it the same way. What cannot be committed yet (a comment not sent, an editor's
// text when the page is only hidden, which a phone's browser may then discard) is kept as a draft.
import path from "node:path";
import { newPage, watchErrors, waitForApp, state, find, findAll, click, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { DEAL, PHONE, choose, openDeal, openItem, openEditor, idbFiles, replaceText } from "./web_support.mjs";

// Writes `text` over the stored file `file` and into IndexedDB at once.
async function writeStored(page, file, text) {
  await page.evaluate(async ([f, t]) => {
    FS.writeFile(f, t);
    await new Promise((res, rej) => FS.syncfs(false, (e) => (e ? rej(e) : res())));
  }, [file, text]);
}

// The page goes to the background (a phone's other app): waits until what it wrote then is in IndexedDB.
async function hide(page) {
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await page.waitForFunction(() => !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 10000 });
}
// ... and the browser later discards it: no unload.
async function crash(page, context) {
  const crashed = new Promise((resolve) => page.on("crash", resolve));
  (await context.newCDPSession(page)).send("Page.crash").catch(() => {});
  await crashed;
}
// ... and the app is opened again at `address` in a new tab of the context (its errors collected).
async function reopen(page, context, address) {
  await crash(page, context);
  const again = watchErrors(await context.newPage());
  await again.goto(address);
  await waitForApp(again);
  await frames(again, 3);
  return again;
}
// A finger's tap on the middle of a widget.
async function fingerTap(page, query) {
  const n = await find(page, query);
  await page.touchscreen.tap(n.x + n.w / 2, n.y + n.h / 2);
  await frames(page, 3);
}
// Where the app keeps its drafts (platform::data_dir).
const DRAFTS = "/data/local/drafts.json";

export const tests = [
  {
    name: "text typed into a field editor without Enter is committed when the page reloads, without a prompt",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const dialogs = [];
      page.on("dialog", (d) => { dialogs.push(d.type()); d.accept().catch(() => {}); });
      const id = await openDeal(page, url);
      const before = (await state(page)).card.timeline.length;
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      // Typed key by key and the page reloaded at once: some keys may still wait in the app's input queue.
      await page.keyboard.type("Набрано без Enter", { delay: 5 });
      await page.reload();
      await waitForApp(page);
      const s = await state(page);
      assertEq([s.screen, s.card && s.card.id], ["card", id], "the card is open again");
      assertEq(s.card.fields.TITLE.value, "Набрано без Enter", "the typed title was saved");
      assertEq(s.editing, null, "no editor is open after the reload");
      assertEq(s.card.timeline.length, before + 1, "one change in the history, as with Enter");
      assertEq(s.card.timeline[s.card.timeline.length - 1].new, "Набрано без Enter", "the history shows it");
      assertEq(dialogs, [], "the page did not ask");
      assert(Object.values(await idbFiles(page)).join("\n").includes("Набрано без Enter"), "it is in IndexedDB");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "text typed into a field editor is committed when Back leaves the card; a value that does not validate keeps the card with its error, and Esc then lets it go",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const card = await page.evaluate(() => location.hash);
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Набрано и назад", { delay: 5 });
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await frames(page, 3);
      let s = await state(page);
      assertEq([s.screen, s.editing], ["list", null], "Back went to the list");
      assert(await find(page, { role: "row", name: "Набрано и назад" }), "the list shows the typed title");
      await page.goForward();
      await page.waitForFunction((h) => location.hash === h, card);
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.fields.TITLE.value, "Набрано и назад", "the card holds it");

      // Letters in the amount do not parse: Back stays on the card, the editor open with its error.
      const amount = s.card.fields.OPPORTUNITY_WITH_CURRENCY.value;
      await openEditor(page, id, "OPPORTUNITY_WITH_CURRENCY");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("сто рублей");
      await frames(page, 2);
      await page.goBack();
      await frames(page, 4);
      s = await state(page);
      assertEq([s.screen, s.card && s.card.id, await page.evaluate(() => location.hash)], ["card", id, card], "still on the card, at its address");
      assert(s.editing && s.editing.field === "OPPORTUNITY_WITH_CURRENCY" && s.editing.error,
        "the editor is still open with its error: " + JSON.stringify(s.editing));
      assertEq((await find(page, { id: `field:${id}:OPPORTUNITY_WITH_CURRENCY` })).value, "сто рублей", "the typed text is still there");
      await page.keyboard.press("Escape");
      await frames(page, 2);
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.screen, "list", "after Esc, Back leaves the card");
      await page.goForward();
      await page.waitForFunction((h) => location.hash === h, card);
      await frames(page, 3);
      assertEq((await state(page)).card.fields.OPPORTUNITY_WITH_CURRENCY.value, amount, "the amount as it was");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a comment not sent and a field editor's text survive a page the browser discards in the background (hidden, then gone with no unload): both are back at the next start, nothing saved that was not; a comment box keeps its text while another card is open",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const card = await page.evaluate(() => location.hash);
      const title = (await state(page)).card.fields.TITLE.value;
      const comments = (s) => s.card.timeline.filter((e) => e.kind === "comment").length;
      const before = comments(await state(page));
      await click(page, { id: "tl:composer" });
      await page.keyboard.type("Черновик комментария", { delay: 5 });
      await frames(page, 2);
      assertEq((await find(page, { id: "tl:composer" })).value, "Черновик комментария", "the comment is in its box");
      // Another card opened meanwhile: the first one's box still holds its text when it is back.
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await click(page, { role: "row", name: "Обучение сотрудников" });
      assertEq((await find(page, { id: "tl:composer" })).value || "", "", "the other card's box is empty");
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await click(page, { role: "row", name: DEAL });
      await page.waitForFunction((h) => location.hash === h, card);
      await frames(page, 3);
      assertEq((await find(page, { id: "tl:composer" })).value, "Черновик комментария", "the box kept its text");

      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Заголовок в черновике", { delay: 5 });
      await hide(page);
      const stored = Object.entries(await idbFiles(page, "/drafts.json"));
      assert(stored.length === 1 && stored[0][1].includes("Заголовок в черновике") && stored[0][1].includes("Черновик комментария"),
        "the drafts are in IndexedDB: " + JSON.stringify(stored).slice(0, 300));
      await crash(page, context);

      const again = await context.newPage();
      await again.goto(url + card);
      await waitForApp(again);
      await frames(again, 3);
      let s = await state(again);
      assertEq(s.card.fields.TITLE.value, title, "the title was not saved: it was being typed");
      assert(s.editing && s.editing.field === "TITLE", "its editor is open again: " + JSON.stringify(s.editing));
      assertEq((await find(again, { id: `field:${id}:TITLE` })).value, "Заголовок в черновике", "with the typed text");
      assertEq((await find(again, { id: "tl:composer" })).value, "Черновик комментария", "the comment box has its text");
      assertEq(comments(s), before, "no comment was sent");

      // Enter saves the title; sent, the comment leaves the box; after a reload neither comes back.
      await again.keyboard.press("Enter");
      await click(again, { id: "tl:send" });
      await waitSaved(again);
      await again.reload();
      await waitForApp(again);
      await frames(again, 3);
      s = await state(again);
      assertEq([s.card.fields.TITLE.value, s.editing], ["Заголовок в черновике", null], "the title saved, no editor open");
      assertEq((await find(again, { id: "tl:composer" })).value || "", "", "the comment box is empty");
      assertEq(comments(s), before + 1, "the comment was sent once");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a to-do's and a message's forms with text typed in them are kept while another card is open, and survive a discarded page (on the desktop in the card's composer, on a phone as the to-do dialog); saved, they do not come back",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const card = await page.evaluate(() => location.hash);
      // A to-do's form in the composer of one card, an SMS's in another's.
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Дело в черновике");
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await click(page, { role: "row", name: "Обучение сотрудников" });
      const other = await page.evaluate(() => location.hash);
      assertEq(await findAll(page, { id: "todo:subject" }), [], "the other card shows no to-do form");
      await click(page, { id: "composer:sms" });
      await replaceText(page, { id: "comm:body" }, "SMS в черновике");
      await page.goBack();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await click(page, { role: "row", name: DEAL });
      await page.waitForFunction((h) => location.hash === h, card);
      await frames(page, 3);
      assertEq((await find(page, { id: "todo:subject" })).value, "Дело в черновике", "the to-do's form kept its text");

      // Hidden, then discarded: both forms are back in a new tab, nothing planned or logged meanwhile.
      const todos = (await state(page)).card.todos.length;
      await hide(page);
      const again = await reopen(page, context, url + other);
      assertEq((await find(again, { id: "comm:body" })).value, "SMS в черновике", "the SMS form has its text");
      await again.goto(url + card);
      await waitForApp(again);
      await frames(again, 3);
      assertEq((await find(again, { id: "todo:subject" })).value, "Дело в черновике", "the to-do's form has its text");
      assertEq((await state(again)).card.todos.length, todos, "nothing was planned");
      await click(again, { id: "todo:save" });
      await waitSaved(again);
      await again.reload();
      await waitForApp(again);
      await frames(again, 3);
      const s = await state(again);
      assertEq(s.card.todos.filter((t) => t.subject === "Дело в черновике").length, 1, "the to-do was planned once");
      assertEq(await findAll(again, { id: "todo:subject" }), [], "and its form does not come back");
      assertEq(page.errors, [], "no page errors");
      await context.close();

      // A phone: the to-do's form is a dialog over the whole screen; it comes back as one.
      const phone = await newPage(browser, PHONE);
      await phone.page.goto(url + card);
      await waitForApp(phone.page);
      await fingerTap(phone.page, { id: "action:todo" });
      await fingerTap(phone.page, { id: "todo:subject" });
      await phone.page.keyboard.type("С телефона", { delay: 5 });
      await frames(phone.page, 2);
      await hide(phone.page);
      const back = await reopen(phone.page, phone.context, url + card);
      assertEq((await find(back, { role: "dialog" })).name, "Новое дело", "the to-do's dialog is open again");
      assertEq((await find(back, { id: "todo:subject" })).value, "С телефона", "with its text");
      await back.screenshot({ path: path.join(resultsDir, "phone-todo-draft.png") });
      await phone.context.close();
    },
  },
  {
    name: "product rows changed and not saved are kept while another card is open and survive a discarded page; Сохранить then stores them once; rows from a hostile file are checked as typed ones",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await click(page, { id: "tab:products" });
      await click(page, { id: "prod:add" });
      await replaceText(page, { id: "prod:0:name" }, "Внедрение, черновик");
      await replaceText(page, { id: "prod:0:price" }, "4500");
      await page.goto(url + "#/item/D3");
      await waitForApp(page);
      await page.goto(url + "#/item/D2");
      await waitForApp(page);
      await click(page, { id: "tab:products" });
      assertEq((await find(page, { id: "prod:0:name" })).value, "Внедрение, черновик", "the row is kept while another card was open");
      assertEq((await state(page)).card.products, 0, "and not saved");

      await hide(page);
      let again = await reopen(page, context, url + "#/item/D2");
      await click(again, { id: "tab:products" });
      assertEq([(await find(again, { id: "prod:0:name" })).value, (await find(again, { id: "prod:0:price" })).value],
        ["Внедрение, черновик", "4500"], "the row is back after the page was discarded");
      await click(again, { id: "prod:save" });
      await waitSaved(again);
      await again.reload();
      await waitForApp(again);
      await click(again, { id: "tab:products" });
      const s = await state(again);
      assertEq([s.card.products, s.card.fields.OPPORTUNITY_WITH_CURRENCY.value], [1, { m: 450000, c: "RUB" }], "saved once; the amount follows");
      assertEq(await findAll(again, { id: "prod:save" }), [], "nothing left unsaved");

      // Rows of the file: one without an id (skipped), one whose name and price are not text.
      await hide(again);
      await writeStored(again, DRAFTS, JSON.stringify({ forms: { D2: { products: [{ name: "без id" },
        { id: "pr-x", name: 7, price: [1], quantity: "2", discount: "0", tax: "0", tax_included: "yes" }] } } }));
      again = await reopen(again, context, url + "#/item/D2");
      await click(again, { id: "tab:products" });
      assertEq((await findAll(again, { id: "prod:0:name" })).length + (await findAll(again, { id: "prod:1:name" })).length, 1,
        "one row: the one with an id");
      await click(again, { id: "prod:save" });
      assert((await find(again, { id: "prod:error" })).name.includes("1"), "Сохранить says what is wrong with row 1");
      assertEq((await state(again)).card.products, 1, "nothing stored");
      await click(again, { id: "prod:cancel" });
      assertEq((await find(again, { id: "prod:0:name" })).value, "Внедрение, черновик", "Отмена shows the stored rows");
      assertEq(again.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a new contact's form half filled in on a phone survives a page the browser discards: it comes back open on the contacts' list with what was typed, and creates the contact once; a hostile form in the file is skipped",
    async fn({ browser, url, resultsDir }) {
      const phone = await newPage(browser, PHONE);
      const page = phone.page;
      await page.goto(url + "#/list/contact");
      await waitForApp(page);
      await fingerTap(page, { id: "action:create" });
      await fingerTap(page, { id: "create:LAST_NAME" });
      await page.keyboard.type("Черновикова", { delay: 5 });
      await fingerTap(page, { id: "create:PHONE" });
      await page.keyboard.type("+7 900 111-22-33", { delay: 5 });
      await frames(page, 2);
      const contacts = (await state(page)).items;
      // A phone call comes in: the browser goes to the background, then drops the page.
      await hide(page);
      let back = await reopen(page, phone.context, url + "#/list/contact");
      assertEq((await find(back, { role: "dialog" })).name, "Создание: Контакт", "the new contact's form is open again");
      assertEq((await find(back, { id: "create:LAST_NAME" })).value, "Черновикова", "with the last name");
      assertEq((await find(back, { id: "create:PHONE" })).value, "+7 900 111-22-33", "and the phone");
      assertEq((await find(back, { id: "create:NAME" })).value || "", "", "a field left alone stays empty");
      assertEq((await state(back)).items, contacts, "nothing was created meanwhile");
      await back.screenshot({ path: path.join(resultsDir, "phone-create-draft.png") });
      await fingerTap(back, { id: "create:submit" });
      await waitSaved(back);
      let s = await state(back);
      assertEq([s.screen, s.card && s.card.title], ["card", "Черновикова"], "the new contact opens");
      await back.goto(url + "#/list/contact");
      await back.reload();
      await waitForApp(back);
      await frames(back, 3);
      s = await state(back);
      assertEq(s.items, contacts + 1, "one contact was created");
      assertEq(await findAll(back, { role: "dialog" }), [], "and its form does not come back");

      // A form only opened (nothing typed) is not kept; a hostile one in the file is skipped, field by field.
      await fingerTap(back, { id: "action:create" });
      await hide(back);
      assertEq(Object.keys(await idbFiles(back, "/drafts.json")), [], "an untouched form writes no drafts file");
      await fingerTap(back, { id: "create:cancel" });
      await hide(back);
      await writeStored(back, DRAFTS, JSON.stringify({ create: { entity: "contact", pipeline: 5, stage: ["x"],
        values: { LAST_NAME: { text: "Из файла", currency: "рублей", picks: "x", flag: "yes" }, "НЕТ_ПОЛЯ": { text: "x" },
                  NAME: ["x"], PHONE: { text: 7 } } } }));
      back = await reopen(back, phone.context, url + "#/list/contact");
      assertEq((await find(back, { id: "create:LAST_NAME" })).value, "Из файла", "the last name is taken back");
      assertEq((await find(back, { id: "create:PHONE" })).value || "", "", "a phone that is not text is skipped");
      assertEq(back.errors, [], "no page errors");
      // Of another entity type than the list's (the page comes back on the deals): not opened there.
      await fingerTap(back, { id: "create:cancel" });
      await hide(back);
      await writeStored(back, DRAFTS, JSON.stringify({ create: { entity: "contact", values: { LAST_NAME: { text: "x" } } } }));
      back = await reopen(back, phone.context, url + "#/list/deal");
      assertEq(await findAll(back, { role: "dialog" }), [], "no contact's form over the deals");
      assertEq(back.errors, [], "no page errors");
      await phone.context.close();

      // A user who may no longer add contacts (his role's right taken away meanwhile) does not get the form
      // back; the administrator, who may, does.
      const desktop = await newPage(browser), context = desktop.context;
      let admin = desktop.page;
      await admin.goto(url + "#/settings/roles");
      await waitForApp(admin);
      await click(admin, { id: "editrole:manager" });
      await choose(admin, "roleform:contact:add", "Нет доступа");
      await click(admin, { id: "roleform:save" });
      const draft = JSON.stringify({ create: { entity: "contact", values: { LAST_NAME: { text: "Без права" } } } });
      for (const [user, opened] of [["u2", false], ["u1", true]]) {
        await admin.goto(url + "#/list/contact");
        await waitForApp(admin);
        await click(admin, { id: "user" });
        await click(admin, { id: `switchuser:${user}` });
        await frames(admin, 3);
        await hide(admin);
        await writeStored(admin, DRAFTS, draft);
        const next = await reopen(admin, context, url + "#/list/contact");
        assertEq((await state(next)).user, user, "the same user");
        assertEq((await findAll(next, { id: "create:LAST_NAME" })).map((n) => n.value), opened ? ["Без права"] : [],
          opened ? "the administrator gets the form back" : "a manager without the right to add contacts does not");
        assertEq(next.errors, [], "no page errors");
        if (opened) await click(next, { id: "create:cancel" });
        admin = next;
      }
      await context.close();
    },
  },
  {
    name: "a damaged or hostile drafts file is not the app's undoing: what in it is not a draft of this workspace is skipped, the rest taken back",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      const card = await page.evaluate(() => location.hash);
      const other = id === "D3" ? "D4" : "D3";  // another deal of the demo
      await click(page, { id: "tl:composer" });
      await page.keyboard.type("x", { delay: 5 });
      await hide(page);
      const [file] = Object.keys(await idbFiles(page, "/drafts.json"));
      assert(file, "the drafts file is written");
      // Wrong types everywhere, unknown items, a to-do that is not there, a channel that is not one, numbers
      // out of range, deep nesting; one form of this card's right.
      const deep = "[".repeat(5000) + "]".repeat(5000);
      const hostile = `{"comments": {"${id}": 5, "нет такого": "x", "${id}x": ["x"]},
        "editor": [1, 2], "junk": ${deep},
        "forms": {"нет такого": {"todo": {"subject": "x"}}, "${other}": {"todo": {"subject": "x", "editing": "td-нет"}},
          "${id}": {
          "todo": {"subject": "Из файла", "editing": "", "description": 7,
                   "reminders": [true, "x", 1, true, true, true, true, true], "color": 99,
                   "responsible": [1, {"a": 2}], "participants": "u1", "more": "yes", "in_place": true},
          "comm": {"channel": "fax", "body": "Факс"}}}}`;
      await writeStored(page, file, hostile);
      let again = await reopen(page, context, url + card);
      // The nesting is over the parser's bound: the whole file is refused, the app starts as it would without it.
      assertEq(await findAll(again, { id: "todo:subject" }), [], "nothing taken from a file too deep to read");
      assertEq((await find(again, { id: "tl:composer" })).value || "", "", "not even the comment");
      assertEq(again.errors, [], "no page errors");

      // The same without the nesting: the to-do's form of the card is taken back, as far as it is right.
      await click(again, { id: "tl:composer" });
      await again.keyboard.type("x", { delay: 5 });
      await hide(again);
      await writeStored(again, file, hostile.replace(deep, "0"));
      again = await reopen(again, context, url + card);
      const form = (await findAll(again, { id: "todo:subject" }))[0];
      assertEq(form && form.value, "Из файла", "the to-do's form is back with its subject");
      assertEq(await findAll(again, { id: "todo:description" }), [], "the form in place is the short one (\"more\" is not a boolean)");
      assertEq(await findAll(again, { id: "comm:body" }), [], "no form for a channel that is not one");
      const reminders = [];
      for (const m of [0, 15, 60, 1440]) reminders.push(!!(await find(again, { id: "todo:remind:" + m })).checked);
      assertEq(reminders, [true, false, false, true], "the reminders that were true (not a string, not a number)");
      // Nobody is responsible (the file named no user): the form asks for one, as it would have.
      await click(again, { id: "todo:save" });
      assert(await find(again, { id: "todo:error" }), "the form says what is missing");
      assertEq((await state(again)).card.todos.filter((t) => t.subject === "Из файла"), [], "nothing planned");
      await click(again, { id: "todo:cancel" });
      assertEq((await find(again, { id: "tl:composer" })).value || "", "", "a comment that is not text is skipped");
      await again.goto(url + "#/item/" + other);
      await waitForApp(again);
      assertEq(await findAll(again, { id: "todo:subject" }), [], "a form editing a to-do the card does not have is skipped");
      assertEq(again.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "a multi-line field's text and a money amount are committed too; a value that does not validate makes the page ask",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const dialogs = [];
      let accept = true;
      page.on("dialog", (d) => { dialogs.push(d.type()); (accept ? d.accept() : d.dismiss()).catch(() => {}); });
      const id = await openDeal(page, url);

      await openEditor(page, id, "COMMENTS");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("строка 1\nстрока 2");
      await page.reload();
      await waitForApp(page);
      let s = await state(page);
      assertEq(s.card.fields.COMMENTS.value, "строка 1\nстрока 2", "the multi-line text was saved");

      await openEditor(page, id, "OPPORTUNITY_WITH_CURRENCY");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("123 456");
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value.m, 12345600, "the amount was saved");
      assertEq(dialogs, [], "no prompt so far");

      // Letters in the amount do not parse: leaving asks, and staying keeps the editor with its error.
      const amount = s.card.fields.OPPORTUNITY_WITH_CURRENCY.value;
      await openEditor(page, id, "OPPORTUNITY_WITH_CURRENCY");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("сто рублей");
      await frames(page, 2);
      accept = false;
      await page.evaluate(() => { location.reload(); });
      await page.waitForTimeout(300);
      assertEq(dialogs, ["beforeunload"], "the page asked before leaving");
      await frames(page, 2);
      s = await state(page);
      assert(s.editing && s.editing.field === "OPPORTUNITY_WITH_CURRENCY" && s.editing.error,
        "the editor is still open with its error: " + JSON.stringify(s.editing));
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, amount, "nothing was written");
      const box = await find(page, { id: `field:${id}:OPPORTUNITY_WITH_CURRENCY` });
      assertEq(box.value, "сто рублей", "the typed text is still there");

      // Leaving anyway (the user confirms) stores nothing: the amount is the one before, and the typed text
      // is back in its editor as a draft (App::save_drafts), for the user to mend or Esc.
      accept = true;
      await page.reload();
      await waitForApp(page);
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, amount, "the stored amount after leaving");
      assert(s.editing && s.editing.field === "OPPORTUNITY_WITH_CURRENCY", "its editor is open again: " + JSON.stringify(s.editing));
      assertEq((await find(page, { id: `field:${id}:OPPORTUNITY_WITH_CURRENCY` })).value, "сто рублей", "with the typed text");
      assertEq(dialogs, ["beforeunload", "beforeunload"], "it asked once more, and was let go");
      await context.close();
    },
  },
];
