// Refused changes are kept (issue 19): a user edits offline while the administrator takes away his right to
// edit; back online, the server refuses the change, and instead of vanishing it is listed with its value and
// the reason (from the toast and from the top bar), survives a reload, can be copied, and once the right is
// back it is applied again and lands on the server; a discarded one is gone for good.
//
// run.mjs's own server runs without a data directory (server-less mode), so this test starts its own.
import path from "node:path";
import { newPage, waitForApp, state, find, findAll, click, assert, assertEq } from "./browser.mjs";
import { ADMIN, api, loginDialog, mutationOf, open, pollPage, setField, startDataServer, waitSynced } from "./web_support.mjs";

const IVAN = { login: "ivan", password: "ivan-password-1" };
const DEAL_ID = "DREF1";
const DEAL_TITLE = "Сделка с отказом";

// The administrator's other device: pushes commands through the API, as the administrator.
function adminDevice(url, token) {
  let seq = 0;
  const client = "admin-" + Date.now().toString(36);
  return async (...cmds) => {
    const now = Date.now();
    const mutations = cmds.map((cmd) => mutationOf(client, ++seq, now, cmd));
    const res = await api(url, "/api/sync/push", { protocol: 1, schema: 1, mutations }, token);
    for (const r of res.results) assertEq(r.status, "applied", `admin mutation ${r.seq}: ${JSON.stringify(r)}`);
  };
}

const role = (edit) => ({ op: "role.put", role: { id: "everything", name: "Everything", defaults: edit ? {} : { edit: "none" } } });

async function getItem(url, token, id) {
  const r = await fetch(new URL("/api/items/" + id, url), { headers: { Authorization: `Bearer ${token}` } });
  assertEq(r.status, 200, "GET /api/items/" + id);
  return r.json();
}

// Takes Ivan offline, makes `edit` there, has the administrator take the right to edit away meanwhile, and
// brings Ivan back: the server refuses the change. Returns Ivan's state once the refusal is in his list.
async function editWhileRightIsGone(page, context, admin, edit, refusedBefore) {
  await context.setOffline(true);
  await edit();
  await pollPage(page, () => {
    const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
    return s.sync.status === "offline" && s.sync.pending === 1;
  }, null, { what: "Ivan to say he is offline with a change waiting", timeout: 15000 });
  await admin(role(false));
  await context.setOffline(false);
  await page.evaluate(() => Module._kt_sync_now());
  return waitSynced(page, (s) => s.sync.refused === refusedBefore + 1 && s.sync.pending === 0 && s.card && !s.card.can_edit,
    "the refusal and the new role", 40000);
}

const listItems = (page) => findAll(page, { role: "listitem" }).then((l) => l.filter((n) => n.id.startsWith("refused:")));

