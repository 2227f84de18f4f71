// URL routes of the app (#/list/deal, #/item/<id>): browser back and forward, deep links opened in a new
// page, and a document title that follows what is on screen (also after a rename or a language switch).
import { newPage, waitForApp, state, find, click, frames, assert, assertEq } from "./browser.mjs";
import { DEAL, openEditor } from "./web_support.mjs";

const title = (page) => page.evaluate(() => document.title);
const hash = (page) => page.evaluate(() => location.hash);

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
      assertEq(await hash(page), `#/item/${id}`, "a card's route");
      assertEq(await title(page), `${DEAL} — Картотека`, "the card's title");
      await click(page, { id: "nav:back" });
      await click(page, { role: "row", name: "Обучение сотрудников" });
      const id2 = (await state(page)).card.id;

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
      assertEq([(await state(page)).card.id, await hash(page)], [id2, `#/item/${id2}`], "forward: the second card");
      assertEq(await title(page), "Обучение сотрудников — Картотека", "forward: its title");
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
      await first.context.close();
    },
  },
  {
    name: "the title follows a rename of the open deal and a switch of language",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await click(page, { role: "row", name: DEAL });
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
];
