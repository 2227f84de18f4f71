// Deletions in the settings, which take more than their own line with them, are asked first, with what they
// take: a role names the colleagues who lose its rights; a custom field says how many items hold a value.
// Declining changes nothing; confirming deletes, and a reload agrees.
import { newPage, waitForApp, state, semantics, find, findAll, click, frames, waitSaved, scrollTo, assert, assertEq } from "./browser.mjs";
import { open, openItem, addTextField, replaceText, FIELDS_COLUMN } from "./web_support.mjs";

export const tests = [
  {
    name: "settings: deleting a role asks first and names who loses it; declined nothing changes; confirmed it leaves the users too",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/roles");
      await click(page, { id: "editrole:support" });
      await click(page, { id: "roleform:delete" });
      const q = (await find(page, { id: "roleform:delete_q" })).name;
      assert(/Удалить роль «Сотрудник поддержки»\?/.test(q) && /Мария Козлова/.test(q), "the question names the role and who holds it: " + q);
      assertEq((await findAll(page, { id: "roleform:save" })).length, 0, "the form's buttons wait for the answer");
      await click(page, { id: "roleform:remove_no" });
      await click(page, { id: "roleform:cancel" });
      await waitSaved(page);
      await find(page, { id: "editrole:support" });

      await click(page, { id: "editrole:support" });
      await click(page, { id: "roleform:delete" });
      await click(page, { id: "roleform:remove_yes" });
      await waitSaved(page);
      await find(page, { id: "editrole:manager" });
      assertEq((await findAll(page, { id: "editrole:support" })).length, 0, "the role is gone");
      await page.reload();
      await waitForApp(page);
      await find(page, { id: "editrole:manager" });
      assertEq((await findAll(page, { id: "editrole:support" })).length, 0, "and stays gone after a reload");
      await click(page, { id: "settingspage:users" });
      await click(page, { id: "edituser:u3" });
      await find(page, { id: "userform:role:manager" });
      assertEq((await findAll(page, { id: "userform:role:support" })).length, 0, "Мария's form has no such role to tick");
      await context.close();
    },
  },
  {
    name: "settings: the only administrator unticking his own Администратор or Активен is told why in the form, which keeps what he typed; nothing changes",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/users");
      await click(page, { id: "edituser:u1" });
      await replaceText(page, { role: "textbox", name: "Имя" }, "Анна С.");
      for (const name of ["Администратор", "Активен"]) {
        await click(page, { role: "checkbox", name });
        assertEq(!!(await find(page, { role: "checkbox", name })).checked, false, name + " unticked");
        await click(page, { role: "button", name: "Сохранить" });
        assertEq((await find(page, { id: "userform:error" })).name, "Нужен хотя бы один активный администратор",
          "refused in the form: " + name);
        assertEq((await find(page, { role: "textbox", name: "Имя" })).value, "Анна С.", "what he typed is still there");
        await click(page, { role: "checkbox", name });
      }
      // Ticked again, the rename goes through.
      await click(page, { role: "button", name: "Сохранить" });
      await waitSaved(page);
      assertEq((await findAll(page, { id: "userform:error" })).length, 0, "the form closed");
      await page.reload();
      await waitForApp(page);
      await click(page, { id: "edituser:u1" });
      assertEq((await find(page, { role: "textbox", name: "Имя" })).value, "Анна С.", "renamed");
      assertEq(!!(await find(page, { role: "checkbox", name: "Администратор" })).checked, true, "still the administrator");
      assertEq(!!(await find(page, { role: "checkbox", name: "Активен" })).checked, true, "and active");
      await context.close();
    },
  },
  {
    name: "settings: deleting a custom field says how many items hold a value; declined it stays; confirmed its values leave the cards",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      const field = await addTextField(page, "D2", "Номер тендера", "Т-2026-118");
      await waitSaved(page);
      // The card's fields column rolled through from its top: is the field drawn anywhere in it?
      const onCard = () => scrollTo(page, { id: `field:D2:${field}` }, FIELDS_COLUMN, { maxSteps: 20 }).then(() => true, () => false);
      await openItem(page, url, "D2");
      assertEq(await onCard(), true, "the field is on the card");
      await open(page, url, "#/settings/fields");
      await click(page, { id: "fields:entity" });
      await click(page, { role: "option", name: "Сделки" });
      await scrollTo(page, { id: "deletefield:" + field }, { x: 640, y: 500 });
      await click(page, { id: "deletefield:" + field });
      const q = (await find(page, { id: "deletefield:text" })).name;
      assert(/«Номер тендера»/.test(q) && /элементов: 1\./.test(q), "the question names the field and its one value: " + q);
      await click(page, { id: "deletefield:no" });
      await waitSaved(page);
      await find(page, { id: "deletefield:" + field });

      await click(page, { id: "deletefield:" + field });
      await click(page, { id: "deletefield:yes" });
      await waitSaved(page);
      await find(page, { id: "fields:entity" });
      assertEq((await findAll(page, { id: "deletefield:" + field })).length, 0, "the field is gone from the settings");
      await openItem(page, url, "D2");
      assertEq(await onCard(), false, "and from the card");
      await page.reload();
      await waitForApp(page);
      assertEq(await onCard(), false, "after a reload as well");
      await context.close();
    },
  },
  {
    name: "settings: a smart process made without stages or a client (a name of spaces refused in the form); later renamed and given a client, its stages fixed; after a reload",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/types");
      const typeLinks = async () => (await semantics(page)).filter((n) => n.id.startsWith("type:")).length;
      const types = await typeLinks();
      await click(page, { id: "settings:add_type" });
      await replaceText(page, { id: "typeform:name" }, "   ");
      await replaceText(page, { id: "typeform:plural" }, "Договоры");
      await click(page, { role: "button", name: "Сохранить" });
      await find(page, { role: "alert", name: "Введите название" });  // a name of spaces is no name
      await find(page, { role: "dialog", name: "Создать смарт-процесс" });
      await replaceText(page, { id: "typeform:name" }, "Договор");
      await replaceText(page, { id: "typeform:plural" }, "Договоры");
      assertEq([!!(await find(page, { id: "typeform:stages" })).checked, !!(await find(page, { id: "typeform:client" })).checked], [true, true],
        "a new type has stages and a client unless unticked");
      await click(page, { id: "typeform:stages" });
      assertEq((await findAll(page, { id: "typeform:pipelines" })).length, 0, "no pipelines without stages");
      await click(page, { id: "typeform:client" });
      await click(page, { id: "typeform:save" });
      const type = await find(page, { role: "link", name: /^Договоры/ });
      assertEq(await typeLinks(), types + 1, "one type made, none of spaces");
      const id = type.id.slice("type:".length);
      assertEq(type.name, "Договоры  ·  без стадий", "the list says how it was made");

      await open(page, url, "#/list/" + id);
      await click(page, { id: "action:create" });
      await replaceText(page, { id: "create:TITLE" }, "Договор поставки");
      await click(page, { id: "create:submit" });
      let s = await state(page);
      assertEq(s.card.title, "Договор поставки", "an item of the type");
      assertEq((await findAll(page, { role: "radio" })).length, 0, "no stage bar");
      assertEq((await findAll(page, { role: "combobox", name: "Клиент" })).length, 0, "no client");
      const item = s.card.id;

      // Renamed and given a client; its stages cannot change any more (disabled, out of the Tab order).
      await open(page, url, "#/settings/types");
      await click(page, { id: type.id });
      await find(page, { role: "dialog", name: "Изменение смарт-процесса" });
      const stages = await find(page, { id: "typeform:stages" });
      assertEq([!!stages.checked, !!stages.disabled], [false, true], "stages as made, disabled");
      await click(page, { id: "typeform:stages" });
      assertEq(!!(await find(page, { id: "typeform:stages" })).checked, false, "a click on it changes nothing");
      await replaceText(page, { id: "typeform:name" }, "Контракт");
      await replaceText(page, { id: "typeform:plural" }, "Контракты");
      await click(page, { id: "typeform:client" });
      await click(page, { id: "typeform:save" });
      assertEq((await find(page, { id: type.id })).name, "Контракты  ·  без стадий, Клиент", "renamed, with a client");
      await openItem(page, url, item);
      await find(page, { role: "combobox", name: "Клиент" });
      await waitSaved(page);
      await page.reload();
      await waitForApp(page);
      assertEq((await state(page)).card.id, item, "the item after a reload");
      await find(page, { role: "combobox", name: "Клиент" });
      await open(page, url, "#/settings/types");
      await click(page, { id: type.id });
      const client = await find(page, { id: "typeform:client" });
      assertEq([!!client.checked, !!client.disabled, (await find(page, { id: "typeform:name" })).value], [true, true, "Контракт"],
        "after a reload: renamed; the client stays");
      await context.close();
    },
  },
];
