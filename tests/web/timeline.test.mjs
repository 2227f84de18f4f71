// The card's right column is the history's (issue 21): a composer with a tab per thing done from the card,
// the planned to-dos, then compact entries with an icon each; an entry naming an item links to it.
import path from "node:path";
import { newPage, state, find, findAll, semantics, click, frames, scrollTo, assert, assertEq } from "./browser.mjs";

const RIGHT = { x: 950, y: 500 };  // over the card's history column at 1280×800
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
    name: "the composer's tabs open their forms in place: Дело plans a to-do, Звонок hands the number to the phone and logs the call, Письмо/SMS/WhatsApp their messages, Esc folds back; Документ is a dialog",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const noDialog = async (what) =>
        assertEq((await findAll(page, { role: "dialog" })).length, 0, what + " opens in place, not as a dialog");
      const selected = async (name) =>
        assertEq((await find(page, name.startsWith("composer:") ? { id: name } : { role: "button", name })).selected, true, name + " is the tab shown");
      // Дело: the to-do's form takes the comment box's place; saving plans it and the box comes back.
      await click(page, { role: "button", name: "Дело" });
      await find(page, { id: "todo:subject" });
      await noDialog("Дело");
      await selected("Дело");
      assertEq((await findAll(page, { id: "tl:composer" })).length, 0, "the form replaces the comment box");
      await page.screenshot({ path: path.join(resultsDir, "composer-todo-in-place.png") });
      const save = await find(page, { id: "todo:save" });
      assert(save.y + save.h <= 800, "the form's buttons are in view at 1280×800: " + JSON.stringify(save));
      assertEq((await findAll(page, { id: "todo:location" })).length, 0, "the rarer fields wait behind a link");
      await replaceText(page, { id: "todo:subject" }, "Позвонить после обеда");
      await click(page, { role: "link", name: "+ Описание, цвет, участники, место" });
      await scrollTo(page, { id: "todo:location" }, RIGHT);
      await replaceText(page, { id: "todo:location" }, "Офис клиента");
      await scrollTo(page, { id: "todo:save" }, RIGHT);
      await click(page, { id: "todo:save" });
      await frames(page, 3);
      assert((await state(page)).card.todos.some((t) => t.subject === "Позвонить после обеда" && t.location === "Офис клиента"),
        "the to-do is planned, with its place");
      await scrollTo(page, { id: "tl:composer" }, RIGHT);
      await selected("composer:comment");
      // Звонок: the number goes to the phone once; the call is logged from the form in place.
      const call = await find(page, { role: "button", name: "Звонок" });
      assert(/^tel:\+\d{11}$/.test(call.href || ""), "the tab carries the number: " + call.href);
      await click(page, { id: call.id });
      await find(page, { id: "comm:outcome" });
      await noDialog("Звонок");
      await selected("Звонок");
      assert((await find(page, { id: "comm:to" })).name.includes("+"), "the form says whom it calls");
      const opened = await page.evaluate(() => Module.ktHandOff.opened.map((o) => o.href));
      assertEq(opened, [call.href], "the number went to the phone, once");
      await click(page, { id: "comm:note" });
      await page.keyboard.type("Договорились о встрече", { delay: 5 });
      await click(page, { id: "comm:save" });
      await frames(page, 3);
      const logged = (await state(page)).card.timeline.find((e) => e.kind === "communication" && (e.detail || "").includes("Договорились"));
      assert(logged, "the call is in the history");
      await find(page, { id: "tl:composer" });
      // Письмо, then SMS: one form at a time; what was written stays while its tab is shown.
      await click(page, { role: "button", name: "Письмо" });
      await replaceText(page, { id: "comm:subject" }, "Коммерческое предложение");
      await noDialog("Письмо");
      await click(page, { role: "button", name: "SMS" });
      assertEq((await findAll(page, { id: "comm:subject" })).length, 0, "the e-mail form folded");
      await find(page, { id: "comm:body" });
      await selected("SMS");
      await click(page, { role: "button", name: "WhatsApp" });
      await find(page, { id: "comm:body" });
      await noDialog("WhatsApp");
      // Esc folds the form back to the comment box.
      await page.keyboard.press("Escape");
      await frames(page, 3);
      assertEq((await findAll(page, { id: "comm:body" })).length, 0, "Esc folded the form");
      await find(page, { id: "tl:composer" });
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
