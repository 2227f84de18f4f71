// Phones and tablets (issue 22): at 390×844 (DPR 3, touch) and 768×1024 no two controls overlap and every
// control lies inside the screen, on a phone each at least 44×44 CSS px; on both the main journeys pass with
// the finger alone — taps, and swipes to scroll. Screenshots of each width go to test-results/ (phone-*.png,
// tablet-*.png).
import path from "node:path";
import { newPage, waitForApp, state, shell, semantics, find, findAll, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { open, openItem, waitSynced, notify, startDataServer, connect, ADMIN, PHONE } from "./web_support.mjs";

const TABLET = { viewport: { width: 768, height: 1024 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
// A large tablet held sideways: the desktop's layout, touched (controls a finger's size).
const LARGE_TABLET = { viewport: { width: 1366, height: 1024 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true };
const SMALL = { viewport: { width: 320, height: 640 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true };
// A phone turned sideways: as wide as a tablet, as short as a phone is narrow; still the phone's layout.
const SIDEWAYS = { viewport: { width: 844, height: 390 }, deviceScaleFactor: 3, hasTouch: true, isMobile: true };
// The app's phone layout: narrow, or short (a phone held sideways; src/ui/theme.cpp form_factor).
const phoneSized = ({ width, height }) => width < 700 || height < 500;
// Controls that float over the content by design (a phone's "+" button): what lies under them scrolls out.
const FLOATING = new Set(["action:create"]);
const INTERACTIVE = new Set(["button", "link", "radio", "checkbox", "option", "textbox", "searchbox", "combobox",
  "row", "columnheader", "tab", "menuitem"]);

// What is wrong with the layout on screen now: controls overlapping each other, controls outside the screen.
async function layoutProblems(page, only = () => true) {
  const { width, height } = page.viewportSize();
  const nodes = (await semantics(page)).filter((n) => INTERACTIVE.has(n.role) && n.w > 1 && n.h > 1 && only(n));
  const problems = [];
  for (const n of nodes)
    if (n.x < -1 || n.y < -1 || n.x + n.w > width + 1 || n.y + n.h > height + 1)
      problems.push(`${n.id} (${n.role} "${n.name}") outside the screen: ${[n.x, n.y, n.w, n.h].map(Math.round)}`);
  // On a phone (held either way), and on any screen touched rather than pointed at (a tablet), every control
  // is a finger's target, 44 CSS px each way at least (a control partly scrolled out of its area is measured
  // when it is whole).
  if (phoneSized({ width, height }) || await page.evaluate(() => matchMedia("(pointer: coarse)").matches))
    for (const n of nodes)
      if (!n.cut && (n.w < 43.5 || n.h < 43.5))
        problems.push(`${n.id} (${n.role} "${n.name}") smaller than a finger: ${[n.x, n.y, n.w, n.h].map(Math.round)}`);
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i], b = nodes[j];
      const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (ox > 2 && oy > 2 && !FLOATING.has(a.id) && !FLOATING.has(b.id)) problems.push(`${a.id} "${a.name}" overlaps ${b.id} "${b.name}"`);
    }
  return problems;
}

// The cells of a table's rows (their nodes' ids match `ids`, the row's key in its group), the whole table on
// the screen: none is cut off by its column, runs into the next or out of the screen (a tablet's columns
// wrap their text).
async function cellsApart(page, ids, what) {
  const { width } = page.viewportSize();
  const rows = new Map();
  for (const n of await semantics(page)) {
    const m = ids.exec(n.id);
    if (m) rows.set(m[1], [...(rows.get(m[1]) || []), n]);
  }
  assert(rows.size > 0, `${what}: no rows on the screen`);
  const problems = [];
  for (const cells of rows.values()) {
    for (const c of cells) {
      if (c.x < -1 || c.x + c.w > width + 1) problems.push(`${c.id} "${c.name}" beyond the screen`);
      if (c.cut) problems.push(`${c.id} "${c.name}" cut off by its column`);
    }
    for (let i = 0; i < cells.length; i++)
      for (let j = i + 1; j < cells.length; j++) {
        const a = cells[i], b = cells[j];
        if (Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1)
          problems.push(`${a.id} "${a.name}" runs into ${b.id} "${b.name}"`);
      }
  }
  assert(problems.length === 0, `${what}: ${problems.length} problems:\n  ` + problems.slice(0, 12).join("\n  "));
}

async function checkScreen(page, resultsDir, shot, only) {
  await frames(page, 3);
  await page.screenshot({ path: path.join(resultsDir, shot) });
  const problems = await layoutProblems(page, only);
  assert(problems.length === 0, `${shot}: ${problems.length} problems:\n  ` + problems.slice(0, 12).join("\n  "));
}

// A finger's tap on the middle of a widget; the widget is first brought into view with swipes if needed.
async function tap(page, query) {
  const n = await reveal(page, query);
  await page.touchscreen.tap(n.x + n.w / 2, n.y + n.h / 2);
  await frames(page, 3);
  return n;
}

// A swipe with one finger from (x, y) by (dx, dy), through the DevTools protocol's touch events. The finger
// rests before it lifts, so the content moves as far as the finger did. `flick`: a quick one, lifted while
// moving (the content flies on).
async function swipe(page, x, y, dx, dy, { flick = false } = {}) {
  const cdp = await page.context().newCDPSession(page);
  if (flick) {
    await flickBy(cdp, x, y, dx, dy);
  } else {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
    for (let i = 1; i <= 8; i++)
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x + (dx * i) / 8, y: y + (dy * i) / 8 }] });
    await page.waitForTimeout(80);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  }
  await cdp.detach();
  await frames(page, 3);
}

// A flick: the finger down at (x, y), moved by (dx, dy) and lifted, all sent at once (one after the other,
// each waiting for the page, they would come a frame apart on a loaded machine: a slow drag that rests).
function flickBy(cdp, x, y, dx, dy) {
  const send = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points });
  return Promise.all([send("touchStart", [{ x, y }]),
    ...[1, 2, 3, 4].map((i) => send("touchMove", [{ x: x + (dx * i) / 4, y: y + (dy * i) / 4 }])), send("touchEnd", [])]);
}

// The phone's board settled on column `id`: its left edge where the first column's (`first`, its node
// before any swipe) was, the whole column on the screen. Returns its node.
async function boardSettled(page, first, id) {
  const column = () => find(page, { id: "kanban:drop:" + id }).catch(() => null);
  for (let i = 0; i < 40; i++) {
    const c = await column();
    if (c && Math.abs(c.x - first.x) < 2 && Math.abs(c.w - first.w) < 2) return c;
    await frames(page, 2);
  }
  throw new Error(`the board did not settle on ${id}: ` + JSON.stringify(await column()));
}

// A long press on (x, y), then the finger moves to each point of `path` in turn (holding `hold` ms at each),
// and lifts: a drag as a phone's user makes it. (While a finger holds the button the app always has input
// pending, so this waits by the clock, not with frames().)
async function longPressDrag(page, x, y, path, hold = 300) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  await page.waitForTimeout(700);
  let at = { x, y };
  for (const to of path) {
    for (let i = 1; i <= 6; i++)
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove",
        touchPoints: [{ x: at.x + ((to.x - at.x) * i) / 6, y: at.y + ((to.y - at.y) * i) / 6 }] });
    at = to;
    await page.waitForTimeout(100);
    if (to.until) {
      const t0 = Date.now();
      while (!(await to.until()) && Date.now() - t0 < 8000) await page.waitForTimeout(50);
    } else await page.waitForTimeout(hold);
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
  await frames(page, 3);
}

