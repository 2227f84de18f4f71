// The configurable card through the real page (issue 3): custom fields, required-on-stage with the fill-in
// prompt, tabs, views resolved per user, restricted visibility.
import path from "node:path";
import { newPage, waitForApp, state, find, findAll, click, frames, waitSaved, scrollTo, assert, assertEq } from "./browser.mjs";
import { setField } from "./web_support.mjs";

const FIELDS = { x: 300, y: 600 };

async function open(page, url, route) {
  await page.goto(url + route);
  await waitForApp(page);
}

async function typeInto(page, query, text) {
  await click(page, query);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text, { delay: 5 });
  await frames(page, 2);
}

// Opens a combobox and picks an option by its shown name.
async function choose(page, comboId, optionName) {
  await click(page, { id: comboId });
  await click(page, { role: "option", name: optionName });
}

async function switchUser(page, id) {
  await click(page, { id: "user" });
  await click(page, { id: `switchuser:${id}` });
  await frames(page, 3);
  assertEq((await state(page)).user, id, "switched user");
}

// Creates a list field in section `section` of the open card; returns its id.
async function createListField(page, section, name, options) {
  const before = (await state(page)).card.sections.find((s) => s.id === section).fields;
  await scrollTo(page, { id: `secedit:${section}` }, FIELDS);
  await click(page, { id: `secedit:${section}` });
  await scrollTo(page, { id: `createfield:${section}` }, FIELDS);
  await click(page, { id: `createfield:${section}` });
  await find(page, { role: "dialog", name: "Новое поле" });
  await choose(page, "newfield:type", "Список");
  await typeInto(page, { id: "newfield:name_ru" }, name);
  for (let i = 0; i < options.length; i++) {
    if (i >= 2) await click(page, { id: "newfield:add" });
    await typeInto(page, { id: `newfield:option:${i}` }, options[i]);
  }
  await click(page, { id: "newfield:submit" });
  await frames(page, 3);
  const after = (await state(page)).card.sections.find((s) => s.id === section).fields;
  const added = after.filter((f) => !before.includes(f));
  assertEq(added.length, 1, "one field added to the section");
  return added[0];
}

