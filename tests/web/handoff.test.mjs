// Calls, messages and web links hand off like a DOM link (issue 25): no hook replaces the hand-off here.
// Headless Chromium has no program for tel:, sms: or mailto:; opened in the tab itself (a hidden iframe,
// location.href) such a link made the browser wait for an answer and the tab took no more input. Each test
// takes the real path, then fills and saves the log dialog and finds the entry in the timeline.
import path from "node:path";
import { newPage, state, find, findAll, click, frames, assert, assertEq } from "./browser.mjs";
import { openItem, replaceText } from "./web_support.mjs";

// The links the page handed to the browser, with what opened them (web/handoff.js).
async function opened(page) {
  return page.evaluate(() => Module.ktHandOff.opened.map((o) => ({ href: o.href, via: o.via })));
}

// The log dialog still takes the mouse and the keyboard: a note typed, saved, found in the timeline.
async function logAndFind(page, note, title) {
  await replaceText(page, { id: "comm:note" }, note);
  await click(page, { id: "comm:save" });
  const s = await state(page);
  const entry = s.card.timeline.find((e) => e.kind === "communication" && e.detail.includes(note));
  assert(entry, "the entry is in the timeline: " + JSON.stringify(s.card.timeline.slice(0, 3)));
  assertEq(entry.title, title, "its title");
  assertEq((await findAll(page, { id: "comm:save" })).length, 0, "the dialog closed");
}

// Opens the card of D2 (its client has a phone and an e-mail) and returns its client block's links.
async function clientLinks(page, url, name) {
  await openItem(page, url, "D2");
  const links = await findAll(page, { role: "link", name });
  assert(links.length > 0, `the client block offers "${name}"`);
  return links;
}

// A message channel: its link opens the dialog, "Открыть …" hands the text to the program, the log follows.
async function message(browser, url, resultsDir, { link, text, textId, open, href, title, shot }) {
  const { context, page } = await newPage(browser);
  const popups = [];
  context.on("page", (p) => popups.push(p));
  const links = await clientLinks(page, url, link);
  await click(page, { id: links[0].id });
  await replaceText(page, { id: textId }, text);
  const button = await find(page, { role: "button", name: open });
  assert(href.test(button.href || ""), "the button carries its link: " + button.href);
  await click(page, { id: "comm:open" });
  const o = await opened(page);
  assertEq(o.length, 1, "opened once: " + JSON.stringify(o));
  assert(href.test(o[0].href), "the link: " + o[0].href);
  assertEq(o[0].via, "gesture", "opened in the click's own handler");
  await page.screenshot({ path: path.join(resultsDir, shot) });
  await logAndFind(page, "Отправлено клиенту " + link, title);
  for (const p of popups) await p.close().catch(() => {});
  await context.close();
  return popups;
}

export const tests = [
  {
    name: "Позвонить opens tel: in the click and the call can be logged (no hook, the browser has no phone app)",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const calls = await clientLinks(page, url, "Позвонить");
      assert(/^tel:\+\d{11}$/.test(calls[0].href), "the link carries its number: " + calls[0].href);
      await click(page, { id: calls[0].id });
      const o = await opened(page);
      assertEq(o.map((x) => x.via), ["gesture"], "opened once, in the click's handler");
      assertEq(o[0].href, calls[0].href, "the number");
      await find(page, { id: "comm:outcome" });
      await replaceText(page, { id: "comm:duration" }, "2:10");
      await page.screenshot({ path: path.join(resultsDir, "handoff-call.png") });
      await logAndFind(page, "Перезвонить в пятницу", "Звонок (исходящий)");
      // Cancel and × close it too.
      await click(page, { id: calls[0].id });
      await click(page, { id: "comm:cancel" });
      assertEq((await findAll(page, { id: "comm:save" })).length, 0, "Отмена closes the dialog");
      assertEq((await opened(page)).length, 2, "the second call opened its link once more");
      await context.close();
    },
  },
  {
    name: "SMS hands sms: with the text to the browser, then the message is logged",
    async fn({ browser, url, resultsDir }) {
      await message(browser, url, resultsDir, { link: "SMS", text: "Жду подписанный договор", textId: "comm:body",
        open: "Открыть SMS", href: /^sms:\+\d{11}\?body=%D0%96/, title: "SMS (исходящее)", shot: "handoff-sms.png" });
    },
  },
  {
    name: "WhatsApp opens wa.me in a new tab, the card keeps working",
    async fn({ browser, url, resultsDir }) {
      const popups = await message(browser, url, resultsDir, { link: "WhatsApp", text: "Добрый день!", textId: "comm:body",
        open: "Открыть WhatsApp", href: /^https:\/\/wa\.me\/\d{11}\?text=/, title: "WhatsApp (исходящее)",
        shot: "handoff-whatsapp.png" });
      assertEq(popups.length, 1, "one new tab");
    },
  },
  {
    name: "Написать hands mailto: with subject and body to the browser, then the e-mail is logged",
    async fn({ browser, url, resultsDir }) {
      await message(browser, url, resultsDir, { link: "Написать", text: "Высылаем счёт", textId: "comm:body",
        open: "Открыть в почте", href: /^mailto:[^?]+@[^?]+\?subject=.*&body=%D0%92/, title: "Письмо (исходящее)",
        shot: "handoff-email.png" });
    },
  },
  {
    name: "a screen reader's Enter on the mirror's link opens tel: natively and the app's dialog, once",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const calls = await clientLinks(page, url, "Позвонить");
      const tag = await page.evaluate((id) => {
        const el = document.querySelector(`[data-node="${CSS.escape(id)}"]`);
        el.focus();
        return [el.tagName, el.getAttribute("href"), el.getAttribute("target")];
      }, calls[0].id);
      assertEq(tag, ["A", calls[0].href, "_blank"], "the mirror's element is a real link");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      await find(page, { id: "comm:outcome" });
      assertEq((await opened(page)).map((x) => x.via), ["mirror"], "opened once, by the link itself");
      await logAndFind(page, "Через экранный диктор", "Звонок (исходящий)");
      await context.close();
    },
  },
  {
    name: "on a phone a tap on Позвонить opens tel: in the tap and the call can be logged with taps",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3,
        hasTouch: true, isMobile: true });
      const calls = await clientLinks(page, url, "Позвонить");
      // A finger's tap lasts a few frames: the app learns the link under it before it lifts.
      const n = calls[0];
      const cdp = await context.newCDPSession(page);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: n.x + n.w / 2, y: n.y + n.h / 2 }] });
      await frames(page, 2);
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await cdp.detach();
      await frames(page, 3);
      await find(page, { id: "comm:outcome" });
      const o = await opened(page);
      assertEq(o.length, 1, "opened once: " + JSON.stringify(o));
      assertEq([o[0].href, o[0].via], [n.href, "gesture"], "the number, opened in the tap's handler");
      const save = await find(page, { id: "comm:save" });
      await page.touchscreen.tap(save.x + save.w / 2, save.y + save.h / 2);
      await frames(page, 3);
      const s = await state(page);
      assert(s.card.timeline.some((e) => e.kind === "communication"), "the call is in the timeline");
      await context.close();
    },
  },
];
