// Settings → departments, the way an administrator reorganises a company: a department added under
// another (drawn indented under it), renamed, a colleague moved into it from the user settings; a department
// put inside its own sub-department, or deleted while it has members or sub-departments, is refused in the
// form, which stays open; an empty one is deleted. Read back after a reload.
import { newPage, waitForApp, semantics, find, findAll, click, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { open, replaceText, choose } from "./web_support.mjs";

// The department tree as drawn: name -> { id, x, y }.
async function tree(page) {
  await find(page, { id: "settings:add_department" });
  await frames(page, 2);
  return Object.fromEntries((await semantics(page)).filter((n) => n.role === "treeitem")
    .map((n) => [n.name, { id: n.id.slice("department:".length), x: n.x, y: n.y }]));
}
const errorText = async (page) => (await find(page, { id: "depform:error" })).name;
// Moves Иван Петров (u2) to the department `to` in the user settings (from `from`, when given) and comes back
// to the departments page.
async function moveIvan(page, to, from) {
  await click(page, { id: "settingspage:users" });
  assertEq(!!(await find(page, { id: "settingspage:users" })).selected, true, "the page shown is the selected button");
  assertEq(!!(await find(page, { id: "settingspage:departments" })).selected, false, "and only it");
  await click(page, { id: "edituser:u2" });
  if (from) assertEq((await find(page, { id: "userform:department" })).value, from, "his department");
  await choose(page, "userform:department", to);
  await click(page, { id: "userform:save" });
  await waitSaved(page);
  await click(page, { id: "settingspage:departments" });
  await tree(page);
}

export const tests = [
  {
    name: "settings → departments: added under another, renamed, a colleague moved in; a cycle or a department with members is refused in the form; an empty one is deleted",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/departments");
      let t = await tree(page);
      assert(t["Отдел продаж"] && t["Продажи: Москва"], "the demo's departments: " + Object.keys(t).join(", "));

      await click(page, { id: "settings:add_department" });
      await replaceText(page, { id: "depform:name" }, "Продажи: Казань");
      await choose(page, "depform:parent", "Отдел продаж");
      await click(page, { id: "depform:save" });
      await waitSaved(page);
      t = await tree(page);
      const kazan = t["Продажи: Казань"];
      assert(kazan, "the new department is listed");
      assert(kazan.x > t["Отдел продаж"].x && kazan.y > t["Отдел продаж"].y, "indented under Отдел продаж");
      assertEq(kazan.x, t["Продажи: Москва"].x, "level with its sibling");

      // Отдел продаж inside its own sub-department: refused, the form stays; deleting it too (members).
      await click(page, { id: "editdep:" + t["Отдел продаж"].id });
      await choose(page, "depform:parent", "Продажи: Казань");
      await click(page, { id: "depform:save" });
      assertEq(await errorText(page), "Отдел не может входить сам в себя", "a cycle is refused inline");
      await click(page, { id: "depform:delete" });
      assertEq(await errorText(page), "В отделе есть сотрудники или подотделы", "a department with members stays");
      await click(page, { id: "depform:cancel" });
      assertEq((await tree(page))["Отдел продаж"].x, t["Отдел продаж"].x, "nothing changed");

      // Renamed; Иван Петров moved into it from his user settings.
      await click(page, { id: "editdep:" + kazan.id });
      await replaceText(page, { id: "depform:name" }, "Продажи: Казань и Самара");
      await click(page, { id: "depform:save" });
      await waitSaved(page);
      assert((await tree(page))["Продажи: Казань и Самара"], "renamed");
      await moveIvan(page, "Продажи: Казань и Самара");
      await click(page, { id: "editdep:" + kazan.id });
      await click(page, { id: "depform:delete" });
      assertEq(await errorText(page), "В отделе есть сотрудники или подотделы", "now it has a member");
      await click(page, { id: "depform:cancel" });

      // Иван back; the empty department is deleted, and stays deleted after a reload.
      await moveIvan(page, "Отдел продаж", "Продажи: Казань и Самара");
      await click(page, { id: "editdep:" + kazan.id });
      await click(page, { id: "depform:delete" });
      await waitSaved(page);
      assertEq((await findAll(page, { role: "dialog" })).length, 0, "the form closed");
      assert(!("Продажи: Казань и Самара" in (await tree(page))), "deleted");
      await page.reload();
      await waitForApp(page);
      t = await tree(page);
      assert(!("Продажи: Казань и Самара" in t) && t["Отдел продаж"], "after a reload: " + Object.keys(t).join(", "));
      await click(page, { id: "settingspage:users" });
      await click(page, { id: "edituser:u2" });
      assertEq((await find(page, { id: "userform:department" })).value, "Отдел продаж", "Иван is in Отдел продаж");
      await context.close();
    },
  },
];