export const tests = [
  {
    name: "create a list field, require it on stages, be refused moving there, fill it in, move",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D3");  // "Годовое обслуживание склада", on NEW
      const id = await createListField(page, "main", "Contract type", ["One-off", "Annual"]);
      let s = await state(page);
      assert(/^UF_CRM_/.test(id), "custom field id: " + id);
      await scrollTo(page, { id: `field:D3:${id}` }, FIELDS);
      await page.screenshot({ path: path.join(resultsDir, "config-field-created.png") });

      // Required on stages "В работе" .. "Финальный счёт" of the general pipeline.
      await click(page, { id: `fieldmenu:${id}` });
      await click(page, { id: `menu:configure:${id}` });
      await find(page, { role: "dialog", name: /Настройки поля/ });
      await click(page, { id: "config:req:2" });
      await choose(page, "config:from:0", "В работе");
      await choose(page, "config:to:0", "Финальный счёт");
      await page.screenshot({ path: path.join(resultsDir, "config-required-on-stages.png") });
      await click(page, { id: "config:save" });
      await frames(page, 3);

      // Moving to "В работе" is refused until the field is filled: the fill-in prompt names it.
      await click(page, { role: "radio", name: "В работе" });
      await find(page, { role: "dialog", name: "Заполните обязательные поля" });
      s = await state(page);
      assertEq(s.card.fields.STAGE_ID.value, "NEW", "not moved yet");
      await page.screenshot({ path: path.join(resultsDir, "config-fill-in.png") });
      // Submitting empty is refused with an inline message.
      await click(page, { id: "fill:submit" });
      await find(page, { id: `fill:${id}:error` });
      assertEq((await state(page)).card.fields.STAGE_ID.value, "NEW", "still not moved");
      await choose(page, `fill:${id}`, "Annual");
      await click(page, { id: "fill:submit" });
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.fields.STAGE_ID.value, "EXECUTING", "moved after filling");
      assertEq(s.card.fields[id].text, "Annual", "the fill-in value is saved");
      const last = s.card.timeline.slice(-2).map((t) => t.kind);
      assertEq(last, ["field_changed", "stage_changed"], "both recorded in the timeline");

      // Inside the range the field cannot be emptied; outside it can be moved freely.
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields[id].text, "Annual", "value after reload");
      assert(s.card.sections.find((x) => x.id === "main").fields.includes(id), "field in the layout after reload");
      assertEq(s.card.fields.STAGE_ID.value, "EXECUTING", "stage after reload");
      await context.close();
    },
  },
  {
    name: "new field options: a number's digits after the point, a list's default option, options deleted and moved, several values with two defaults; a new deal takes them; after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D3");
      // Opens the new-field dialog of the first section; returns the section's fields before.
      const startField = async (type, name) => {
        const before = (await state(page)).card.sections.find((x) => x.id === "main").fields;
        if (!(await findAll(page, { id: "createfield:main" })).length) {
          await scrollTo(page, { id: "secedit:main" }, FIELDS);
          await click(page, { id: "secedit:main" });
        }
        await scrollTo(page, { id: "createfield:main" }, FIELDS);
        await click(page, { id: "createfield:main" });
        await find(page, { role: "dialog", name: "Новое поле" });
        await choose(page, "newfield:type", type);
        await typeInto(page, { id: "newfield:name_ru" }, name);
        return before;
      };
      const submitField = async (before) => {
        await click(page, { id: "newfield:submit" });
        await frames(page, 3);
        const added = (await state(page)).card.sections.find((x) => x.id === "main").fields.filter((f) => !before.includes(f));
        assertEq(added.length, 1, "one field added");
        return added[0];
      };

      // A number with three digits after the point.
      let before = await startField("Число", "Скидка");
      await choose(page, "newfield:precision", "3");
      const number = await submitField(before);
      await setField(page, "D3", number, "12,5");
      assertEq((await state(page)).card.fields[number].text, "12,500", "shown with three digits");

      // A list: an option deleted, one moved up, the default kept with its option; then several values.
      before = await startField("Список", "Канал");
      await typeInto(page, { id: "newfield:option:0" }, "Сайт");
      await typeInto(page, { id: "newfield:option:1" }, "Выставка");
      await click(page, { id: "newfield:add" });
      await typeInto(page, { id: "newfield:option:2" }, "Звонок");
      await click(page, { id: "newfield:default:1" });
      assertEq(!!(await find(page, { id: "newfield:default:1" })).selected, true, "Выставка is the default");
      await click(page, { id: "newfield:del:0" });
      await click(page, { id: "newfield:up:1" });
      const names = [];
      for (const i of [0, 1]) names.push((await find(page, { id: `newfield:option:${i}` })).value);
      assertEq(names, ["Звонок", "Выставка"], "Сайт deleted, Звонок moved up");
      assertEq([!!(await find(page, { id: "newfield:default:0" })).selected, !!(await find(page, { id: "newfield:default:1" })).selected],
        [false, true], "the default went with its option");
      await click(page, { id: "newfield:multiple" });
      await click(page, { id: "newfield:default:0" });
      assertEq([!!(await find(page, { id: "newfield:default:0" })).selected, !!(await find(page, { id: "newfield:default:1" })).selected],
        [true, true], "several values: two defaults");
      await page.screenshot({ path: path.join(resultsDir, "config-new-list-field.png") });
      const list = await submitField(before);

      // A new deal starts with both.
      await open(page, url, "#/list/deal");
      await click(page, { id: "action:create" });
      await typeInto(page, { id: "create:TITLE" }, "Сделка с каналами");
      await click(page, { id: "create:submit" });
      let s = await state(page);
      assertEq(s.card.title, "Сделка с каналами", "the new deal opens");
      assertEq(s.card.fields[list].text, "Звонок, Выставка", "it has the two default options");
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.fields[list].text, "Звонок, Выставка", "after a reload");
      await open(page, url, "#/item/D3");
      assertEq((await state(page)).card.fields[number].text, "12,500", "the number too");
      await context.close();
    },
  },
  {
    name: "hide and reorder tabs; the tab menu is kept with the view and survives reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D2");
      await click(page, { id: "tabs:configure" });
      await click(page, { id: "tableft:history" });   // History before Links
      await click(page, { id: "tabvis:links" });      // hide Links
      await page.screenshot({ path: path.join(resultsDir, "config-tabs-editing.png") });
      await click(page, { id: "tabs:configure" });    // done
      let s = await state(page);
      assertEq(s.card.tabs, [{ id: "main", hidden: false }, { id: "products", hidden: false }, { id: "history", hidden: false },
        { id: "links", hidden: true }], "order and hidden flag");
      const tabs = (await findAll(page, { role: "tab" })).map((t) => t.name);
      assertEq(tabs, ["Общие", "Товары", "История"], "only visible tabs are shown, in the new order");
      await click(page, { role: "tab", name: "История" });
      assertEq((await state(page)).card.tab, "history", "a tab opens");
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.tabs.map((t) => t.id), ["main", "products", "history", "links"], "tab order after reload");
      assert(s.card.tabs[3].hidden, "hidden after reload");
      assertEq(s.card.tab, "history", "the open tab is in the URL");
      await context.close();
    },
  },
  {
    name: "two users see different views by the resolution rules",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D4");
      // The administrator creates a view for the sales department (with sub-departments), auto-applied.
      await scrollTo(page, { id: "views:manage" }, FIELDS);
      await click(page, { id: "views:manage" });
      await find(page, { role: "dialog", name: "Представления карточки" });
      await typeInto(page, { id: "viewform:name" }, "Sales view");
      await click(page, { id: "viewform:auto" });
      await scrollTo(page, { id: "viewform:codes:DRd2" }, { x: 640, y: 250 });
      await click(page, { id: "viewform:codes:DRd2" });
      await click(page, { id: "viewform:submit" });
      await click(page, { id: "views:close" });
      await frames(page, 3);
      // He switches to it and renames its first section there.
      await choose(page, "views:switch", "Sales view");
      let s = await state(page);
      assert(s.card.scope.startsWith("V:"), "the admin looks at the view: " + s.card.scope);
      await scrollTo(page, { id: "secedit:main" }, { x: 300, y: 400 });
      await click(page, { id: "secedit:main" });
      await click(page, { id: "secrename:main" });
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Sales essentials", { delay: 5 });
      await page.keyboard.press("Enter");
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.sections[0].title, "Sales essentials", "renamed in the view");

      // Ivan (sales) gets the view automatically; Maria (support) sees the common view.
      await switchUser(page, "u2");
      s = await state(page);
      assert(s.card.scope.startsWith("V:"), "Ivan sees the view: " + s.card.scope);
      assertEq(s.card.sections[0].title, "Sales essentials", "Ivan's layout");
      await find(page, { role: "heading", name: "Sales essentials" });
      await page.screenshot({ path: path.join(resultsDir, "config-view-ivan.png") });
      await switchUser(page, "u3");
      s = await state(page);
      assertEq(s.card.scope, "C", "Maria sees the common view");
      assertEq(s.card.sections[0].title, "О сделке", "Maria's layout");
      await page.screenshot({ path: path.join(resultsDir, "config-view-maria.png") });
      // Maria may not have an own view: the switcher offers none.
      await scrollTo(page, { id: "views:switch" }, FIELDS);
      await click(page, { id: "views:switch" });
      const options = (await findAll(page, { role: "option" })).map((o) => o.name);
      assert(!options.includes("Мой вид"), "no 'My view' for Maria: " + options.join(","));
      await page.keyboard.press("Escape");
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq([s.user, s.card.scope], ["u3", "C"], "user and scope after reload");
      await context.close();
    },
  },
  {
    name: "the views dialog lists whom each view is for; a view is edited, its deletion asks naming them (declined, then done); Сбросить and Принудительно ask and act; after a reload",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D4");
      const DIALOG = { x: 640, y: 250 };
      // Renames the first section in the layout shown (its edit mode, Изменить/Готово, is turned on unless on).
      const renameMain = async (title) => {
        const toggle = await scrollTo(page, { id: "secedit:main" }, { x: 300, y: 400 });
        if (toggle.name === "Изменить") await click(page, { id: "secedit:main" });
        await click(page, { id: "secrename:main" });
        await frames(page, 3);
        await page.keyboard.press("Control+A");
        await frames(page, 3);  // at a person's pace (typed faster, Cyrillic right behind Ctrl+A can lose letters)
        await page.keyboard.type(title, { delay: 5 });
        await page.keyboard.press("Enter");
        await frames(page, 3);
      };
      await scrollTo(page, { id: "views:manage" }, FIELDS);
      await click(page, { id: "views:manage" });
      await typeInto(page, { id: "viewform:name" }, "Sales view");
      await click(page, { id: "viewform:auto" });
      const picker = await scrollTo(page, { id: "viewform:codes:DRd2" }, DIALOG);
      await click(page, { id: "viewform:codes:DRd2" });
      const PICKER = { x: picker.x + 40, y: picker.y };  // the list of departments and users scrolls on its own
      await scrollTo(page, { id: "viewform:codes:Uu3" }, PICKER);
      await click(page, { id: "viewform:codes:Uu3" });
      await click(page, { id: "viewform:submit" });
      // Under its name: the department, the user, and that it opens by itself.
      let row = await find(page, { role: "text", name: /^Sales view: / });
      const id = row.id.slice("view:".length);
      assert(/Отдел продаж \(с подотделами\)/.test(row.name) && row.name.includes("Мария") && row.name.includes("открывается сам"),
        "the view says whom it is for: " + row.name);
      await page.screenshot({ path: path.join(resultsDir, "config-views-list.png") });

      // Изменить: renamed, not automatic any more, Maria no longer in it.
      await click(page, { id: "viewedit:" + id });
      assertEq((await find(page, { id: "viewform:name" })).value, "Sales view", "the form holds the view");
      await typeInto(page, { id: "viewform:name" }, "Sales desk");
      await click(page, { id: "viewform:auto" });
      await scrollTo(page, { id: "viewform:codes:Uu3" }, PICKER);
      await click(page, { id: "viewform:codes:Uu3" });
      await click(page, { id: "viewform:submit" });
      row = await find(page, { id: "view:" + id });
      assertEq(row.name, "Sales desk: Отдел продаж (с подотделами)", "renamed, for the department only, chosen by hand");
      assertEq((await findAll(page, { role: "text", name: /^Sales view/ })).length, 0, "no second view was made");

      // Удалить asks first, naming whom it is assigned to; Отмена keeps it.
      await click(page, { id: "viewdelete:" + id });
      const q = await find(page, { id: "views:delete_q" });
      assert(q.name.includes("Sales desk") && q.name.includes("Отдел продаж"), "the question names the view and its members: " + q.name);
      await page.screenshot({ path: path.join(resultsDir, "config-views-delete.png") });
      await click(page, { id: "views:remove_no" });
      await find(page, { id: "view:" + id });
      await click(page, { id: "viewdelete:" + id });
      await click(page, { id: "views:remove_yes" });
      await find(page, { id: "views:none", name: "Представлений пока нет" });
      assertEq((await findAll(page, { id: "view:" + id })).length, 0, "the view is gone");
      await click(page, { id: "views:close" });

      // A personal view changed, then Сбросить (asked first) brings the common layout back.
      await choose(page, "views:switch", "Мой вид");
      assert((await state(page)).card.scope.startsWith("P:"), "the admin's own view");
      await renameMain("Моё главное");
      assertEq((await state(page)).card.sections[0].title, "Моё главное", "renamed in the own view");
      await scrollTo(page, { id: "views:reset" }, FIELDS);
      await click(page, { id: "views:reset" });
      await find(page, { id: "confirm:text" });
      await click(page, { id: "confirm:no" });
      assertEq((await state(page)).card.sections[0].title, "Моё главное", "Отмена keeps it");
      await click(page, { id: "views:reset" });
      await click(page, { id: "confirm:yes" });
      await frames(page, 3);
      assertEq((await state(page)).card.sections[0].title, "О сделке", "reset to the common layout");

      // Принудительно: every personal view goes, the admin's own changed one with them.
      await choose(page, "views:switch", "Мой вид");
      await renameMain("Снова моё");
      await scrollTo(page, { id: "views:force" }, FIELDS);
      await click(page, { id: "views:force" });
      const force = await find(page, { id: "confirm:text" });
      assert(force.name.includes("Личные виды"), "the question says what goes: " + force.name);
      await click(page, { id: "confirm:yes" });
      await frames(page, 3);
      let s = await state(page);
      assertEq([s.card.scope, s.card.sections[0].title], ["C", "О сделке"], "everyone on the common view");
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq([s.card.scope, s.card.sections[0].title], ["C", "О сделке"], "after a reload");
      await scrollTo(page, { id: "views:switch" }, FIELDS);
      await click(page, { id: "views:switch" });
      const options = (await findAll(page, { role: "option" })).map((o) => o.name);
      assert(!options.includes("Sales desk"), "the deleted view is not offered: " + options.join(","));
      await page.keyboard.press("Escape");
      await context.close();
    },
  },
  {
    name: "a restricted field is invisible to a user outside its list",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D1");
      const id = await createListField(page, "additional", "Margin class", ["Low", "High"]);
      await click(page, { id: `fieldmenu:${id}` });
      await click(page, { id: `menu:configure:${id}` });
      const DIALOG = { x: 640, y: 300 };
      await scrollTo(page, { id: "config:restricted" }, DIALOG);
      await click(page, { id: "config:restricted" });
      await scrollTo(page, { id: "config:codes:DRd2" }, DIALOG);
      await click(page, { id: "config:codes:DRd2" });
      await click(page, { id: "config:save" });
      await frames(page, 3);
      await scrollTo(page, { id: `field:D1:${id}` }, FIELDS);
      await click(page, { id: `field:D1:${id}` });
      await click(page, { role: "option", name: "High" });
      let s = await state(page);
      assertEq(s.card.fields[id].text, "High", "the admin set it");

      await switchUser(page, "u3");  // support: outside the list
      s = await state(page);
      assert(!(id in s.card.fields), "Maria's card has no value of the field");
      assert(!s.card.timeline.some((t) => t.field === id), "nor its history");
      const nodes = await findAll(page, { id: `field:D1:${id}` });
      assertEq(nodes.length, 0, "and no widget for it");
      await page.screenshot({ path: path.join(resultsDir, "config-restricted-maria.png") });

      await switchUser(page, "u4");  // Moscow sales, under the sales department
      s = await state(page);
      assertEq(s.card.fields[id].text, "High", "Dmitry sees it");
      await context.close();
    },
  },
  {
    name: "fields and sections move by their handles, and a line shows where they will land before they are let go",
    async fn({ browser, url, resultsDir }) {
      // Tall enough for the whole left column, so that a drag needs no scrolling.
      const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 2400 } });
      await open(page, url, "#/item/D2");
      let s = await state(page);
      const [first, second] = s.card.sections;
      assert(first && second && first.fields.length >= 3, "a card with two sections, the first with three fields");
      await click(page, { id: `secedit:${first.id}` });
      // Press on a handle, move in steps (frames see the motion), stop over the target; the caller checks and lets go.
      const hold = async (handle, target, dy) => {
        await page.mouse.move(handle.x + handle.w / 2, handle.y + handle.h / 2);
        await frames(page, 1);
        await page.mouse.down();
        await frames(page, 2);
        const to = { x: target.x + 40, y: target.y + dy };
        for (let i = 1; i <= 8; i++) {
          await page.mouse.move(handle.x + (to.x - handle.x) * i / 8, handle.y + (to.y - handle.y) * i / 8);
          await frames(page, 1);
        }
        await frames(page, 2);
      };
      // The third field onto the first: the line is over the first field's row, and it lands there.
      const moved = first.fields[2], onto = first.fields[0];
      await hold(await find(page, { id: `drag:${moved}` }), await find(page, { id: `field:D2:${onto}` }), 10);
      const mark = await find(page, { id: `dropmark:field:${onto}` });
      await page.screenshot({ path: path.join(resultsDir, "drag-field-line.png"), clip: { x: 0, y: 500, width: 700, height: 500 } });
      const row = await find(page, { id: `field:D2:${onto}` });
      assert(mark.y <= row.y && mark.y >= row.y - 40, "the line is just above the row it goes before: " + JSON.stringify([mark, row]));
      assertEq((await findAll(page, { role: "separator" })).length, 1, "one line at a time");
      await page.mouse.up();
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.sections[0].fields.slice(0, 3), [moved, onto, first.fields[1]], "the field landed where the line was");
      assertEq((await findAll(page, { role: "separator" })).length, 0, "the line goes with the drag");
      // The second section by its handle onto the first: the line is over the first panel, and it lands there.
      await click(page, { id: `secedit:${second.id}` });
      assertEq((await findAll(page, { id: `secdrag:${first.id}` })).length, 1, "a section in edit mode has a handle");
      // The handle as a screen reader names it: "Перетащить раздел: <its title>".
      const handle = await find(page, { role: "button", name: /^Перетащить раздел: /, id: `secdrag:${second.id}` });
      await hold(handle, await find(page, { role: "heading", id: `section:${first.id}` }), 5);
      const line = await find(page, { id: `dropmark:section:${first.id}` });
      assert(line.y < (await find(page, { id: `section:${first.id}` })).y, "the line is above the section it goes before");
      await page.mouse.up();
      await frames(page, 3);
      s = await state(page);
      assertEq(s.card.sections.slice(0, 2).map((x) => x.id), [second.id, first.id], "the section moved first");
      await page.reload();
      await waitForApp(page);
      s = await state(page);
      assertEq(s.card.sections.slice(0, 2).map((x) => x.id), [second.id, first.id], "and stays there after a reload");
      assertEq(s.card.sections[1].fields[0], moved, "as does the field");
      await context.close();
    },
  },
];
