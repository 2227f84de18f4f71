// A card section's field tools in its edit mode, as a person arranges a card (issue 3's "fields of a
// section"): ↑ and ↓ move a field, its ⚙ menu hides it (and "+ Выбрать поле" brings it back at the
// section's end), ticks "Показывать всегда" and moves it to another section. Read from the card as drawn
// and from the resolved layout; kept across a reload.
import { newPage, waitForApp, state, find, findAll, click, frames, waitSaved, scrollTo, assert, assertEq } from "./browser.mjs";
import { open } from "./web_support.mjs";

const FIELDS = { x: 300, y: 600 };
const fieldsOf = async (page, section) => (await state(page)).card.sections.find((s) => s.id === section).fields;

async function fieldMenu(page, field) {
  await scrollTo(page, { id: `fieldmenu:${field}` }, FIELDS);
  await click(page, { id: `fieldmenu:${field}` });
  await find(page, { id: `menu:hide:${field}` });
}

export const tests = [
  {
    name: "a section's field tools: ↑ ↓ move a field, ⚙ hides it and + Выбрать поле brings it back, Показывать всегда is kept, Переместить в раздел moves it; a reload keeps it all",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/item/D3");
      const s0 = (await state(page)).card.sections;
      assert(s0.length >= 2, "the card has two sections at least: " + s0.map((s) => s.id).join(", "));
      const main = s0[0].id, other = s0[1];
      const start = s0[0].fields;
      assert(start.length >= 3, "the first section has three fields at least: " + start.join(", "));
      await scrollTo(page, { id: `secedit:${main}` }, FIELDS);
      await click(page, { id: `secedit:${main}` });

      // ↓ then ↑ on the second field.
      const [a, b, c] = start;
      await scrollTo(page, { id: `fielddown:${b}` }, FIELDS);
      await click(page, { id: `fielddown:${b}` });
      await waitSaved(page);
      assertEq((await fieldsOf(page, main)).slice(0, 3), [a, c, b], "↓ moves it below the next one");
      await scrollTo(page, { id: `fieldup:${b}` }, FIELDS);
      await click(page, { id: `fieldup:${b}` });
      await waitSaved(page);
      assertEq((await fieldsOf(page, main)).slice(0, 3), [a, b, c], "↑ moves it back");
      assertEq((await find(page, { id: `fieldup:${a}` })).disabled, true, "the first field cannot go up");

      // ⚙ → Скрыть: the field leaves the card; + Выбрать поле lists it and puts it back at the end.
      await fieldMenu(page, c);
      await click(page, { id: `menu:hide:${c}` });
      await waitSaved(page);
      assert(!(await fieldsOf(page, main)).includes(c), "hidden: not in the section");
      assertEq((await findAll(page, { id: `field:D3:${c}` })).length, 0, "nor on the card");
      await scrollTo(page, { id: `selectfield:${main}` }, FIELDS);
      await click(page, { id: `selectfield:${main}` });
      await click(page, { id: `hidden:${c}` });
      await waitSaved(page);
      const back = await fieldsOf(page, main);
      assertEq(back[back.length - 1], c, "back, at the section's end");

      // ⚙ → Показывать всегда switched on the first field, read back.
      await fieldMenu(page, a);
      const always = !!(await find(page, { id: `menu:always:${a}` })).checked;
      await click(page, { id: `menu:always:${a}` });
      await waitSaved(page);
      await fieldMenu(page, a);
      assertEq(!!(await find(page, { id: `menu:always:${a}` })).checked, !always, "Показывать всегда is switched");
      await page.keyboard.press("Escape");

      // ⚙ → Переместить в раздел → the second section.
      await fieldMenu(page, b);
      await click(page, { id: `menu:moveto:${b}` });
      assertEq((await find(page, { id: `menu:moveto:${b}` })).name, "Переместить в раздел", "the submenu is named");
      await click(page, { id: `menu:moveto:${b}:${other.id}` });
      await waitSaved(page);
      assert(!(await fieldsOf(page, main)).includes(b), "moved out of the first section");
      const moved = await fieldsOf(page, other.id);
      assertEq(moved[moved.length - 1], b, `at the end of «${other.title}»`);

      // All of it after a reload.
      const expected = (await state(page)).card.sections.map((s) => s.fields);
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.sections.map((s) => s.fields), expected, "the layout after a reload");
      await scrollTo(page, { id: `secedit:${main}` }, FIELDS);
      await click(page, { id: `secedit:${main}` });
      await fieldMenu(page, a);
      assertEq(!!(await find(page, { id: `menu:always:${a}` })).checked, !always, "Показывать всегда after a reload");
      await context.close();
    },
  },
];
