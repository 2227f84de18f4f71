// Accessible names (issue 21, "everything a sighted user reads"): what a screen reader announces is what a
// sighted user reads, never an internal id or an ImGui label. The walk below opens the main screens and
// dialogs and checks every node of the semantics tree (what web/a11y.js mirrors): a name that looks like an
// id (a colon between two words, a leading '#', the node's own id) or an interactive node without a name
// fails. Text nodes carry their text: a timeline entry's content, a to-do's deadline, kanban column counts
// and sums, the products total; a pinned entry drawn twice is in the mirror twice.
import { newPage, semantics, find, findAll, click, frames, scrollTo, assert, assertEq } from "./browser.mjs";
import { open, openItem, replaceText, readScrolled, FIELDS_COLUMN } from "./web_support.mjs";

const INTERACTIVE = new Set(["button", "link", "radio", "checkbox", "option", "textbox", "searchbox", "combobox",
  "row", "columnheader", "tab", "menuitem", "slider", "switch"]);

// Why `n`'s name is not a name a person reads, or "" when it is one.
export function badName(n) {
  const name = n.name || "";
  if (!name.trim()) return INTERACTIVE.has(n.role) ? "empty name" : "";
  if (name === n.id) return "the node's id";
  if (name.startsWith("#") || name.includes("##")) return "an ImGui label";
  // A word, a colon and more without a space ("config:from:0") is an id; times (15:30) and addresses (tel:,
  // https:) are what people read, and so is "(мин:сек)".
  const rest = name.replace(/\d:\d/g, "").replace(/\b(https?|tel|mailto|sms|whatsapp):\S*/gi, "");
  if (/(^|\s)[A-Za-z_][\w.-]*:[\w#]/.test(rest)) return "looks like an id";
  return "";
}

// Checks the tree as it is now; adds what is wrong to `problems`, each with where it was seen.
async function check(page, where, problems) {
  await frames(page, 2);
  const nodes = await semantics(page);
  const ids = new Map();
  for (const n of nodes) {
    const why = badName(n);
    if (why) problems.push(`${where}: ${n.role} ${JSON.stringify(n.id)} named ${JSON.stringify(n.name)} (${why})`);
    ids.set(n.id, (ids.get(n.id) || 0) + 1);
  }
  for (const [id, count] of ids)
    if (count > 1) problems.push(`${where}: ${count} nodes share the id ${JSON.stringify(id)} (the mirror shows one)`);
  return nodes;
}

// One step of the walk: a step that cannot open what it names is a problem too (the walk goes on).
async function step(page, where, problems, action) {
  try {
    await action();
    return await check(page, where, problems);
  } catch (e) {
    problems.push(`${where}: could not open: ${String(e.message || e).split("\n")[0].slice(0, 300)}`);
    return [];
  }
}

function report(problems) {
  if (problems.length) console.log("        " + [...new Set(problems)].join("\n        "));
  if (problems.length) throw new Error(`${problems.length} name problem(s):\n  ` + [...new Set(problems)].join("\n  "));
}

async function closeWithEsc(page) {
  await page.keyboard.press("Escape");
  await frames(page, 3);
}

// The mirror's element for a node, as a screen reader reads it: its role, name and text content.
// The mirror follows the tree at most every 100 ms while frames come one after the other (app/a11y_mirror.hpp):
// a node just drawn may reach it a few frames later, so this waits for it (up to 3 s) as a screen reader would.
async function mirrorText(page, id) {
  const read = () => page.evaluate((i) => {
    const all = [...document.querySelectorAll("#a11y-mirror [data-node]")].filter((e) => e.dataset.node === i);
    return all.map((e) => ((e.getAttribute("aria-label") || "") + " " + e.textContent).trim()).join(" | ");
  }, id);
  const deadline = Date.now() + 3000;
  let text = await read();
  while (!text && Date.now() < deadline) {
    await frames(page, 1);
    text = await read();
  }
  return text;
}

// The timeline in the card's right column, read from the mirror from its top to its end (it is virtualised:
// only the entries in view are drawn): node id -> the text a screen reader reads.
const TIMELINE = { x: 1000, y: 500 };
const timeline = (page) => readScrolled(page, TIMELINE, () => page.evaluate(() =>
  [...document.querySelectorAll("#a11y-mirror [role=article]")].map((e) => [e.dataset.node, e.textContent])));

const CSV = "\ufeffФамилия;Имя;Телефон;Заметка\r\nТестов;Пётр;+7 900 100-00-01;Из таблицы\r\n";

export const tests = [
  {
    name: "names: the list, its filter, import, create dialog and the kanban name what they show",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const problems = [];
      await step(page, "list", problems, () => open(page, url, "#/list/deal"));
      await step(page, "filter popup", problems, () => click(page, { id: "list:filter" }));
      await step(page, "filter field list", problems, () => click(page, { id: "filter:field" }));
      await closeWithEsc(page);
      await closeWithEsc(page);
      await step(page, "data menu", problems, () => click(page, { id: "list:dataio" }));
      await step(page, "import dialog", problems, async () => {
        const chooser = page.waitForEvent("filechooser", { timeout: 10000 });
        await click(page, { id: "dataio:import" });
        await click(page, { id: "import:pick" });
        await (await chooser).setFiles({ name: "c.csv", mimeType: "text/csv", buffer: Buffer.from(CSV, "utf8") });
        await frames(page, 4);
        await find(page, { id: "import:map:0" });
      });
      await closeWithEsc(page);
      await step(page, "create dialog", problems, async () => {
        await open(page, url, "#/list/deal");
        await click(page, { id: "action:create" });
      });
      await closeWithEsc(page);
      await step(page, "kanban", problems, async () => {
        await open(page, url, "#/kanban/deal/0");
        await find(page, { role: "heading", name: /.+/ });
      });
      report(problems);
      await context.close();
    },
  },
  {
    name: "names: the card's tabs, the field settings, to-do and call dialogs name what they show",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const problems = [];
      await step(page, "card D1", problems, () => openItem(page, url, "D1"));
      for (const tab of ["products", "links", "history"])
        await step(page, "card D1 " + tab, problems, () => click(page, { id: "tab:" + tab }));
      await step(page, "tab configuration", problems, async () => {
        await openItem(page, url, "D1");
        await click(page, { id: "tabs:configure" });
      });
      await step(page, "field menu", problems, async () => {
        await openItem(page, url, "D1");
        await click(page, { id: "secedit:main" });
        await scrollTo(page, { id: "fieldmenu:TITLE" }, FIELDS_COLUMN);
        await click(page, { id: "fieldmenu:TITLE" });
      });
      await step(page, "field settings dialog", problems, async () => {
        await click(page, { id: "menu:configure:TITLE" });
        await find(page, { role: "dialog", name: /Настройки поля/ });
        const box = (await semantics(page)).find((n) => n.id.startsWith("config:req:"));
        if (box) await click(page, { id: box.id });
      });
      await closeWithEsc(page);
      await step(page, "new field dialog", problems, async () => {
        await scrollTo(page, { id: "createfield:main" }, FIELDS_COLUMN);
        await click(page, { id: "createfield:main" });
        await find(page, { id: "newfield:type" });
      });
      await closeWithEsc(page);
      await step(page, "to-do dialog", problems, async () => {
        await openItem(page, url, "D2");
        await click(page, { id: "action:todo" });
        await find(page, { id: "todo:subject" });
      });
      await closeWithEsc(page);
      await step(page, "call-log dialog", problems, async () => {
        await openItem(page, url, "D2");
        const calls = await findAll(page, { role: "link", name: "Позвонить" });
        await click(page, { id: calls[0].id });
        await find(page, { id: "comm:outcome" });
      });
      await closeWithEsc(page);
      report(problems);
      await context.close();
    },
  },
  {
    name: "names: the settings pages and the connect dialog name what they show",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const problems = [];
      for (const p of ["users", "departments", "roles", "fields", "pipelines", "types", "data", "documents"])
        await step(page, "settings " + p, problems, () => open(page, url, "#/settings/" + p));
      await step(page, "role form", problems, async () => {
        await open(page, url, "#/settings/roles");
        await click(page, { id: "settings:add_role" });
      });
      await step(page, "connect dialog", problems, async () => {
        await open(page, url, "#/list/deal");
        await click(page, { id: "user" });
        await click(page, { id: "menu:connect" });
        await find(page, { id: "connect:submit" });
      });
      report(problems);
      await context.close();
    },
  },
  {
    name: "text nodes carry their text: timeline content, a to-do's deadline, the products total; a pinned entry shows twice",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      // A comment, pinned: drawn in the pinned block and in the history, so twice in the mirror.
      await click(page, { id: "tl:composer" });
      await page.keyboard.type("Клиент просит скидку", { delay: 5 });
      await frames(page, 2);
      await click(page, { id: "tl:send" });
      let articles = await timeline(page);
      const comment = Object.entries(articles).find(([, t]) => t.includes("Клиент просит скидку"));
      assert(comment, "the mirror reads the comment's text: " + JSON.stringify(Object.values(articles)));
      await scrollTo(page, { id: "tl:pin:" + comment[0].replace(/^timeline:/, "") }, TIMELINE);
      await click(page, { id: "tl:pin:" + comment[0].replace(/^timeline:/, "") });
      articles = await timeline(page);
      const copies = Object.entries(articles).filter(([, t]) => t.includes("Клиент просит скидку"));
      assertEq(copies.length, 2, "the pinned comment is read in the pinned block and in the history: " + JSON.stringify(copies));

      // A stage change reads from → to.
      const stage = Object.values(articles).find((t) => t.includes("Смена стадии"));
      assert(stage && /Новая\s*→\s*Подготовка документов/.test(stage), "the stage entry reads from → to: " + stage);

      // A logged call reads its outcome.
      const callLink = await scrollTo(page, { role: "link", name: "Позвонить" }, TIMELINE);
      await click(page, { id: callLink.id });
      await replaceText(page, { id: "comm:duration" }, "3:25");
      await click(page, { id: "comm:save" });
      const call = Object.values(await timeline(page)).find((t) => t.includes("3:25"));
      assert(call && /Состоялся разговор/.test(call), "the call entry reads its outcome: " + call);

      // A planned to-do reads its deadline, and its checkbox says what it does.
      await scrollTo(page, { id: "action:todo" }, TIMELINE);
      await click(page, { id: "action:todo" });
      await replaceText(page, { id: "todo:subject" }, "Перезвонить клиенту");
      await click(page, { id: "todo:save" });
      const problems = [];
      const nodes = await check(page, "card with a to-do", problems);
      report(problems);
      const todo = nodes.find((n) => n.role === "listitem" && n.id.startsWith("todo:") && n.name === "Перезвонить клиенту");
      assert(todo, "the to-do is in the tree");
      const todoText = await mirrorText(page, todo.id);
      assert(/\d{2}\.\d{2}\.\d{4}|\d{1,2}:\d{2}/.test(todoText), "the to-do reads its deadline: " + todoText);

      // The products total.
      await click(page, { id: "tab:products" });
      await find(page, { id: "prod:total" });
      const total = await mirrorText(page, "prod:total");
      assert(/Итого/.test(total) && /\d/.test(total), "the products total is read with its amount: " + total);

      // A kanban column reads its count.
      await open(page, url, "#/kanban/deal/0");
      const column = await mirrorText(page, "kanban:column:NEW");
      assert(/Новая\D+\d+/.test(column), "a kanban column reads its count: " + column);
      assert(/₽/.test(await mirrorText(page, "kanban:sum:NEW")), "and its sum");
      await context.close();
    },
  },
];