async function reveal(page, query) {
  const { width, height } = page.viewportSize();
  const inView = (n) => n && !n.cut && n.h > 4 && n.y >= 0 && n.y + n.h <= height && n.x >= 0 && n.x + n.w <= width;
  const match = (n) => (query.id === undefined || n.id === query.id) && (query.role === undefined || n.role === query.role) &&
    (query.name === undefined || (query.name instanceof RegExp ? query.name.test(n.name) : n.name === query.name));
  const ys = (nodes) => JSON.stringify(nodes.map((m) => m.y));
  // On the screen but cut by the edge of what it scrolls in (its node is what shows of it): swiped where it
  // is, towards the side it is cut on (in the upper half of the screen: cut at the top), the other way if
  // that showed less of it. Not on the screen: looked for further down first (a swipe upwards), then back up
  // once the page no longer moves, half a screen a swipe. A control no swipe brings into view fails the
  // test, by name.
  let nodes = await semantics(page), up = null, turns = 0;
  for (let i = 0; i < 30 && turns < 2; i++) {
    const n = nodes.find(match);
    if (inView(n)) return n;
    if (up === null) up = n ? n.y + n.h / 2 < height / 2 : false;
    // A cut one is swiped where it is (what it scrolls in); the finger stays on the screen.
    const x = n ? n.x + n.w / 2 : width / 2, y = n ? Math.min(Math.max(n.y + n.h / 2, height * 0.3), height * 0.7) : height * (up ? 0.25 : 0.75);
    await swipe(page, x, y, 0, (up ? 1 : -1) * height * (n ? 0.25 : 0.5));
    const after = await semantics(page), m = after.find(match);
    if (ys(after) === ys(nodes) || (n && (!m || m.h < n.h - 1))) {
      up = !up;
      turns++;
    } else turns = 0;
    nodes = after;
  }
  const n = nodes.find(match);
  if (inView(n)) return n;
  throw new Error(`no swipe brings ${JSON.stringify(query, (k, v) => (v instanceof RegExp ? String(v) : v))} into view: ` +
    JSON.stringify(n || "not on the screen"));
}

// A new page on `device` with deal D2's document dialog open (tapped), its preview shown.
async function documentDialog(browser, url, device) {
  const { context, page } = await newPage(browser, device);
  await open(page, url, "#/item/D2");
  await tap(page, { role: "button", name: "Документ" });
  await find(page, { id: "doc:preview" });
  return { context, page };
}

// An item moved to the recycle bin from its card's ⋯ menu, with taps.
async function deleteByTaps(page, url, id) {
  await open(page, url, "#/item/" + id);
  await tap(page, { id: "action:more" });
  await tap(page, { id: "menu:delete" });
  await tap(page, { id: "confirm:yes" });
  await find(page, { id: "card:inbin" });
}

async function typeText(page, text) {
  await page.keyboard.type(text, { delay: 5 });
  await frames(page, 3);
}

// The main journeys with the finger alone — taps, and swipes to scroll — on a phone (the card's tabs
// stand for its columns) or a tablet (the card's two columns, the composer beside the fields).
async function mainJourneys({ browser, url, resultsDir }, label, device) {
  const { context, page } = await newPage(browser, device);
  const { width } = page.viewportSize();
  const phone = phoneSized(page.viewportSize());
  const shot = (name) => page.screenshot({ path: path.join(resultsDir, `${label}-journey-${name}.png`) });
  await open(page, url, "#/list/deal");
  // The sections are behind the menu button.
  await tap(page, { id: "nav:menu" });
  await tap(page, { id: "nav:contact" });
  assertEq((await state(page)).entity, "contact", "the contacts list opens from the menu");
  await tap(page, { id: "nav:menu" });
  await tap(page, { id: "nav:deal" });

  // Open a deal.
  await tap(page, { role: "row", name: "Внедрение CRM для отдела продаж" });
  let s = await state(page);
  assertEq([s.screen, s.card.id], ["card", "D2"], "the card opens");
  await shot("card");

  // Move its stage: the bar shows the current stage; "В работе" further right comes into view with a
  // sideways swipe if needed.
  const bar = await find(page, { role: "radio", name: "Подготовка документов" });
  for (let i = 0; i < 4 && !(await semantics(page)).some((n) => n.role === "radio" && n.name === "В работе" && n.w > 60); i++)
    await swipe(page, width * 0.75, bar.y + bar.h / 2, -150, 0);
  await shot("stages");
  await tap(page, { role: "radio", name: "В работе" });
  s = await state(page);
  assertEq(s.card.fields.STAGE_ID.value, "EXECUTING", "the stage moved");

  // Edit a field: the amount.
  await tap(page, { id: "field:D2:OPPORTUNITY_WITH_CURRENCY" });
  await page.keyboard.press("Control+A");
  await typeText(page, "510000");
  await page.keyboard.press("Enter");
  await frames(page, 3);
  s = await state(page);
  const amount = Object.entries(s.card.fields).find(([k]) => k.startsWith("OPPORTUNITY"));
  assert(amount && /510\s000/.test(amount[1].text), "the amount is saved: " + JSON.stringify(amount));

  // Plan a to-do from the action bar.
  await tap(page, { id: "action:todo" });
  await shot("todo");
  await checkScreen(page, resultsDir, `${label}-todo-dialog.png`);
  if (label === "sideways") {
    // A message of the page while the dialog is up (the first visit's "works offline" comes at a moment of
    // its own; the same message again is that one toast): beside the buttons, over none of the controls.
    await notify(page, "offline.ready");
    const toast = await find(page, { role: "status", name: /без сети/ }), save = await find(page, { id: "todo:save" });
    await page.screenshot({ path: path.join(resultsDir, `${label}-todo-toast.png`) });
    const over = (a, b) => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1;
    const covered = (await semantics(page)).filter((n) => INTERACTIVE.has(n.role) && over(toast, n));
    assertEq(covered.map((n) => n.id), [], "the toast covers no control of the dialog");
    assert(toast.x >= save.x + save.w && toast.y < save.y + save.h && toast.y + toast.h > save.y,
      "the toast is beside the buttons: " + JSON.stringify({ toast, save }));
    await notify(page, "offline.ready");
    await frames(page, 2);
    assertEq((await findAll(page, { role: "status", name: /без сети/ })).length, 1, "the same message again is the one toast");
  }
  await tap(page, { id: "todo:subject" });
  await typeText(page, "Позвонить с планшета");
  await tap(page, { id: "todo:save" });
  s = await state(page);
  assert(s.card.todos.some((t) => t.subject === "Позвонить с планшета"), "the to-do is planned");

  // Comment: on a phone in the History tab; on a tablet the composer is beside the fields, at the top of the
  // right-hand column (scrolled back there by a swipe down in it).
  if (phone) await swipe(page, width / 2, 300, 0, 600);
  else await swipe(page, width * 0.75, 500, 0, 450);
  if (phone) await tap(page, { id: "tab:history" });
  await tap(page, { id: "tl:composer" });
  await typeText(page, "Написано пальцем");
  await tap(page, { id: "tl:send" });
  s = await state(page);
  assert(s.card.timeline.some((e) => e.kind === "comment" && e.detail === "Написано пальцем"), "the comment is in the timeline");
  await shot("history");

  // Create a deal with "+ Создать" (a floating button on a phone).
  await swipe(page, width / 2, 300, 0, 600);
  await tap(page, { id: "nav:back" });
  await tap(page, { id: "action:create" });
  await checkScreen(page, resultsDir, `${label}-create-dialog.png`);
  await tap(page, { id: "create:TITLE" });
  await typeText(page, "Сделка, созданная пальцем");
  await tap(page, { id: "create:submit" });
  s = await state(page);
  assertEq([s.screen, s.card && s.card.title], ["card", "Сделка, созданная пальцем"], "the new deal opens");
  await context.close();
}

