// Words and looks a new user reads (issue 21): titles of communications that agree in gender, outcomes that
// fit the channel, an empty list that names its type, a repeat lead said so, a "required" box that says what
// it means; a red required asterisk, a lock on a field of limited visibility, red destructive confirmations;
// demo-only controls marked as such, undo and redo off for whoever may not edit. What is drawn is checked on
// the screenshot's pixels, what is said through the semantics tree.
import { inflateSync } from "node:zlib";
import path from "node:path";
import { newPage, state, find, findAll, click, frames, scrollTo, assert, assertEq } from "./browser.mjs";
import { FIELDS_COLUMN, addTextField, open, openItem, replaceText, setField, waitSemantics } from "./web_support.mjs";

// ---- pixels of the page --------------------------------------------------------------------------------

// Decodes a PNG as page.screenshot makes it (8-bit RGB or RGBA, not interlaced) into {w, h, px(x, y)}.
function decodePng(buf) {
  let pos = 8, w = 0, h = 0, channels = 4;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString("ascii", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      w = data.readUInt32BE(0);
      h = data.readUInt32BE(4);
      assert(data[8] === 8 && (data[9] === 2 || data[9] === 6) && data[12] === 0, "an 8-bit RGB(A) PNG");
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === "IDAT") {
      idat.push(data);
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = w * channels, out = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[y * stride + i - channels] : 0;
      const b = y ? out[(y - 1) * stride + i] : 0;
      const c = y && i >= channels ? out[(y - 1) * stride + i - channels] : 0;
      let v = line[i];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + i] = v & 255;
    }
  }
  return { w, h, px: (x, y) => [...out.subarray(y * stride + x * channels, y * stride + x * channels + 3)] };
}

// The pixels of a rectangle of the page (CSS pixels at deviceScaleFactor 1), as a list of [r, g, b].
async function pixels(page, r) {
  const clip = { x: Math.max(0, Math.floor(r.x)), y: Math.max(0, Math.floor(r.y)),
    width: Math.max(1, Math.round(r.w)), height: Math.max(1, Math.round(r.h)) };
  const img = decodePng(await page.screenshot({ clip }));
  const all = [];
  for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) all.push(img.px(x, y));
  return all;
}

// Red as kError draws it, or its anti-aliased edge on white.
const isRed = ([r, g, b]) => r > 180 && r - g > 60 && r - b > 60;
const TIMELINE = { x: 950, y: 650 };
const isDark = ([r, g, b]) => r + g + b < 3 * 190;

async function switchUser(page, id) {
  await click(page, { id: "user" });
  await click(page, { id: `switchuser:${id}` });
  await frames(page, 3);
  assertEq((await state(page)).user, id, "switched user");
}

// The options a combobox offers, by their shown names (the dropdown is closed again with Esc).
async function optionsOf(page, comboId) {
  await click(page, { id: comboId });
  await find(page, { role: "option" });
  const names = (await findAll(page, { role: "option" })).map((n) => n.name);
  await page.keyboard.press("Escape");
  await frames(page, 2);
  return names;
}

async function choose(page, comboId, optionName) {
  await click(page, { id: comboId });
  await click(page, { role: "option", name: optionName });
}

