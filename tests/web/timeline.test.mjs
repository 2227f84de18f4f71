// The card's right column is the history's (issue 21): a composer with a tab per thing done from the card,
// the planned to-dos, then compact entries with an icon each; an entry naming an item links to it.
import path from "node:path";
import { newPage, state, find, findAll, semantics, click, frames, assert, assertEq } from "./browser.mjs";
import { openItem, replaceText } from "./web_support.mjs";

export const tests = [
  {
    name: "at 1280×800 three history entries show without scrolling on a card with a client and a planned to-do",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      // A to-do from the composer's tab, a comment written in place.
      await click(page, { role: "button", name: "Дело" });
      await replaceText(page, { id: "todo:subject" }, "Отправить договор");
      await click(page, { id: "todo:save" });
      await click(page, { id: "tl:composer" });
      await page.keyboard.type("Клиент ждёт договор до пятницы", { delay: 5 });
      await click(page, { id: "tl:send" });
      await frames(page, 3);
      const s = await state(page);
      assert(s.card.todos.some((t) => t.subject === "Отправить договор" && !t.completed), "a planned to-do");
      assert((await findAll(page, { id: "heading:client" })).length === 1, "the card shows its client");
      await page.screenshot({ path: path.join(resultsDir, "card-timeline-first.png") });
      const entries = (await semantics(page)).filter((n) => n.role === "article" && n.id.startsWith("timeline:") &&
        n.y >= 0 && n.y + n.h <= 800 && n.h > 20);
      assert(entries.length >= 3, `three entries above the fold, saw ${entries.length}: ` + entries.map((e) => e.name).join(" | "));
      await context.close();
    },
  },
  {
    name: "the composer's Звонок tab hands the client's number to the phone and opens the call log; Письмо, SMS, WhatsApp, Документ their forms",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const call = await find(page, { role: "button", name: "Звонок" });
      assert(/^tel:\+\d{11}$/.test(call.href || ""), "the tab carries the number: " + call.href);
      await click(page, { id: call.id });
      await find(page, { id: "comm:outcome" });
      const opened = await page.evaluate(() => Module.ktHandOff.opened.map((o) => o.href));
      assertEq(opened, [call.href], "the number went to the phone, once");
      await click(page, { id: "comm:cancel" });
      await click(page, { role: "button", name: "Письмо" });
      await find(page, { id: "comm:subject" });
      await click(page, { id: "comm:cancel" });
      // SMS and WhatsApp open their message forms; Документ the document dialog.
      for (const [tab, title] of [["SMS", "SMS"], ["WhatsApp", "WhatsApp"]]) {
        await click(page, { role: "button", name: tab });
        await find(page, { role: "dialog", name: new RegExp("^" + title) });
        await find(page, { id: "comm:body" });
        await click(page, { id: "comm:cancel" });
      }
      await click(page, { role: "button", name: "Документ" });
      await find(page, { role: "dialog", name: /Документ/ });
      await context.close();
    },
  },
  {
    name: "a conversion entry links to the item it names; Связи shows the linked items' stage",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "L1");
      await click(page, { id: "action:convert" });
      await click(page, { id: "convert:go" });
      await frames(page, 4);
      let s = await state(page);
      assertEq(s.card.entity, "deal", "the new deal opens");
      const entry = s.card.timeline.find((e) => e.kind === "conversion");
      assert(entry, "the deal's history has the conversion");
      // Связи shows the lead with its stage.
      await click(page, { id: "tab:links" });
      const info = await find(page, { id: "linkinfo:L1" });
      assert(info.name.length > 0, "the lead's stage is shown beside it: " + info.name);
      await page.screenshot({ path: path.join(resultsDir, "links-tab.png") });
      await click(page, { id: "tab:main" });
      await click(page, { id: "tl:open:timeline:" + entry.id });
      s = await state(page);
      assertEq(s.card.id, "L1", "the link opens the lead it names");
      await context.close();
    },
  },
];
