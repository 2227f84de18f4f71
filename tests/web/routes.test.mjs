// URL routes of the app (#/list/deal, #/deal/12): browser back and forward, deep links opened in a new
// page, links by item number a person can read and share (old #/item/<id> links still open), and a document
// title that follows what is on screen (also after a rename or a language switch).
import { newPage, waitForApp, state, semantics, find, click, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { DEAL, openEditor, replaceText, typeInto } from "./web_support.mjs";

// The app sets the title in a task after the frame that asks for it (src/platform/platform_web.cpp).
async function title(page) {
  await page.waitForFunction(() => !Module.ktTitleTimer, null, { timeout: 5000 });
  return page.evaluate(() => document.title);
}
const hash = (page) => page.evaluate(() => location.hash);
// The number the open card's header shows ("Сделка № 12 · Общая воронка").
async function shownNumber(page) {
  const kind = await find(page, { id: "card:kind" });
  const m = /№ (\d+)/.exec(kind.name);
  assert(m, "the card's header names its number: " + kind.name);
  return Number(m[1]);
}

// A new page with the demo deal's card opened from the list.
async function openDeal(browser, url) {
  const { context, page } = await newPage(browser);
  await page.goto(url);
  await waitForApp(page);
  await click(page, { role: "row", name: DEAL });
  return { context, page };
}

async function waitScreen(page, screen) {
  await page.waitForFunction((s) => JSON.parse(UTF8ToString(Module._kt_debug_json())).screen === s, screen, { timeout: 5000 });
  await frames(page, 2);
}

export const tests = [
  {
    name: "back and forward move between the list and cards, with the URL and the title",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      assertEq(await hash(page), "#/list/deal", "the list's route");
      assertEq(await title(page), "Сделки — Картотека", "the list's title");
      await click(page, { role: "row", name: DEAL });
      const id = (await state(page)).card.id;
      const number = await shownNumber(page);
      assertEq(await hash(page), `#/deal/${number}`, "a card's route: its type and the number its header shows");
      assertEq(await title(page), `${DEAL} — Картотека`, "the card's title");
      await click(page, { id: "nav:back" });
      await click(page, { role: "row", name: "Обучение сотрудников" });
      const id2 = (await state(page)).card.id;
      const number2 = await shownNumber(page);
      assert(number2 !== number, "two deals, two numbers");

      await page.goBack();
      await waitScreen(page, "list");
      assertEq(await title(page), "Сделки — Картотека", "back: the list");
      await page.goBack();
      await waitScreen(page, "card");
      assertEq([(await state(page)).card.id, await title(page)], [id, `${DEAL} — Картотека`], "back: the first card");
      await page.goForward();
      await waitScreen(page, "list");
      await page.goForward();
      await waitScreen(page, "card");
      assertEq([(await state(page)).card.id, await hash(page)], [id2, `#/deal/${number2}`], "forward: the second card");
      assertEq(await title(page), "Обучение сотрудников — Картотека", "forward: its title");

      // A menu open when the address changes the screen closes: Back leaves no menu over the list, and
      // Forward brings the card back without it.
      await click(page, { id: "action:more" });
      await find(page, { id: "menu:delete" });
      await page.goBack();
      await waitScreen(page, "list");
      const menuGone = async (where) => {
        await frames(page, 2);
        const nodes = await semantics(page);
        assert(!nodes.some((n) => n.role === "menuitem"), `${where}: no menu is open: ` +
          nodes.filter((n) => n.role === "menuitem").map((n) => n.name).join(", "));
      };
      await menuGone("back to the list");
      await page.goForward();
      await waitScreen(page, "card");
      await menuGone("forward to the card");
      await context.close();
    },
  },
  {
    name: "Back while typing in a list's search goes to the list before with its own search as it was; Forward brings the typed search back",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await click(page, { id: "nav:contact" });
      await waitScreen(page, "list");
      const contacts = (await find(page, { id: "list:count" })).name;
      await click(page, { id: "nav:deal" });
      const deals = (await find(page, { id: "list:count" })).name;
      await typeInto(page, { role: "searchbox" }, "обл");
      assertEq((await find(page, { role: "searchbox" })).value, "обл", "typed in the deals' search");
      const found = (await find(page, { id: "list:count" })).name;
      assert(found !== deals, `the search narrowed the deals (${found} of ${deals})`);
      await page.goBack();  // the search still has the keyboard
      await page.waitForFunction(() => location.hash === "#/list/contact");
      await frames(page, 3);
      assertEq([(await find(page, { role: "heading", name: "Контакты" })).name, (await find(page, { role: "searchbox" })).value || "",
        (await find(page, { id: "list:count" })).name], ["Контакты", "", contacts], "the contacts' search is empty, every contact listed");
      await page.goForward();
      await page.waitForFunction(() => location.hash === "#/list/deal");
      await frames(page, 3);
      assertEq([(await find(page, { role: "searchbox" })).value, (await find(page, { id: "list:count" })).name], ["обл", found],
        "the deals' search kept what was typed");
      await context.close();
    },
  },
  {
    name: "Back with a dialog open closes the dialog and keeps the card under it; a second Back goes to the list; Forward does not bring the dialog back",
    async fn({ browser, url }) {
      const { context, page } = await openDeal(browser, url);
      const id = (await state(page)).card.id, at = await hash(page);
      await click(page, { id: "action:document" });
      await find(page, { role: "dialog" });
      await page.goBack();
      await frames(page, 3);
      const s = await state(page);
      assertEq([s.screen, s.card && s.card.id, await hash(page)], ["card", id, at], "the card stays, at its address");
      assertEq((await semantics(page)).filter((n) => n.role === "dialog").length, 0, "the dialog is closed");
      await page.goBack();
      await waitScreen(page, "list");
      await page.goForward();
      await waitScreen(page, "card");
      assertEq((await semantics(page)).filter((n) => n.role === "dialog").length, 0, "Forward brings the card, no dialog");
      await context.close();
    },
  },
  {
    name: "after a reload with a dialog's entry on top, and after Forward onto it, one Back leaves the card",
    async fn({ browser, url }) {
      const { context, page } = await openDeal(browser, url);
      const at = await hash(page);
      await click(page, { id: "action:document" });
      await find(page, { role: "dialog" });
      // Reloaded with the dialog open: the entry that stood for it is on top, nothing is open any more.
      await page.reload();
      await waitForApp(page);
      await waitScreen(page, "card");
      assertEq((await semantics(page)).filter((n) => n.role === "dialog").length, 0, "no dialog after the reload");
      await page.goBack();
      await waitScreen(page, "list");
      await page.goForward();
      await waitScreen(page, "card");
      assertEq(await hash(page), at, "Forward: the card");
      // Forward again would land on that entry: it leads nowhere, the card stays and one Back leaves it.
      await page.goForward();
      await frames(page, 3);
      assertEq([(await state(page)).screen, await hash(page)], ["card", at], "a second Forward: still the card");
      await page.goBack();
      await waitScreen(page, "list");
      await context.close();
    },
  },
  {
    name: "a deep link opens the card in a new page; an unknown item says so",
    async fn({ browser, url }) {
      const first = await newPage(browser);
      await first.page.goto(url);
      await waitForApp(first.page);
      await click(first.page, { role: "row", name: DEAL });
      const link = first.page.url();
      const id = (await state(first.page)).card.id;

      // Same browser profile, a new page; the first one is closed so that the single-tab lock lets it work.
      await first.page.close();
      const second = await first.context.newPage();
      second.errors = [];
      // The closed page's store lock is released asynchronously: wait until it is free, as a person
      // opening the link a moment later would find it.
      await second.goto(url + "manifest.webmanifest");
      await second.waitForFunction(async () => (await navigator.locks.query()).held.length === 0, null, { polling: 50, timeout: 10000 });
      await second.goto(link);
      await waitForApp(second);
      const s = await state(second);
      assertEq([s.screen, s.card && s.card.id], ["card", id], "the link opened the card");
      await find(second, { role: "heading", name: DEAL });
      assertEq(await title(second), `${DEAL} — Картотека`, "the title of the linked card");

      await second.goto(url + "#/item/NO-SUCH-ITEM");
      await waitForApp(second);
      const missing = await state(second);
      assert(missing.screen === "card" && !missing.card, "an unknown item shows the not-found card: " + JSON.stringify(missing));
      assertEq(await title(second), "Картотека", "an unknown item has the app's title");
      await find(second, { role: "alert", name: "Элемент не найден. Возможно, он был удалён." });
      // The same for a number no deal has; the address stays as typed.
      await second.goto(url + "#/deal/9999");
      await waitForApp(second);
      await find(second, { role: "alert", name: "Элемент не найден. Возможно, он был удалён." });
      assertEq(await hash(second), "#/deal/9999", "the unknown number stays in the address");
      await first.context.close();
    },
  },
  {
    name: "the title follows a rename of the open deal and a switch of language",
    async fn({ browser, url }) {
      const { context, page } = await openDeal(browser, url);
      const id = (await state(page)).card.id;
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Серверы для склада");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      assertEq(await title(page), "Серверы для склада — Картотека", "renamed");
      await click(page, { id: "lang:en" });
      await frames(page, 2);
      assertEq(await title(page), "Серверы для склада — Kartoteka", "in English");
      await click(page, { id: "nav:back" });
      assertEq(await title(page), "Deals — Kartoteka", "the list in English");
      await context.close();
    },
  },
  {
    name: "a card's address is its type and number: it opens in a new page, other types count on their own, old #/item links still work",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      // An old link by id opens the card, and the address turns into its readable form.
      await page.goto(url + "#/item/D1");
      await waitForApp(page);
      assertEq((await state(page)).card.id, "D1", "the old link opened the deal");
      assertEq(await hash(page), "#/deal/1", "the first demo deal is deal 1");
      assertEq(await shownNumber(page), 1, "its header says so");
      // A lead and a contact have numbers of their own, from 1 too.
      await page.goto(url + "#/lead/1");
      await waitForApp(page);
      const lead = await state(page);
      assertEq([lead.card && lead.card.entity, await shownNumber(page)], ["lead", 1], "#/lead/1 is the first lead");
      await page.goto(url + "#/contact/2/history");
      await waitForApp(page);
      const contact = await state(page);
      assertEq([contact.card && contact.card.entity, await hash(page)], ["contact", "#/contact/2/history"], "a contact, on its history tab");
      // A deal created now gets the next number, in its header and its address.
      await page.goto(url + "#/list/deal");
      await waitForApp(page);
      const before = (await state(page)).deals;
      await click(page, { role: "button", name: "+ Создать" });
      await replaceText(page, { id: "create:TITLE" }, "Сделка по ссылке");
      await click(page, { role: "button", name: "Создать" });
      await frames(page, 3);
      const made = await state(page);
      assertEq(made.card.title, "Сделка по ссылке", "the new deal is open");
      const n = await shownNumber(page);
      assertEq(n, before + 1, "the next number after the demo's deals");
      assertEq(await hash(page), `#/deal/${n}`, "its address");
      await waitSaved(page);
      // Reloaded, the same address opens the same deal; typed into another address, it opens there too.
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.title, "Сделка по ссылке", "the reload opens it by its number");
      await page.goto(url + "#/list/deal");
      await waitForApp(page);
      await page.goto(url + `#/deal/${n}`);
      await waitForApp(page);
      assertEq((await state(page)).card.title, "Сделка по ссылке", "the address opens it");
      await context.close();
    },
  },
];