export const tests = [
  {
    name: "communications: titles agree with the channel, outcomes fit it (no 'Состоялся разговор' for an e-mail)",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const entries = async () => (await state(page)).card.timeline.filter((e) => e.kind === "communication");

      // An e-mail: sent or received, an outgoing one is "Письмо (исходящее)".
      const write = await findAll(page, { role: "link", name: "Написать" });
      assert(write.length > 0, "the client block offers to write");
      await click(page, { id: write[0].id });
      assertEq(await optionsOf(page, "comm:outcome"), ["Отправлено", "Получено"], "an e-mail's outcomes");
      assertEq(await optionsOf(page, "comm:direction"), ["Исходящее", "Входящее"], "an e-mail's directions");
      await click(page, { id: "comm:save" });
      let e = (await entries()).at(-1);
      assertEq(e.title, "Письмо (исходящее)", "an outgoing e-mail's title");
      assert(e.detail.includes("Отправлено"), "sent: " + e.detail);
      await scrollTo(page, { role: "article", name: "Письмо (исходящее)" }, TIMELINE);

      // A call: the outcomes of a call only.
      const calls = await findAll(page, { role: "link", name: "Позвонить" });
      await click(page, { id: calls[0].id });
      assertEq(await optionsOf(page, "comm:outcome"), ["Состоялся разговор", "Не ответил", "Занято", "Оставлено сообщение"],
        "a call's outcomes");
      await choose(page, "comm:direction", "Входящий");
      await choose(page, "comm:outcome", "Занято");
      await click(page, { id: "comm:save" });
      e = (await entries()).at(-1);
      assertEq(e.title, "Звонок (входящий)", "an incoming call's title");
      assert(e.detail.includes("Занято"), "busy: " + e.detail);

      // An SMS: incoming, so received (the outcome follows the direction).
      const sms = await findAll(page, { role: "link", name: "SMS" });
      assert(sms.length > 0, "the client block offers an SMS");
      await click(page, { id: sms[0].id });
      await choose(page, "comm:direction", "Входящее");
      assertEq((await find(page, { id: "comm:outcome" })).value, "Получено", "an incoming message was received");
      await click(page, { id: "comm:save" });
      e = (await entries()).at(-1);
      assertEq(e.title, "SMS (входящее)", "an incoming SMS's title");
      assert(e.detail.includes("Получено") && !e.detail.includes("Состоялся"), "received: " + e.detail);
      await scrollTo(page, { role: "article", name: "SMS (входящее)" }, TIMELINE);
      await context.close();
    },
  },
  {
    name: "an empty list names its type (a smart process); a search finding nothing says so",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/types");
      await click(page, { id: "settings:add_type" });
      await replaceText(page, { id: "typeform:name" }, "Проект");
      await replaceText(page, { id: "typeform:plural" }, "Проекты");
      await click(page, { id: "typeform:save" });
      await frames(page, 3);
      await open(page, url, "#/list/smart_1");
      assertEq((await find(page, { id: "list:empty" })).name, "В разделе «Проекты» пока нет записей", "a smart process's empty list");
      assert(!(await semantics_names(page)).includes("Сделок пока нет"), "no word of deals");
      await open(page, url, "#/list/deal");
      await replaceText(page, { id: "list:search" }, "zzzzqqq");
      await waitSemantics(page, (nodes) => nodes.some((n) => n.id === "list:empty" && n.name === "Ничего не найдено"),
        "a search finding nothing");
      await context.close();
    },
  },
  {
    name: "a repeat lead's card says 'Повторный лид'; a first lead's says 'Лид'",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "L2");  // a lead with a contact and a company
      // The kind, then the lead's number.
      assertEq((await find(page, { id: "card:kind" })).name, "Повторный лид № 2", "the repeat lead's header");
      await openItem(page, url, "L1");
      assertEq((await find(page, { id: "card:kind" })).name, "Лид № 1", "a first lead's header");
      await context.close();
    },
  },
  {
    name: "a new field's required box says 'Обязательное поле'; a required field's asterisk is red on the card and in a form",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D1");
      const section = (await state(page)).card.sections[0];
      await click(page, { id: `secedit:${section.id}` });
      await scrollTo(page, { id: `createfield:${section.id}` }, FIELDS_COLUMN);
      await click(page, { id: `createfield:${section.id}` });
      await find(page, { role: "dialog", name: "Новое поле" });
      assertEq((await find(page, { id: "newfield:required" })).name, "Обязательное поле", "the box says what it means");
      await replaceText(page, { id: "newfield:name_ru" }, "Номер договора");
      await click(page, { id: "newfield:required" });
      await click(page, { id: "newfield:submit" });
      await frames(page, 3);
      const field = (await state(page)).card.sections[0].fields.find((f) => !section.fields.includes(f));
      assert(field, "the field was created");
      await scrollTo(page, { id: `secedit:${section.id}` }, FIELDS_COLUMN);
      await click(page, { id: `secedit:${section.id}` });

      // The label sits above the value: its asterisk is the red at the end of that line.
      const value = await scrollTo(page, { id: `field:D1:${field}` }, FIELDS_COLUMN);
      assertEq(value.name, "Номер договора *", "the label marks it required");
      const label = { x: value.x, y: value.y - 20, w: 200, h: 20 };
      const red = (await pixels(page, label)).filter(isRed).length;
      assert(red >= 4, `the asterisk is red (${red} red pixels)`);

      // The create form asks for the new required field, marked the same way.
      await open(page, url, "#/list/deal");
      await click(page, { id: "action:create" });
      const title = await find(page, { id: "create:" + field });
      assertEq(title.name, "Номер договора *", "the form's field is required");
      const formRed = (await pixels(page, { x: title.x, y: title.y - 20, w: title.w, h: 20 })).filter(isRed).length;
      assert(formRed >= 4, `the form's asterisk is red (${formRed} red pixels)`);
      await context.close();
    },
  },
  {
    name: "a field of limited visibility shows a drawn lock to who configures it, not to who only sees it",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D1");
      const field = await addTextField(page, "D1", "Маржа", "12%");
      const section = (await state(page)).card.sections[0].id;
      await scrollTo(page, { id: `secedit:${section}` }, FIELDS_COLUMN);
      await click(page, { id: `secedit:${section}` });
      await click(page, { id: `fieldmenu:${field}` });
      await click(page, { id: `menu:configure:${field}` });
      const DIALOG = { x: 640, y: 300 };
      await scrollTo(page, { id: "config:restricted" }, DIALOG);
      await click(page, { id: "config:restricted" });
      await scrollTo(page, { id: "config:codes:DRd2" }, DIALOG);
      await click(page, { id: "config:codes:DRd2" });
      await click(page, { id: "config:save" });
      await frames(page, 3);
      await scrollTo(page, { id: `secedit:${section}` }, FIELDS_COLUMN);
      await click(page, { id: `secedit:${section}` });
      await scrollTo(page, { id: `field:D1:${field}` }, FIELDS_COLUMN);
      const lock = await find(page, { id: `fieldlock:${field}` });
      assertEq([lock.role, lock.name], ["img", "Видимость поля ограничена"], "the lock's node");
      await page.screenshot({ path: path.join(resultsDir, "wording-lock.png"), clip: { x: 0, y: lock.y - 200, width: 640, height: 300 } });
      // Drawn, not a missing glyph: dark pixels fill a good part of its box, and none are red.
      const px = await pixels(page, lock);
      const dark = px.filter(isDark).length;
      assert(dark >= px.length / 5, `the lock is drawn (${dark} of ${px.length} pixels)`);

      await switchUser(page, "u4");  // Moscow sales: sees the field, may not configure it
      await scrollTo(page, { id: `field:D1:${field}` }, FIELDS_COLUMN);
      assertEq((await findAll(page, { id: `fieldlock:${field}` })).length, 0, "no lock for who only sees it");
      await context.close();
    },
  },
  {
    name: "a destructive confirmation is red: deleting an item",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D1");
      await click(page, { id: "action:more" });
      await click(page, { id: "menu:delete" });
      const yes = await find(page, { id: "confirm:yes" });
      await page.screenshot({ path: path.join(resultsDir, "wording-confirm.png") });
      const px = await pixels(page, { x: yes.x + 2, y: yes.y + 2, w: yes.w - 4, h: yes.h - 4 });
      const red = px.filter(isRed).length;
      assert(red >= px.length / 2, `the delete button is red (${red} of ${px.length} pixels)`);
      const no = await find(page, { id: "confirm:no" });
      const noRed = (await pixels(page, no)).filter(isRed).length;
      assertEq(noRed, 0, "cancel is not red");
      await click(page, { id: "confirm:no" });
      assertEq((await state(page)).card.id, "D1", "nothing was deleted");
      await context.close();
    },
  },
  {
    name: "switching user without a password says it is a demo of the local workspace",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/list/deal");
      await click(page, { id: "user" });
      const note = await find(page, { id: "user:demo" });
      assertEq(note.name, "Демо: смена пользователя без пароля — только в локальной картотеке", "the demo note");
      await find(page, { id: "switchuser:u3" });
      await page.screenshot({ path: path.join(resultsDir, "wording-demo.png"), clip: { x: 780, y: 0, width: 500, height: 400 } });
      const px = await pixels(page, { x: note.x + 1, y: note.y + 1, w: note.w - 2, h: note.h - 2 });
      const yellow = px.filter(([r, g, b]) => r > 240 && g > 230 && b < 230).length;
      assert(yellow >= px.length / 3, `on a yellow ground (${yellow} of ${px.length} pixels)`);
      await context.close();
    },
  },
  {
    name: "undo and redo are off for a user who may not edit the item; the values do not look editable",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D1");
      await setField(page, "D1", "TITLE", "Поставка серверов (изменено)");
      assertEq(!!(await find(page, { id: "action:undo" })).disabled, false, "the editor may undo");
      const editable = await scrollTo(page, { id: "field:D1:COMMENTS" }, FIELDS_COLUMN);
      await page.mouse.move(editable.x + 20, editable.y + editable.h / 2);
      await frames(page, 2);
      assertEq(await page.evaluate(() => Module.canvas.style.cursor), "pointer", "an editable value takes a click");

      await switchUser(page, "u3");  // support: edits only her own items
      const s = await state(page);
      assertEq([s.card.id, s.can_undo], ["D1", true], "the stack still holds the step");
      assertEq(!!(await find(page, { id: "action:undo" })).disabled, true, "undo is off for Maria");
      assertEq(!!(await find(page, { id: "action:redo" })).disabled, true, "redo is off for Maria");
      const shown = await scrollTo(page, { id: "field:D1:COMMENTS" }, FIELDS_COLUMN);
      assertEq(shown.role, "text", "a read-only value is text");
      await page.mouse.move(shown.x + 20, shown.y + shown.h / 2);
      await frames(page, 2);
      assert(await page.evaluate(() => Module.canvas.style.cursor) !== "pointer", "a read-only value takes no click");
      await context.close();
    },
  },
];

async function semantics_names(page) {
  return (await page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_semantics_json())))).map((n) => n.name);
}