export const tests = [
  {
    name: "at 390, 320, 844×390 (a phone sideways), 768 and 1366 (tablets, touched: every control a finger's size) pixels no two controls overlap and every control is on the screen",
    async fn({ browser, url, resultsDir }) {
      for (const [label, options] of [["phone", PHONE], ["small", SMALL], ["sideways", SIDEWAYS], ["tablet", TABLET],
        ["large-tablet", LARGE_TABLET]]) {
        const { context, page } = await newPage(browser, options);
        await open(page, url, "#/list/deal");
        await checkScreen(page, resultsDir, `${label}-list.png`);
        if (label === "tablet") {
          // The filter's stages wrap over lines spaced alike, where a line wraps and where a pipeline begins.
          await tap(page, { id: "list:filter" });
          const lines = [...new Set((await findAll(page, { role: "checkbox" })).filter((n) => n.id.startsWith("filter:stage:"))
            .map((n) => Math.round(n.y)))].sort((a, b) => a - b);
          const gaps = lines.slice(1).map((y, i) => y - lines[i]);
          assert(lines.length >= 3 && Math.max(...gaps) - Math.min(...gaps) <= 1, "the stage lines are spaced alike: " + gaps.join(", "));
          await page.keyboard.press("Escape");
          await frames(page, 2);
        }
        await open(page, url, "#/kanban/deal/0");
        await checkScreen(page, resultsDir, `${label}-kanban.png`);
        await open(page, url, "#/item/D2");
        await checkScreen(page, resultsDir, `${label}-card.png`);
        if (label === "sideways" || label === "tablet") {
          // Where there is room, the kind and number ("Сделка № 2 · …") stand on the back link's line,
          // centred on it (a finger-sized link is taller than its text).
          const back = await find(page, { id: "nav:back" }), kind = await find(page, { id: "card:kind" });
          const mid = (n) => n.y + n.h / 2;
          assert(Math.abs(mid(kind) - mid(back)) <= 1.5,
            `${label}: "${kind.name}" (${Math.round(kind.y)}+${Math.round(kind.h)}) centred on "${back.name}" (${Math.round(back.y)}+${Math.round(back.h)})`);
        }
        await open(page, url, "#/item/D2/history");
        await checkScreen(page, resultsDir, `${label}-history.png`);
        await open(page, url, "#/settings/fields");
        await checkScreen(page, resultsDir, `${label}-settings.png`);
        if (label === "tablet") await cellsApart(page, /^(?:fieldrow|fieldtype|fieldrequired|deletefield):(.+)$/, "the fields' table");
        await open(page, url, "#/settings/users");
        await checkScreen(page, resultsDir, `${label}-settings-users.png`);
        if (label === "tablet") {
          await cellsApart(page, /^(?:user|userdepartment|userroles|edituser):(.+)$/, "the users' table");
          // A role's rights: every control whole (seven columns do not fit 768 pixels: a block per type).
          await open(page, url, "#/settings/roles");
          await tap(page, { id: "editrole:manager" });
          await checkScreen(page, resultsDir, `${label}-role.png`, (n) => n.id.startsWith("roleform:"));
          for (const id of ["roleform:default:configure", "roleform:deal:own_view", "roleform:invoice:configure"]) {
            const n = await reveal(page, { id });
            assert(!n.cut, `${id} is whole: ` + JSON.stringify(n));
          }
          await tap(page, { id: "roleform:cancel" });
          // The recycle bin's table, with a deal in it.
          await deleteByTaps(page, url, "D3");
          await open(page, url, "#/bin");
          await checkScreen(page, resultsDir, `${label}-bin.png`);
          await cellsApart(page, /^bin:(?:item|kind|deleted|left|restore|purge):(.+)$/, "the recycle bin's table");
        }
        if (label !== "tablet" && label !== "large-tablet") {
          // The open menu covers the page: only its own controls count.
          await open(page, url, "#/list/deal");
          await tap(page, { id: "nav:menu" });
          await checkScreen(page, resultsDir, `${label}-menu.png`, (n) => /^(nav|lang):/.test(n.id));
          await find(page, { id: "nav:contact" });
        }
        await context.close();
      }
    },
  },
  {
    name: "on a phone every control is a finger's target (44×44 CSS px): the whole card, its menu and a choice, the history, the list's filter, a pipeline's stages, a document template",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      const check = async (what, only) => {
        const problems = await layoutProblems(page, only);
        assert(problems.length === 0, `${what}: ${problems.length} problems:\n  ` + problems.slice(0, 12).join("\n  "));
      };
      // The card from its top to its end (the views' links at the bottom included), swipe by swipe.
      await open(page, url, "#/item/D2");
      let seen = 0;
      for (let i = 0; i < 20; i++) {
        await check(`the card, screen ${i + 1}`);
        const before = JSON.stringify((await semantics(page)).map((n) => [n.id, n.y]));
        await swipe(page, 195, 650, 0, -400);
        if (JSON.stringify((await semantics(page)).map((n) => [n.id, n.y])) === before) break;
        seen++;
      }
      assert(seen >= 3, "the card took several screens: " + seen);
      await find(page, { id: "views:export" });
      await page.screenshot({ path: path.join(resultsDir, "phone-card-end.png") });
      // Its menu and a choice (the stage's list): only their own controls count, they cover the card.
      await tap(page, { id: "action:more" });
      await check("the card's menu", (n) => /^(menu|tabs):/.test(n.id));
      await find(page, { id: "menu:delete" });
      await page.keyboard.press("Escape");
      await tap(page, { id: "field:D2:STAGE_ID" });
      await find(page, { id: "option:STAGE_ID:WON" });
      await check("the stage's choices", (n) => n.id.startsWith("option:STAGE_ID:"));
      await page.screenshot({ path: path.join(resultsDir, "phone-choice.png") });
      await page.keyboard.press("Escape");
      await tap(page, { id: "tab:history" });
      await check("the history");
      // The list's filter, as wide as the screen: its choices wrap.
      await open(page, url, "#/list/deal");
      await tap(page, { id: "list:filter" });
      await find(page, { id: "filter:stage:WON" });
      await check("the filter", (n) => n.id.startsWith("filter:"));
      await page.screenshot({ path: path.join(resultsDir, "phone-filter.png") });
      // A pipeline's stages: a name, its tools, and the colours as buttons.
      await open(page, url, "#/settings/pipelines");
      await tap(page, { role: "link", name: "Изменить" });
      await find(page, { id: "pipelineform:color:0:#39a8ef" });
      await check("a pipeline's stages", (n) => n.id.startsWith("pipelineform:"));
      await page.screenshot({ path: path.join(resultsDir, "phone-pipeline.png") });
      // A document template: its two names, kinds, numbering and flags one under the other, all on the screen.
      await open(page, url, "#/settings/documents");
      await tap(page, { role: "link", name: /^Счёт на оплату/ });
      await find(page, { id: "tplform:for:company" });
      await check("a document template", (n) => n.id.startsWith("tplform:"));
      const kinds = (await semantics(page)).filter((n) => n.id.startsWith("tplform:for:"));
      assert(kinds.length >= 6 && kinds.every((n) => !n.cut), "every kind's checkbox whole, none cut by the screen's edge: " +
        JSON.stringify(kinds.map((n) => [n.id, Math.round(n.x), Math.round(n.w), !!n.cut])));
      await page.screenshot({ path: path.join(resultsDir, "phone-template.png") });
      await context.close();
    },
  },
  {
    name: "on a phone the settings tables become blocks with every name in full and actions a finger can hit; an empty list says so; toasts keep clear of the + button",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      // The first visit's "works offline" toast sits above the floating +, never over it.
      await open(page, url, "#/list/deal");
      let toast = null;
      for (let i = 0; i < 100 && !toast; i++) {
        toast = (await semantics(page)).find((n) => n.id.startsWith("toast:"));
        if (!toast) await page.waitForTimeout(100);
      }
      assert(toast, "the first visit says the app works offline");
      const plus = await find(page, { id: "action:create" });
      assert(toast.y + toast.h <= plus.y, "the toast is above the + button: " + JSON.stringify([toast, plus]));
      // Nothing found: said inside the list, on the screen.
      await tap(page, { role: "searchbox" });
      await page.keyboard.type("ничего такого нет", { delay: 5 });
      await frames(page, 3);
      const none = await find(page, { id: "list:empty" });
      assertEq(none.name, "Ничего не найдено", "the empty list says why");
      assert(none.y > 0 && none.y + none.h < 844 && none.x >= 0 && none.x + none.w <= 390, "on the screen: " + JSON.stringify(none));
      // Users: a block each, the whole name, "Изменить" on the right as big as a finger.
      await open(page, url, "#/settings/users");
      const users = (await semantics(page)).filter((n) => n.role === "listitem" && n.id.startsWith("user:"));
      assertEq(users.map((u) => u.name), ["Анна Смирнова", "Иван Петров", "Мария Козлова", "Дмитрий Волков"], "every user, named in full");
      assert(users.every((u) => u.value.length > 0), "each with its department and roles under the name");
      for (const u of users) {
        const edit = await find(page, { id: "edituser:" + u.id.slice(5) });
        assert(edit.h >= 44 && edit.x + edit.w <= 390 && edit.x >= u.x + u.w - 2, "a finger-sized Изменить beside " + u.name + ": " + JSON.stringify(edit));
      }
      await page.screenshot({ path: path.join(resultsDir, "phone-settings-users.png") });
      await tap(page, { id: "edituser:" + users[1].id.slice(5) });
      assertEq((await find(page, { id: "userform:name" })).value, "Иван Петров", "tapping Изменить opens that user");
      // Fields: type and rules under the name.
      await open(page, url, "#/settings/fields");
      const title = await find(page, { id: "fieldrow:TITLE" });
      assertEq([title.role, title.name], ["listitem", "Название"], "a field is a block named in full");
      assert(/Строка/.test(title.value) && /системное/.test(title.value), "its type and that it is a system field: " + title.value);
      // Departments, roles, pipelines: a name and its finger-sized Изменить on one line, level (the name sat
      // ~13 px above the link's text, which looked like a link of the line under it).
      for (const [page_, name, edit] of [["departments", "department:", "editdep:"], ["roles", "role:", "editrole:"],
                                         ["pipelines", "pipeline:", "editpipeline:"]]) {
        await open(page, url, "#/settings/" + page_);
        const named = (await semantics(page)).filter((n) => n.id.startsWith(name));
        assert(named.length > 0, "the " + page_ + " are listed");
        for (const n of named) {
          const link = await find(page, { id: edit + n.id.slice(name.length) });
          const off = (link.y + link.h / 2) - (n.y + n.h / 2);
          assert(Math.abs(off) <= 2 && link.h >= 44, `${n.name} and its Изменить level (${off.toFixed(1)} px apart): ` + JSON.stringify([n, link]));
        }
      }
      // The company's details: one column on a phone (two fields of ~150 px side by side before).
      await open(page, url, "#/settings/documents");
      await reveal(page, { id: "docs:docs.co.inn" });
      const [coName, inn] = [await find(page, { id: "docs:docs.co.name" }), await find(page, { id: "docs:docs.co.inn" })];
      assert(inn.x === coName.x && inn.y > coName.y + coName.h && coName.w > 300, "ИНН under Название, both the panel's width: " + JSON.stringify([coName, inn]));
      await context.close();
    },
  },
  {
    name: "on a phone the recycle bin lists its items as blocks; tapping Восстановить brings a deal back, Удалить навсегда purges one",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      for (const id of ["D5", "D6"]) await deleteByTaps(page, url, id);
      await open(page, url, "#/bin");
      await checkScreen(page, resultsDir, "phone-bin.png");
      const rows = (await semantics(page)).filter((n) => n.role === "listitem" && n.id.startsWith("bin:item:"));
      assertEq(rows.map((r) => r.id).sort(), ["bin:item:D5", "bin:item:D6"], "both deals, a block each");
      assert(rows.every((r) => /Сделка/.test(r.value)), "each says what it is: " + rows.map((r) => r.value).join(" | "));
      for (const id of ["bin:restore:D5", "bin:purge:D6"]) {
        const n = await find(page, { id });
        assert(n.h >= 44 && n.x + n.w <= 390, "a finger-sized " + n.name + ": " + JSON.stringify(n));
      }
      await tap(page, { id: "bin:restore:D5" });
      await tap(page, { id: "bin:purge:D6" });
      await find(page, { id: "bin:empty" });
      await open(page, url, "#/item/D5");
      assertEq((await state(page)).card.id, "D5", "the restored deal opens");
      await open(page, url, "#/item/D6");
      assert((await findAll(page, { id: "card:missing" })).length === 1, "the purged one is gone");
      await context.close();
    },
  },
  {
    name: "on a phone a role's rights are blocks per type, not a seven-column table: a right changed by taps is saved",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/settings/roles");
      await tap(page, { id: "editrole:manager" });
      await checkScreen(page, resultsDir, "phone-role.png");
      const edit = await reveal(page, { role: "combobox", name: "Сделки: Изменение" });
      assert(edit.x >= 0 && edit.x + edit.w <= 390 && edit.w >= 150, "the drop-down fits the screen, wide enough: " + JSON.stringify(edit));
      assertEq(edit.value, "Все", "the demo's managers edit every deal");
      await tap(page, { id: edit.id });
      await tap(page, { role: "option", name: "Свои" });
      assertEq((await find(page, { id: edit.id })).value, "Свои", "picked");
      const configure = await reveal(page, { role: "checkbox", name: "Сделки: Настройка" });
      const was = configure.checked;
      await tap(page, { id: configure.id });
      // The dialog's buttons stay uncovered: a toast (the first visit's "works offline") stacks above them.
      const save = await find(page, { id: "roleform:save" });
      for (const t of (await semantics(page)).filter((n) => n.id.startsWith("toast:")))
        assert(t.y + t.h <= save.y, "a toast covers the dialog's buttons: " + JSON.stringify([t, save]));
      const sameRow = [await find(page, { id: "roleform:deal:read" }), await find(page, { id: "roleform:deal:add" })];
      assert(Math.abs(sameRow[0].y - sameRow[1].y) < 2, "two levels side by side line up: " + JSON.stringify(sameRow));
      await tap(page, { id: "roleform:save" });
      await tap(page, { id: "editrole:manager" });
      assertEq((await reveal(page, { role: "combobox", name: "Сделки: Изменение" })).value, "Свои", "the level is saved");
      assertEq(!!(await reveal(page, { role: "checkbox", name: "Сделки: Настройка" })).checked, !was, "and the switch");
      await context.close();
    },
  },
  {
    name: "on a phone the kanban shows a column at a time, settles on a column after a swipe, and a long press drags a deal (with a buzz as it is picked up)",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      // The phone's vibration, as the page asks for it.
      await page.addInitScript(() => {
        window.__buzzes = [];
        navigator.vibrate = (ms) => { window.__buzzes.push(ms); return true; };
      });
      await open(page, url, "#/kanban/deal/0");
      const column = (id) => find(page, { id: "kanban:drop:" + id });
      const first = await column("NEW");
      assert(first.w > 300, "a column nearly fills the phone's width: " + first.w);
      const settled = (id) => boardSettled(page, first, id);
      // A swipe of a third of a column goes on to the next one; a short one back stays there.
      await swipe(page, 300, 600, -first.w / 3, 0);
      await settled("PREPARATION");
      await page.screenshot({ path: path.join(resultsDir, "phone-kanban-swiped.png") });
      await swipe(page, 100, 600, first.w / 10, 0);
      await settled("PREPARATION");
      await swipe(page, 100, 600, first.w / 3, 0);
      await settled("NEW");
      await swipe(page, 300, 600, -first.w / 3, 0);
      await settled("PREPARATION");

      // A long press on a deal and a drag to the screen's right edge scroll the board; let go over the next
      // column and the deal moves there.
      const count = async (id) => Number((await find(page, { id: "kanban:column:" + id })).value);
      const [prep, invoice] = [await count("PREPARATION"), await count("PREPAYMENT_INVOICE")];
      const card = await find(page, { role: "listitem", name: "Модернизация серверной" });
      const { width } = page.viewportSize();
      const y = card.y + card.h / 2;
      await longPressDrag(page, card.x + card.w / 2, y, [
        { x: width - 6, y, until: async () => (await column("PREPAYMENT_INVOICE")).x < width / 2 },
        { x: width / 2, y },
      ]);
      const target = await settled("PREPAYMENT_INVOICE");
      await page.screenshot({ path: path.join(resultsDir, "phone-kanban-dropped.png") });
      assertEq((await page.evaluate(() => window.__buzzes)).length, 1, "one buzz: when the deal was picked up (not for the swipes)");
      assertEq(await count("PREPAYMENT_INVOICE"), invoice + 1, "one more deal in the next stage");
      const moved = await find(page, { role: "listitem", name: "Модернизация серверной" });
      assert(moved.x >= target.x && moved.x + moved.w <= target.x + target.w, "the deal is in that column now");
      await swipe(page, 100, 600, first.w / 3, 0);
      await settled("PREPARATION");
      assertEq(await count("PREPARATION"), prep - 1, "and one fewer where it was");
      await context.close();
    },
  },
  {
    name: "on a phone a quick swipe flings the card on after the finger lifts, slowing to a stop; a finger that rests first moves it only as far; a touch stops a fling and opens nothing; a flick sideways turns the board one column",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D2");
      // Where the card's fields are, and how far they moved up since.
      const spots = async () => new Map((await semantics(page)).filter((n) => n.id.startsWith("field:D2:") && !n.cut).map((n) => [n.id, n.y]));
      const movedUp = (before, after) => {
        for (const [id, y] of before) if (after.has(id)) return y - after.get(id);
        return Infinity;  // all of it gone: further than the screen
      };
      await swipe(page, 195, 600, 0, -300);  // the fields up the screen
      let before = await spots();
      await swipe(page, 195, 600, 0, -150);
      let up = movedUp(before, await spots());
      assert(Math.abs(up - 150) <= 2, "a finger that rests before lifting moves the card as far as it went: " + up);

      before = await spots();
      await swipe(page, 195, 600, 0, -150, { flick: true });
      up = movedUp(before, await spots());
      assert(up > 450, "a flick flies the card on well past the finger's 150 px: " + up);
      const still = await spots();
      await frames(page, 5);
      assertEq(movedUp(still, await spots()), 0, "and it comes to a stop");

      // A flick back down, and a finger on a field while the card is still flying: the card stops at the
      // touch, and the field is not opened for editing.
      const cdp = await context.newCDPSession(page);
      await flickBy(cdp, 195, 300, 0, 160);
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_shell_json())).pointer.fling);  // still flying
      const field = (await semantics(page)).find((n) => n.id.startsWith("field:D2:") && !n.cut && n.y > 300 && n.y < 700);
      assert(field, "a field on the screen while the card flies");
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: field.x + field.w / 2, y: field.y + field.h / 2 }] });
      assertEq((await shell(page)).pointer.fling, false, "the touch stopped the fling");
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await cdp.detach();
      await frames(page, 3);
      assertEq((await state(page)).editing, null, "the touch that stopped the fling opened no field");
      const stopped = await spots();
      await frames(page, 5);
      assertEq(movedUp(stopped, await spots()), 0, "the card stays where it stopped");

      // On the board a flick shorter than a sixth of a column still turns it to the next one (a slow move as
      // short stays: the kanban test).
      await open(page, url, "#/kanban/deal/0");
      const first = await find(page, { id: "kanban:drop:NEW" });
      await swipe(page, 300, 600, -40, 0, { flick: true });
      await boardSettled(page, first, "PREPARATION");
      // A flick and, at once, a second finger's tap on an empty spot of the board (under the column's cards,
      // beside the "+" button), before a frame has shown the flick: the board still turns to a column.
      const board = await page.evaluate(() => location.hash);
      const cdp2 = await context.newCDPSession(page);
      const touch = (type, points) => cdp2.send("Input.dispatchTouchEvent", { type, touchPoints: points });
      await Promise.all([flickBy(cdp2, 300, 600, -40, 0), touch("touchStart", [{ x: 100, y: 790 }]), touch("touchEnd", [])]);
      await cdp2.detach();
      await frames(page, 3);
      await boardSettled(page, first, "PREPAYMENT_INVOICE");
      assertEq(await page.evaluate(() => location.hash), board, "the tap on the board's empty spot opened nothing");
      await context.close();
    },
  },
  {
    name: "on a phone the back button closes what is open over the screen first (the to-do dialog, the card's menu, the sections sheet), then goes back a screen; from a new deal's card it goes to the list",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/list/deal");
      const back = async () => {
        await page.goBack();
        await frames(page, 3);
        const s = await state(page);
        return { screen: s.screen, item: s.card ? s.card.id : null, hash: await page.evaluate(() => location.hash) };
      };
      const isOpen = async (id) => (await findAll(page, { id })).length > 0;
      await tap(page, { role: "row", name: "Модернизация серверной" });
      const card = { screen: "card", item: (await state(page)).card.id, hash: await page.evaluate(() => location.hash) };

      // A to-do half written: Back closes the dialog, the card stays; Back again goes to the list.
      await tap(page, { id: "action:todo" });
      await tap(page, { id: "todo:subject" });
      await typeText(page, "Позвонить");
      assertEq(await back(), card, "Back closes the dialog and leaves the card as it was");
      assert(!(await isOpen("todo:subject")), "the dialog is closed");
      // A drop-down in the card's header menu, and the menu: one Back each.
      await tap(page, { id: "action:more" });
      assert(await isOpen("menu:delete"), "the card's menu is open");
      assertEq(await back(), card, "Back closes the menu");
      assert(!(await isOpen("menu:delete")), "the menu is closed");
      assertEq((await back()).screen, "list", "then Back goes to the list");

      // Closed by its own button, a dialog leaves no step behind: Back goes to the screen before.
      await tap(page, { role: "row", name: "Модернизация серверной" });
      await tap(page, { id: "action:todo" });
      await tap(page, { id: "todo:cancel" });
      assertEq((await back()).screen, "list", "after Отмена, Back goes to the list at once");

      // The sections sheet.
      await tap(page, { id: "nav:menu" });
      assert(await isOpen("nav:contact"), "the sheet is open");
      const list = await back();
      assertEq([list.screen, (await state(page)).entity], ["list", "deal"], "Back closes the sheet, the list stays");
      assert(!(await isOpen("nav:contact")), "the sheet is closed");

      // A new deal: its card replaces the dialog's step; Back goes to the list, not to a copy of the card.
      await tap(page, { id: "action:create" });
      await tap(page, { id: "create:TITLE" });
      await typeText(page, "Сделка с кнопкой Назад");
      await tap(page, { id: "create:submit" });
      assertEq((await state(page)).card.title, "Сделка с кнопкой Назад", "the new deal's card opens");
      assertEq((await back()).screen, "list", "Back from the new card goes to the list");
      assert(await find(page, { role: "row", name: "Сделка с кнопкой Назад" }), "where the new deal is");
      await context.close();
    },
  },
  {
    name: "on a phone the on-screen keyboard never covers the field being edited (Android's and iOS's ways)",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D2");
      const focusedField = async () => (await semantics(page)).find((n) => n.focused && /textbox|searchbox/.test(n.role));
      // The title, low on the screen, tapped: its editor opens where the keyboard will come.
      const tapLowField = async () => {
        for (let i = 0; i < 12; i++) {
          const f = (await semantics(page)).find((n) => n.id === "field:D2:TITLE");
          if (!f) {  // below the screen
            await swipe(page, 195, 500, 0, -200);
            continue;
          }
          if (f.y > 600 && f.y + f.h < 830) {
            await page.touchscreen.tap(f.x + f.w / 2, f.y + f.h / 2);
            let box = null;
            for (let k = 0; k < 10 && !box; k++) {
              await frames(page, 2);
              box = await focusedField();
            }
            assert(box, "the title's editor is open");
            return box;
          }
          await swipe(page, 195, 500, 0, f.y > 700 ? -80 : 80);
        }
        throw new Error("the title did not come low on the screen");
      };
      const inside = (n, top, bottom) => n && n.y >= top - 1 && n.y + n.h <= bottom + 1;

      // Chrome on Android: the keyboard shrinks the layout viewport (interactive-widget=resizes-content).
      let box = await tapLowField();
      assert(box.y > 460, "the field starts where the keyboard will be: " + box.y);
      await page.setViewportSize({ width: 390, height: 460 });
      await frames(page, 6);
      box = await focusedField();
      assert(inside(box, 0, 460), "the field moved above the keyboard: " + JSON.stringify(box));
      await page.screenshot({ path: path.join(resultsDir, "phone-keyboard-android.png") });
      await page.keyboard.press("Escape");
      await page.setViewportSize({ width: 390, height: 844 });
      await frames(page, 3);

      // Safari on iOS: only the visual viewport shrinks, and it pans to the focused element.
      box = await tapLowField();
      const keyboard = (height, offsetTop) => page.evaluate(([h, t]) => {
        const vv = window.visualViewport;
        if (h === null) { delete vv.height; delete vv.offsetTop; }
        else {
          Object.defineProperty(vv, "height", { configurable: true, get: () => h });
          Object.defineProperty(vv, "offsetTop", { configurable: true, get: () => t });
        }
        vv.dispatchEvent(new Event("resize"));
      }, [height, offsetTop]);
      await keyboard(420, 60);
      await frames(page, 6);
      const canvas = await page.evaluate(() => { const r = Module.canvas.getBoundingClientRect(); return { top: r.top, height: r.height }; });
      assertEq([canvas.top, canvas.height], [60, 420], "the canvas covers the visible part of the page");
      box = await focusedField();
      assert(inside(box, 0, 420), "the field is in the visible part: " + JSON.stringify(box));
      // The mirror moved with the canvas: the field's element lies where the field is seen.
      const el = await page.evaluate(() => { const e = document.querySelector("#a11y-mirror [data-focused]"); const r = e && e.getBoundingClientRect(); return r && { y: r.top, h: r.height }; });
      assert(inside(el, 60, 480), "the mirror's element of the field is on the visible part: " + JSON.stringify(el));
      await page.keyboard.type("5", { delay: 5 });
      await frames(page, 3);
      await page.screenshot({ path: path.join(resultsDir, "phone-keyboard-ios.png") });
      await keyboard(null);
      await frames(page, 3);
      const back = await page.evaluate(() => Module.canvas.getBoundingClientRect().height);
      assertEq(back, 844, "the keyboard closed: the canvas fills the page again");
      await context.close();
    },
  },
  {
    name: "on a phone, with taps only: open a deal, move its stage, edit a field, comment, plan a to-do, create a deal",
    async fn(env) { await mainJourneys(env, "phone", PHONE); },
  },
  {
    name: "on a phone held sideways (844×390), with taps only: open a deal, move its stage, edit a field, comment, plan a to-do, create a deal",
    async fn(env) { await mainJourneys(env, "sideways", SIDEWAYS); },
  },
  {
    name: "on a tablet (768×1024), with taps only: open a deal, move its stage, edit a field, comment, plan a to-do, create a deal",
    async fn(env) { await mainJourneys(env, "tablet", TABLET); },
  },
  {
    name: "on a phone the to-do's reminder choices wrap onto the screen (English's longer words at 390, Russian's at 320); one chosen by taps is kept",
    async fn({ browser, url }) {
      for (const [device, lang, width] of [[PHONE, "en", 390], [SMALL, "ru", 320]]) {
        const { context, page } = await newPage(browser, device);
        await open(page, url, "#/item/D2");
        if (lang === "en") {
          await tap(page, { id: "nav:menu" });
          await tap(page, { id: "lang:en" });
          if ((await semantics(page)).some((n) => n.id === "nav:contact")) await tap(page, { id: "nav:menu" });  // the sheet closes
        }
        await tap(page, { id: "action:todo" });
        await tap(page, { id: "todo:subject" });
        await typeText(page, "Reminders");
        await reveal(page, { id: "todo:remind:0" });
        const choices = (await semantics(page)).filter((n) => n.id.startsWith("todo:remind:"));
        assertEq(choices.length, 4, "four reminder choices");
        for (const c of choices) assert(c.x >= 0 && c.x + c.w <= width, `${lang}: "${c.name}" on the screen: ` + JSON.stringify(c));
        await tap(page, { role: "checkbox", name: lang === "en" ? "A day before" : "За день" });
        await tap(page, { id: "todo:save" });
        const todo = (await state(page)).card.todos.find((t) => t.subject === "Reminders");
        assert(todo && todo.reminders.includes(1440), `${lang}: the day-before reminder is kept: ` + JSON.stringify(todo));
        await context.close();
      }
    },
  },
  {
    name: "on a phone a to-do's deadline is picked in the calendar with taps: its days, arrows and time are a finger's size and whole; kept after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D2");
      await tap(page, { id: "action:todo" });
      await tap(page, { id: "todo:subject" });
      await typeText(page, "Встреча по календарю");
      await tap(page, { id: "todo:deadline" });
      await find(page, { id: "todo:deadline:calendar", role: "dialog" });
      // The calendar covers the dialog: only its own controls count, each on the screen and a finger's size.
      await checkScreen(page, resultsDir, "phone-calendar.png", (n) => n.id.startsWith("todo:deadline:"));
      // A message of the page while the calendar is up (the first visit's comes at a moment of its own).
      await notify(page, "offline.updated");
      await find(page, { role: "status", name: /новая версия/ });
      const toasts = (await semantics(page)).filter((n) => n.id.startsWith("toast:"));
      const calendar = await find(page, { id: "todo:deadline:calendar" });
      assert(toasts.every((t) => t.y + t.h <= calendar.y || t.y >= calendar.y + calendar.h),
        "the toasts keep clear of the calendar: " + JSON.stringify({ toasts, calendar }));

      // The next month, its 15th, 15:30.
      const shown = (await find(page, { id: "todo:deadline:month" })).name;
      await tap(page, { role: "button", name: "Следующий месяц" });
      assert((await find(page, { id: "todo:deadline:month" })).name !== shown, "the next month is shown");
      // The 15th, by the name a screen reader says ("15 января 2027").
      const day = (await semantics(page)).find((n) => /^todo:deadline:day:\d{4}-\d\d-15$/.test(n.id));
      await tap(page, { role: "button", name: day.name });
      await tap(page, { role: "combobox", name: "Часы" });
      await tap(page, { role: "option", name: "15" });
      await tap(page, { role: "combobox", name: "Минуты" });
      await tap(page, { role: "option", name: "30" });
      const [, y, m] = /(\d{4})-(\d\d)-15$/.exec(day.id);
      const text = `15.${m}.${y} 15:30`;
      assertEq((await find(page, { id: "todo:deadline:text" })).value, text, "the calendar's text follows the taps");
      await tap(page, { role: "button", name: "Готово" });
      assertEq((await find(page, { id: "todo:deadline" })).value, text, "the dialog shows the deadline tapped");
      await tap(page, { id: "todo:save" });
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      const todo = (await state(page)).card.todos.find((t) => t.subject === "Встреча по календарю");
      assert(todo, "the to-do is kept");
      const expected = await page.evaluate(([yy, mm]) => new Date(yy, mm - 1, 15, 15, 30).getTime(), [Number(y), Number(m)]);
      assertEq(todo.deadline, expected, "its deadline is the one tapped");
      await context.close();
    },
  },
  {
    name: "on a phone a card's section is arranged with taps: no drag handles, ↑ ↓ ⚙ a finger's size; a field moved down and to another section, a section moved down; kept after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D3");
      const sections = async () => (await state(page)).card.sections;
      const s0 = await sections();
      const main = s0[0].id, other = s0[1].id;
      const [a, b, c] = s0[0].fields;
      await tap(page, { id: `secedit:${main}` });
      await checkScreen(page, resultsDir, "phone-section-edit.png",
        (n) => /^(field|fieldup|fielddown|fieldmenu|secup|secdown|secedit|secrename|selectfield):/.test(n.id));
      assertEq((await semantics(page)).filter((n) => /^(sec)?drag:/.test(n.id)).length, 0, "no drag handles on a phone");
      // Down to the section's last field: its values and tools side by side, none under another.
      await reveal(page, { id: `fieldmenu:${s0[0].fields[s0[0].fields.length - 1]}` });
      await checkScreen(page, resultsDir, "phone-section-edit-fields.png", (n) => /^(field|fieldup|fielddown|fieldmenu):/.test(n.id));

      await tap(page, { id: `fielddown:${b}` });
      await waitSaved(page);
      assertEq((await sections())[0].fields.slice(0, 3), [a, c, b], "↓ moves the field below the next one");

      await tap(page, { id: `fieldmenu:${b}` });
      await tap(page, { id: `menu:moveto:${b}` });
      await checkScreen(page, resultsDir, "phone-move-to-section.png", (n) => n.id.startsWith(`menu:moveto:${b}:`));
      await tap(page, { id: `menu:moveto:${b}:${other}` });
      await waitSaved(page);
      let now = await sections();
      assert(!now[0].fields.includes(b), "moved out of the first section");
      assertEq(now[1].fields[now[1].fields.length - 1], b, "to the end of the second");

      await tap(page, { id: `secdown:${main}` });
      await waitSaved(page);
      now = await sections();
      assertEq([now[0].id, now[1].id], [other, main], "↓ moves the section below the next one");

      const expected = now.map((x) => [x.id, x.fields]);
      await page.reload();
      await waitForApp(page);
      assertEq((await sections()).map((x) => [x.id, x.fields]), expected, "the arrangement after a reload");
      await context.close();
    },
  },
  {
    name: "on a phone the card's tabs are arranged with taps from the ⋯ menu: a list, each with hide ↑ ↓ a finger's size; История up, Связи hidden, Готово; kept after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D3");
      const tabs = async () => (await findAll(page, { role: "tab" })).map((t) => t.name);
      assertEq(await tabs(), ["Общие", "Товары", "Связи", "История"], "the tabs at first");
      await tap(page, { id: "action:more" });
      await tap(page, { role: "menuitem", name: "Настроить меню" });
      await checkScreen(page, resultsDir, "phone-tabs-arrange.png", (n) => /^(tab|tabvis|tableft|tabright|tabs):/.test(n.id));
      await tap(page, { role: "button", name: "Выше: История" });
      await tap(page, { role: "button", name: "Скрыть вкладку: Связи" });
      await tap(page, { role: "button", name: "Готово" });
      await waitSaved(page);
      assertEq(await tabs(), ["Общие", "Товары", "История"], "История before Связи, Связи hidden");
      await page.reload();
      await waitForApp(page);
      assertEq(await tabs(), ["Общие", "Товары", "История"], "after a reload");
      await context.close();
    },
  },
  {
    name: "on a phone the document dialog's three buttons are all on the screen (Отмена closes it); the shortcut list closes with a finger-sized ✕",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await documentDialog(browser, url, PHONE);
      await checkScreen(page, resultsDir, "phone-document.png");
      await tap(page, { role: "button", name: "Отмена" });
      assertEq((await findAll(page, { id: "doc:preview" })).length, 0, "Отмена closed the dialog");
      assertEq((await state(page)).card.documents.length, 0, "and made no document");

      await tap(page, { role: "button", name: "Сочетания клавиш (F1)" });
      await checkScreen(page, resultsDir, "phone-shortcuts.png", (n) => n.id.startsWith("help:"));
      await tap(page, { role: "button", name: "Закрыть" });
      assertEq((await findAll(page, { id: "dialog:help" })).length, 0, "the ✕ closed the list");
      await context.close();
    },
  },
  {
    name: "on a small phone (320×640) a toast over the document dialog is not hidden by the page's preview, which is a page over the canvas",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await documentDialog(browser, url, SMALL);
      await notify(page, "offline.ready");
      const toast = await find(page, { role: "status", name: /без сети/ });
      await frames(page, 2);
      const frame = await page.locator("iframe#kt-page").boundingBox();
      await page.screenshot({ path: path.join(resultsDir, "small-document-toast.png") });
      assert(frame && frame.height > 150, "the preview is shown: " + JSON.stringify(frame));
      const overlap = Math.min(frame.y + frame.height, toast.y + toast.h) - Math.max(frame.y, toast.y);
      assert(overlap <= 0, "the preview leaves the toast uncovered: " + JSON.stringify({ frame, toast }));
      await context.close();
    },
  },
  {
    name: "on a phone, with taps only: convert a lead into a deal, add a product row, generate the invoice and download it; all of it after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await openItem(page, url, "L1");
      await tap(page, { id: "action:convert" });
      await checkScreen(page, resultsDir, "phone-convert-dialog.png");
      await tap(page, { id: "convert:go" });
      let s = await state(page);
      assertEq([s.screen, s.card.entity, s.card.fields.LEAD_ID.value], ["card", "deal", "L1"], "the new deal opens, linked to the lead");
      const deal = s.card.id;

      // A product row, typed with the on-screen keyboard: the amount follows.
      await tap(page, { id: "tab:products" });
      await tap(page, { id: "prod:add" });
      for (const [id, text] of [["prod:0:name", "Лицензия CRM"], ["prod:0:price", "12000"], ["prod:0:qty", "5"]]) {
        await tap(page, { id });
        await page.keyboard.press("Control+A");
        await typeText(page, text);
      }
      await checkScreen(page, resultsDir, "phone-products.png");
      await tap(page, { id: "prod:save" });
      s = await state(page);
      assertEq([s.card.products, s.card.fields.OPPORTUNITY_WITH_CURRENCY.value], [1, { m: 6000000, c: "RUB" }],
        "one row; the amount is its total");

      // The invoice: its dialog fills the screen with the page in it; Сохранить stores it and downloads it.
      await tap(page, { id: "tab:main" });
      await tap(page, { id: "action:document" });
      const title = (await find(page, { id: "doc:preview-title" })).name;
      assert(title.startsWith("Счёт на оплату"), "the invoice is offered: " + title);
      const frame = await page.locator("iframe#kt-page").boundingBox();
      assert(frame && frame.x >= 0 && frame.x + frame.width <= 390 && frame.width > 300 && frame.height > 200,
        "the page's preview fits the phone's screen: " + JSON.stringify(frame));
      await checkScreen(page, resultsDir, "phone-document-dialog.png");
      const started = page.waitForEvent("download", { timeout: 10000 });
      await tap(page, { id: "doc:save" });
      const file = await started;
      assert(file.suggestedFilename().endsWith(".html"), "an HTML page: " + file.suggestedFilename());
      s = await state(page);
      assertEq(s.card.documents.length, 1, "the document is stored on the deal");

      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq([s.card.id, s.card.products, s.card.documents.length, s.card.fields.LEAD_ID.value], [deal, 1, 1, "L1"],
        "the deal, its product row and its document survive a reload");
      await context.close();
    },
  },
  {
    name: "on a phone a field's settings fit the screen: required on stages with the stage boxes two to a line, finger-sized radios; a range chosen with taps is kept",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      // The amount's settings: the section's edit mode, the field's ⚙ menu, Настроить.
      const openSettings = async () => {
        await tap(page, { id: "secedit:main" });
        await tap(page, { id: "fieldmenu:OPPORTUNITY_WITH_CURRENCY" });
        await tap(page, { id: "menu:configure:OPPORTUNITY_WITH_CURRENCY" });
      };
      await open(page, url, "#/item/D3");
      await openSettings();
      await tap(page, { id: "config:req:2" });
      assertEq((await find(page, { id: "config:req:2" })).checked, true, "На стадиях is chosen");
      assertEq((await find(page, { id: "config:from:0" })).value, "—", "no range yet reads as a dash");
      await checkScreen(page, resultsDir, "phone-field-config.png");
      await tap(page, { id: "config:from:0" });
      await tap(page, { role: "option", name: "В работе" });
      await tap(page, { id: "config:to:0" });
      await tap(page, { role: "option", name: "Финальный счёт" });
      await tap(page, { id: "config:save" });
      assertEq((await findAll(page, { id: "config:save" })).length, 0, "saved and closed");
      await page.reload();
      await waitForApp(page);
      await openSettings();
      assertEq([(await find(page, { id: "config:req:2" })).checked, (await find(page, { id: "config:from:0" })).value,
        (await find(page, { id: "config:to:0" })).value], [true, "В работе", "Финальный счёт"], "the range after a reload");
      await context.close();
    },
  },
  {
    name: "on a phone the import maps a column per block (its heading, its first values, the field); a toast keeps clear of a dialog's text and buttons",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/list/contact");
      await tap(page, { id: "list:dataio" });
      await tap(page, { id: "dataio:import" });
      const chooser = page.waitForEvent("filechooser", { timeout: 10000 });
      await tap(page, { id: "import:pick" });
      await (await chooser).setFiles({ name: "c.csv", mimeType: "text/csv",
        buffer: Buffer.from("Фамилия;Имя;Телефон\r\nТелефонов;Пётр;+7 905 100-00-01\r\nТелефонова;Анна;+7 905 100-00-02\r\n", "utf8") });
      await frames(page, 4);
      assertEq((await find(page, { id: "import:samples:0" })).name, "Телефонов  ·  Телефонова", "a column's first values under its heading");
      assertEq((await find(page, { id: "import:map:2" })).value, "Телефон", "and the field it goes to");
      await checkScreen(page, resultsDir, "phone-import-map.png");
      await tap(page, { id: "import:check" });
      const summary = await find(page, { id: "import:summary" }, { timeout: 10000 });
      // A message of the page arrives while the dialog is up (as the first visit's "works offline" does, at a
      // moment of its own): it lies neither over the summary nor the buttons.
      await notify(page, "offline.updated");
      await find(page, { role: "status", name: /новая версия/ });
      const confirm = await find(page, { id: "import:confirm" });
      const over = (a, b) => Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1 && Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1;
      await page.screenshot({ path: path.join(resultsDir, "phone-import-review.png") });
      const toasts = (await semantics(page)).filter((n) => n.id.startsWith("toast:"));
      assert(toasts.length > 0 && toasts.every((t) => !over(t, summary) && !over(t, confirm) && t.y >= confirm.y + confirm.h),
        "the toasts are under the buttons: " + JSON.stringify({ toasts, summary, confirm }));
      await tap(page, { id: "import:confirm" });
      await find(page, { id: "import:done" }, { timeout: 10000 });
      assertEq((await state(page)).items > 0, true, "imported");
      await context.close();
    },
  },
  {
    name: "on a phone the card's views dialog lists whom a view is for in its own scrolling body; a view made with taps names them",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, PHONE);
      await open(page, url, "#/item/D4");
      await tap(page, { id: "views:manage" });
      await checkScreen(page, resultsDir, "phone-views.png");
      await tap(page, { id: "viewform:name" });
      await typeText(page, "Поддержка");
      await tap(page, { id: "viewform:codes:Uu3" });  // the last rows: the dialog's body scrolls to them
      assertEq((await find(page, { id: "viewform:codes:Uu3" })).checked, true, "Мария is ticked");
      await tap(page, { id: "viewform:submit" });
      const view = await find(page, { role: "text", name: /^Поддержка: / });
      assert(view.name.includes("Мария Козлова"), "the view says whom it is for: " + view.name);
      await context.close();
    },
  },
  {
    name: "on a phone with a notch, held sideways, nothing is under the notch or the home indicator: every control lies in the safe area, and the sections' menu opens with a tap",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser, SIDEWAYS);
      const safe = { top: 0, left: 47, right: 47, bottom: 21 };  // an iPhone's, sideways
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setSafeAreaInsetsOverride", { insets: safe });
      const { width, height } = page.viewportSize();
      for (const route of ["#/list/deal", "#/item/D1", "#/kanban/deal/0"]) {
        await open(page, url, route);
        await frames(page, 5);
        const shotName = `sideways-notch-${route.replace(/[#/]+/g, "-").replace(/^-/, "")}.png`;
        await page.screenshot({ path: path.join(resultsDir, shotName) });
        // The tree's rectangles are the canvas's; the page's are off its corner.
        const at = await page.evaluate(() => { const r = Module.canvas.getBoundingClientRect(); return { x: r.left, y: r.top }; });
        const outside = (await semantics(page)).filter((n) => INTERACTIVE.has(n.role) && n.w > 1 && n.h > 1 &&
          (at.x + n.x < safe.left - 0.5 || at.x + n.x + n.w > width - safe.right + 0.5 || at.y + n.y + n.h > height - safe.bottom + 0.5));
        assertEq(outside.map((n) => `${n.id} "${n.name}" ${[n.x, n.y, n.w, n.h].map(Math.round)}`), [], `${route}: controls out of the safe area`);
        await checkScreen(page, resultsDir, shotName, (n) => !FLOATING.has(n.id));
      }
      await open(page, url, "#/list/deal");
      const menu = await find(page, { id: "nav:menu" });
      await page.touchscreen.tap(safe.left + menu.x + menu.w / 2, menu.y + menu.h / 2);
      await frames(page, 3);
      assert(await find(page, { id: "nav:contact" }), "the sections' sheet is open");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "on a phone a text field brings up the keyboard for its value: digits for an amount, a phone's keypad, an e-mail's and a web address's keys, a search key in a list's search, letters for a title; its Enter key says done, new line or search",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, PHONE);
      // The keyboard the bridge asks for, and its Enter key's label: "decimal/done".
      const keyboard = () => page.evaluate(() => {
        const b = document.getElementById("text-bridge");
        return document.activeElement !== b ? "(no field)" : b.inputMode + "/" + b.enterKeyHint;
      });
      const edit = async (query) => {
        await tap(page, query);
        await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-bridge", null, { timeout: 5000 });
        await frames(page, 2);
        const mode = await keyboard();
        await page.keyboard.press("Escape");
        await frames(page, 3);
        return mode;
      };
      await open(page, url, "#/item/D2");
      assertEq(await edit({ id: "field:D2:OPPORTUNITY_WITH_CURRENCY" }), "decimal/done", "an amount: digits");
      assertEq(await edit({ id: "field:D2:TITLE" }), "text/done", "a title: letters, and Enter says done");
      assertEq(await edit({ id: "field:D2:COMMENTS" }), "text/enter", "a text of several lines: Enter makes a new line");
      // A screen reader hears it too: the field, and the bridge it is typed in, are multi-line.
      await tap(page, { id: "field:D2:COMMENTS" });
      await frames(page, 3);
      assertEq(await page.evaluate(() => [document.querySelector('[data-node="field:D2:COMMENTS"]').getAttribute("aria-multiline"),
        document.getElementById("text-bridge").getAttribute("aria-multiline")]), ["true", "true"], "multi-line for a screen reader");
      await page.keyboard.press("Escape");
      await frames(page, 3);
      await open(page, url, "#/item/C1");
      assertEq(await edit({ id: "field:C1:PHONE" }), "tel/done", "a phone number: the phone's keypad");
      assertEq(await edit({ id: "field:C1:EMAIL" }), "email/done", "an e-mail");
      await open(page, url, "#/list/deal");
      assertEq(await edit({ role: "searchbox" }), "search/search", "the list's search, and Enter searches");
      // The server's address when logging in: a web address's keys.
      await tap(page, { id: "user" });
      await tap(page, { id: "menu:connect" });
      assertEq(await edit({ id: "connect:server" }), "url/done", "the server's address");
      // A new contact's phones, one per line: letters, whose Enter makes the next line (a phone's keypad may
      // have no Enter).
      await open(page, url, "#/list/contact");
      await tap(page, { id: "action:create" });
      assertEq(await edit({ id: "create:PHONE" }), "text/enter", "several phones, one per line");
      // A product row's price and quantity; its name in letters.
      await open(page, url, "#/item/D2/products");
      await tap(page, { role: "button", name: "+ Добавить товар" });
      assertEq(await edit({ id: "prod:0:name" }), "text/done", "a product's name: letters");
      assertEq(await edit({ id: "prod:0:price" }), "decimal/done", "its price: digits");
      assertEq(await edit({ id: "prod:0:qty" }), "decimal/done", "its quantity");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "on a phone, with taps only: log in to a team server from the user menu, send this browser's data, and a stage moved on the phone reaches another browser",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("phone");
      try {
        const { context, page } = await newPage(browser, PHONE);
        await open(page, server.url, "#/list/deal");
        await tap(page, { id: "user" });
        await tap(page, { id: "menu:connect" });
        await checkScreen(page, resultsDir, "phone-connect.png");
        await tap(page, { id: "connect:login" });
        await typeText(page, ADMIN.login);
        await tap(page, { id: "connect:password" });
        await typeText(page, ADMIN.password);
        await tap(page, { id: "connect:submit" });
        await find(page, { id: "connect:hello" }, { timeout: 10000 });
        await checkScreen(page, resultsDir, "phone-connect-choice.png");
        // The page reloads into the connected workspace.
        const upload = await reveal(page, { id: "connect:upload" });
        await Promise.all([page.waitForNavigation(), page.touchscreen.tap(upload.x + upload.w / 2, upload.y + upload.h / 2)]);
        await waitForApp(page);
        await find(page, { role: "status", name: /Ваши данные на сервере/ }, { timeout: 20000 });
        await waitSynced(page);
        await checkScreen(page, resultsDir, "phone-connected.png");

        await tap(page, { role: "row", name: "Модернизация серверной" });
        const id = (await state(page)).card.id;
        // The next stage, cut by the bar's right edge, comes into view with a sideways swipe.
        const bar = await find(page, { role: "radio", name: "Подготовка документов" });
        for (let i = 0; i < 4 && (await find(page, { role: "radio", name: "Счёт на предоплату" })).cut; i++)
          await swipe(page, 390 * 0.75, bar.y + bar.h / 2, -150, 0);
        await tap(page, { role: "radio", name: "Счёт на предоплату" });
        await waitSynced(page, (s) => s.sync.pending === 0, "the stage to be pushed");

        const other = await newPage(browser);
        await connect(other.page, server.url, ADMIN);
        await openItem(other.page, server.url, id);
        assertEq((await state(other.page)).card.fields.STAGE_ID.value, "PREPAYMENT_INVOICE", "the other browser has the phone's stage");
        await other.context.close();
        await context.close();
      } finally {
        await server.stop();
      }
    },
  },
];