export const tests = [
  {
    name: "a change refused by the server is listed with its value and reason, kept across a reload, copied, re-applied and discarded",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("refused");
      try {
        const { token } = await api(server.url, "/api/login", ADMIN);
        const admin = adminDevice(server.url, token);
        await admin(
          role(true),
          { op: "user.put", user: { id: "u2", name: "Иван Петров", roles: ["everything"] } },
          { op: "item.create", item: DEAL_ID, entity: "deal",
            fields: [["TITLE", DEAL_TITLE], ["ASSIGNED_BY_ID", "u1"], ["OPPORTUNITY_WITH_CURRENCY", { m: 100000, c: "RUB" }]] });
        await api(server.url, "/api/accounts", { user: "u2", ...IVAN }, token);

        const { context, page } = await newPage(browser);
        await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(server.url).origin });
        await loginDialog(page, server.url, IVAN);
        await Promise.all([page.waitForNavigation(), click(page, { id: "connect:replace" }, { navigates: true })]);
        await waitForApp(page);
        await open(page, server.url, "#/item/" + DEAL_ID);
        let s = await waitSynced(page, (x) => x.card && x.card.id === DEAL_ID && x.card.can_edit, "Ivan's card");
        assertEq(s.sync.refused, 0, "nothing refused yet");

        // Offline, Ivan writes a new amount; the administrator takes away his right to edit meanwhile.
        s = await editWhileRightIsGone(page, context, admin, () => setField(page, DEAL_ID, "OPPORTUNITY_WITH_CURRENCY", "777 000"), 0);
        assertEq(s.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 100000, c: "RUB" }, "the card shows the server's amount again");

        // The toast says so and leads to the list.
        const toast = await find(page, { role: "alert", name: /^Изменение не принято сервером: Недостаточно прав/ });
        assert(toast.id.startsWith("toast:"), "the refusal is a toast: " + JSON.stringify(toast));
        await page.screenshot({ path: path.join(resultsDir, "refused-toast.png") });
        await click(page, { id: toast.id + ":refused", role: "button", name: "Отклонённые изменения (1)" });
        await find(page, { role: "dialog", name: "Отклонённые изменения (1)" });
        // The dialog's body is measured in its first frame (nothing of it is on screen, nor in the tree).
        await find(page, { role: "listitem", name: /Причина/ });
        let items = await listItems(page);
        assertEq(items.length, 1, "one refused change");
        const entry = items[0].name;
        for (const part of [`Сделка «${DEAL_TITLE}»`, "Сумма и валюта: 1 000 ₽  →  777 000 ₽", "Причина: Недостаточно прав"])
          assert(entry.includes(part), `the entry says "${part}": ${entry}`);
        const id = items[0].id.slice("refused:".length);
        await page.screenshot({ path: path.join(resultsDir, "refused-panel.png") });

        // Copy puts the value on the clipboard as it can be typed back into the field.
        await page.evaluate(() => navigator.clipboard.writeText("старое"));
        await click(page, { id: "refused:copy:" + id, role: "button", name: "Копировать значение" });
        assertEq(await page.evaluate(() => navigator.clipboard.readText()), "777000", "the value is on the clipboard");
        await click(page, { id: "refused:close", role: "button", name: "Закрыть" });
        assertEq(await findAll(page, { role: "dialog" }), [], "the list is closed");

        // The list survives a reload, and the top bar leads to it.
        await page.reload();
        await waitForApp(page);
        s = await waitSynced(page, (x) => x.card && x.card.id === DEAL_ID, "the card after the reload");
        assertEq(s.sync.refused, 1, "still one refused change after the reload");
        // Logging out would delete it with the user's data: the dialog says so first, and cancel keeps it.
        await click(page, { id: "user" });
        await click(page, { id: "menu:logout", role: "menuitem" });
        await find(page, { id: "logout:text", role: "alert", name: /^Отклонённых сервером изменений: 1\. Они будут удалены/ });
        await click(page, { id: "logout:cancel", role: "button" });
        assertEq((await state(page)).sync.refused, 1, "cancelling the logout keeps the refused change");
        await click(page, { id: "refused:open", role: "button", name: "Отклонённые изменения (1)" });
        items = await listItems(page);
        assertEq(items.map((n) => n.id), ["refused:" + id], "the same change is listed after the reload");

        // Re-applied while the right is still gone: refused here at once, and kept.
        await click(page, { id: "refused:reapply:" + id, role: "button", name: "Применить снова" });
        await find(page, { role: "alert", name: /Недостаточно прав/ });
        assertEq((await state(page)).sync.refused, 1, "still listed");

        // The administrator gives the right back; Ivan re-applies the change, and it lands on the server.
        await admin(role(true));
        await page.evaluate(() => Module._kt_sync_now());
        await waitSynced(page, (x) => x.card && x.card.can_edit, "Ivan to get his right back");
        await click(page, { id: "refused:reapply:" + id, role: "button", name: "Применить снова" });
        await find(page, { role: "status", name: "Изменение отправлено снова" });
        await find(page, { role: "text", name: "Отклонённых изменений нет" });
        s = await waitSynced(page, (x) => x.sync.pending === 0 && x.sync.refused === 0 &&
          x.card.fields.OPPORTUNITY_WITH_CURRENCY.value.m === 77700000, "the re-applied amount to be on the server");
        const onServer = await getItem(server.url, token, DEAL_ID);
        assert(JSON.stringify(onServer).includes("77700000"), "the server has the amount: " + JSON.stringify(onServer).slice(0, 400));
        await click(page, { id: "refused:close", role: "button", name: "Закрыть" });
        assertEq(await findAll(page, { role: "dialog" }), [], "the list is closed");
        assertEq((await findAll(page, { id: "refused:open" })).length, 0, "no badge once the list is empty");

        // Refused again (another edit while the right is gone), then discarded: gone, also after a reload.
        s = await editWhileRightIsGone(page, context, admin, () => setField(page, DEAL_ID, "TITLE", "Переименована офлайн"), 0);
        assertEq(s.card.fields.TITLE.value, DEAL_TITLE, "the server's title is back");
        await click(page, { id: "refused:open", role: "button", name: "Отклонённые изменения (1)" });
        items = await listItems(page);
        assertEq(items.length, 1, "the new refusal is listed");
        assert(items[0].name.includes("Название: Сделка с отказом  →  Переименована офлайн"), "with its values: " + items[0].name);
        await click(page, { id: "refused:discard:" + items[0].id.slice("refused:".length), role: "button", name: "Удалить" });
        await find(page, { role: "text", name: "Отклонённых изменений нет" });
        await page.reload();
        await waitForApp(page);
        s = await waitSynced(page, (x) => x.card && x.card.id === DEAL_ID, "the card after the reload");
        assertEq(s.sync.refused, 0, "the discarded change stays gone");
        assertEq(JSON.stringify(await getItem(server.url, token, DEAL_ID)).includes("Переименована офлайн"), false,
          "and never reached the server");
        assertEq(page.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|sw\.js|net::|403/.test(e)), [], "no page errors");
      } finally {
        await server.stop();
      }
    },
  },
];
