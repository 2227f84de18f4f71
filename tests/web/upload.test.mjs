// "Отправить мои данные" (issue 19): a workspace built alone in the browser goes to a team server whole —
// configuration, users, items with their stages, timelines, to-dos, products, documents and links — and a
// second browser that takes the server's data sees the same workspace. Into a server that already has data,
// a dry run is shown first (colliding ids renamed, nothing merged by accident) and nothing changes until the
// user confirms. Everything through the real UI; the backups compared at the end are downloaded with the
// settings page's button, as a person would.
import path from "node:path";
import { newPage, waitForApp, state, find, findAll, click, frames, scrollTo, waitSaved, assert, assertEq } from "./browser.mjs";
import { ADMIN, addFirstProductRow, addTextField, api, download, loginDialog, mutationOf, open, openItem, replaceText, startDataServer, waitSynced } from "./web_support.mjs";

// The workspace of the backup the settings page downloads.
async function backupOf(page, url) {
  await open(page, url, "#/settings/data");
  const { text } = await download(page, { id: "backup:download" }, 20000);
  const b = JSON.parse(text);
  assertEq(b.format, "kartoteka-backup", "a backup was downloaded");
  return b.workspace;
}

// Waits until the connected page has pulled the server's workspace.
const pulled = (page) => waitSynced(page, () => true, "the server's workspace", 30000);

// Where the server keeps its own bookkeeping, not the user's data: the version at which it confirmed a
// timeline entry (a local workspace has none yet).
const SYNC_KEYS = new Set(["ver"]);

// The first place two JSON values differ, as a path, or "" when they are equal.
function firstDifference(a, b, where = "") {
  if (a === b) return "";
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object" || Array.isArray(a) !== Array.isArray(b))
    return `${where}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (SYNC_KEYS.has(k) && !Array.isArray(a)) continue;
    const d = firstDifference(a[k], b[k], `${where}/${k}`);
    if (d) return d;
  }
  return "";
}

// The workspace with its items in the order of their ids (a backup lists them in the order its store keeps
// them, which says nothing about the data).
function byId(ws) {
  return { ...ws, items: [...ws.items].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)) };
}

// Builds what a person builds alone in a week, through the UI.
async function buildLocalWorkspace(page, url) {
  // A deal moved along its pipeline with the stage bar, commented, given a to-do and product rows, and an
  // invoice generated from it.
  await openItem(page, url, "D2");
  await click(page, { role: "radio", name: "Подготовка документов" });
  await frames(page, 3);
  assertEq((await state(page)).card.fields.STAGE_ID.value, "PREPARATION", "the deal moved");
  await click(page, { id: "tl:composer" });
  await page.keyboard.type("Клиент просит скидку 5%", { delay: 5 });
  await click(page, { id: "tl:send" });
  await frames(page, 3);
  // ... pinned, so that it heads the history.
  const comment = (await state(page)).card.timeline.find((e) => e.kind === "comment" && e.detail.includes("скидку 5%"));
  await scrollTo(page, { id: `tl:pin:${comment.id}` }, { x: 950, y: 600 });
  await click(page, { id: `tl:pin:${comment.id}` });
  await frames(page, 2);
  await scrollTo(page, { id: "action:todo" }, { x: 950, y: 400 });
  await click(page, { id: "action:todo" });
  await replaceText(page, { id: "todo:subject" }, "Подготовить договор");
  await click(page, { id: "todo:save" });
  await addFirstProductRow(page, "Лицензия CRM", "12000", "5");
  await click(page, { id: "tab:main" });
  await click(page, { id: "action:document" });
  await find(page, { id: "doc:preview" });
  const started = page.waitForEvent("download", { timeout: 10000 });
  await click(page, { id: "doc:save" });
  await started;
  const s = await state(page);
  assertEq(s.card.documents.length, 1, "the invoice is stored on the deal");

  // A custom field on the deal, with a value.
  await addTextField(page, "D2", "Канал продаж", "Партнёры");

  // The card's tabs: History before Links, Links hidden (the common view).
  await click(page, { id: "tabs:configure" });
  await click(page, { id: "tableft:history" });
  await click(page, { id: "tabvis:links" });
  await click(page, { id: "tabs:configure" });
  await frames(page, 2);

  // A deal in the recycle bin, with its history.
  await openItem(page, url, "D5");
  await click(page, { id: "action:more" });
  await click(page, { id: "menu:delete" });
  await click(page, { id: "confirm:yes" });
  await find(page, { id: "card:inbin" });

  // A lead converted into a deal, a contact and a company (links both ways).
  await openItem(page, url, "L1");
  await click(page, { id: "action:convert" });
  await find(page, { id: "convert:scheme" });
  await click(page, { id: "convert:go" });
  await frames(page, 4);
  assertEq((await state(page)).card.entity, "deal", "the lead became a deal");

  // A smart-process type with an item.
  await open(page, url, "#/settings/types");
  await click(page, { id: "settings:add_type" });
  await replaceText(page, { id: "typeform:name" }, "Проект");
  await replaceText(page, { id: "typeform:plural" }, "Проекты");
  await click(page, { id: "typeform:save" });
  await frames(page, 3);
  await open(page, url, "#/list/smart_1");
  await click(page, { id: "action:create" });
  await replaceText(page, { id: "create:TITLE" }, "Внедрение в филиале");
  await click(page, { id: "create:submit" });
  await frames(page, 3);
  assertEq((await state(page)).card.title, "Внедрение в филиале", "the smart-process item was created");
  await waitSaved(page);
}

export const tests = [
  {
    name: "upload a whole local workspace into a new server; a second browser sees exactly the same workspace",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("upload");
      try {
        const a = await newPage(browser);
        await open(a.page, server.url);
        await buildLocalWorkspace(a.page, server.url);
        const local = await backupOf(a.page, server.url);
        // What the comparison at the end covers, besides the demo's data and configuration.
        const d2 = local.items.find((x) => x.id === "D2");
        assert(d2.timeline.some((e) => e.kind === "comment" && e.pinned), "the local workspace has a pinned comment");
        assert(local.items.find((x) => x.id === "D5").deleted, "the local workspace has a deal in the recycle bin");
        assert(d2.documents.length === 1 && d2.products.length === 1 && d2.activities.length === 1, "documents, products, to-dos");

        await loginDialog(a.page, server.url, ADMIN);
        await find(a.page, { id: "connect:upload" });
        await a.page.screenshot({ path: path.join(resultsDir, "upload-choice.png") });
        await Promise.all([a.page.waitForNavigation({ timeout: 60000 }), click(a.page, { id: "connect:upload" }, { navigates: true })]);
        await waitForApp(a.page);
        await pulled(a.page);
        await find(a.page, { role: "alert", name: /Ваши данные на сервере/ }).catch(() => {});

        // The uploading browser, now on the server's data: the deal is where it was moved, with its history.
        await openItem(a.page, server.url, "D2");
        let s = await state(a.page);
        assertEq(s.card.fields.STAGE_ID.value, "PREPARATION", "the stage came along");
        assert(s.card.timeline.some((e) => e.kind === "comment" && e.detail.includes("скидку 5%")), "the comment came along");
        assert(s.card.todos.some((t) => t.subject === "Подготовить договор"), "the to-do came along");
        assertEq(s.card.documents.length, 1, "the invoice came along");
        assertEq(s.card.products, 1, "the product row came along");
        assertEq((await findAll(a.page, { role: "tab" })).map((t) => t.name), ["Общие", "Товары", "История"], "the tabs came along");
        await open(a.page, server.url, "#/bin");
        await find(a.page, { id: "bin:item:D5" });

        // A second browser takes the server's data.
        const b = await newPage(browser);
        await loginDialog(b.page, server.url, ADMIN);
        await Promise.all([b.page.waitForNavigation(), click(b.page, { id: "connect:replace" }, { navigates: true })]);
        await waitForApp(b.page);
        await pulled(b.page);
        await openItem(b.page, server.url, "D2");
        s = await state(b.page);
        assertEq(s.card.fields.STAGE_ID.value, "PREPARATION", "the second browser sees the stage");
        await b.page.screenshot({ path: path.join(resultsDir, "upload-second-browser.png") });

        const onServerA = await backupOf(a.page, server.url);
        const onServerB = await backupOf(b.page, server.url);
        assertEq(firstDifference(byId(onServerA), byId(onServerB)), "", "both browsers hold the same workspace");
        const diff = firstDifference(byId(local), byId(onServerB));
        assertEq(diff, "", "the server's workspace is the local one");
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "an upload the network cuts off says the server is out of reach and changes nothing; Повторить sends it whole, once",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("upload");
      try {
        const a = await newPage(browser);
        await openItem(a.page, server.url, "D2");
        await click(a.page, { role: "radio", name: "Подготовка документов" });
        await frames(a.page, 3);
        assertEq((await state(a.page)).card.fields.STAGE_ID.value, "PREPARATION", "the deal moved");
        await waitSaved(a.page);
        const local = await backupOf(a.page, server.url);

        // The network drops every piece of the backup on its way: a lost piece is sent again (from what the
        // server says it has) three times, then the upload gives up and says why.
        let cut = true, sent = 0;
        await a.page.route(/\/api\/restore\/uploads\/[^/?]+\?offset=/, (route) => {
          if (!cut) return route.continue();
          sent++;
          return route.abort("connectionreset");
        });
        await loginDialog(a.page, server.url, ADMIN);
        await click(a.page, { role: "button", name: "Отправить мои данные" });
        await find(a.page, { id: "upload:error", name: /Сервер недоступен/ }, { timeout: 20000 });
        assertEq(sent, 4, "a lost piece is sent again three times before the upload gives up");
        await a.page.screenshot({ path: path.join(resultsDir, "upload-cut-off.png") });
        // Still the local workspace, and the server's data is still offered instead.
        await find(a.page, { role: "button", name: "Использовать данные сервера" });
        assertEq(Boolean((await state(a.page)).sync?.connected), false, "the page did not switch to the server");

        // The network is back: Повторить sends the backup again. Nothing of the first try reached the
        // server's data — the server is empty, so there is no dry run to confirm, and the page switches.
        cut = false;
        await Promise.all([a.page.waitForNavigation({ timeout: 60000 }),
          click(a.page, { role: "button", name: "Повторить" }, { navigates: true })]);
        await waitForApp(a.page);
        await pulled(a.page);
        await openItem(a.page, server.url, "D2");
        assertEq((await state(a.page)).card.fields.STAGE_ID.value, "PREPARATION", "the moved stage is on the server");
        const onServer = await backupOf(a.page, server.url);
        assertEq(onServer.items.length, local.items.length, "every item is on the server, once");
        assertEq(firstDifference(byId(local), byId(onServer)), "", "the server's workspace is the local one");
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "upload into a server that has data: a dry run lists the renamed ids, cancel changes nothing, confirm brings both",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("upload");
      try {
        // The server gets the demo workspace from a first browser.
        const first = await newPage(browser);
        await loginDialog(first.page, server.url, ADMIN);
        await Promise.all([first.page.waitForNavigation({ timeout: 60000 }), click(first.page, { id: "connect:upload" }, { navigates: true })]);
        await waitForApp(first.page);
        await pulled(first.page);
        const before = await backupOf(first.page, server.url);

        // A second browser has its own demo workspace (the same ids) and uploads it too.
        const second = await newPage(browser);
        await loginDialog(second.page, server.url, ADMIN);
        await click(second.page, { id: "connect:upload" });
        await find(second.page, { id: "upload:review" }, { timeout: 30000 });
        // The dry run's lines, in the user's language, once the dialog has laid them out.
        await find(second.page, { role: "listitem", name: /^Элемент D1 → D\d+: на сервере уже есть D1 «/ }, { timeout: 10000 });
        const renames = (await findAll(second.page, { role: "listitem" })).filter((n) => n.id.startsWith("upload:rename:"));
        assert(renames.length > 0, "the dry run lists renamed items");
        assert(renames.some((r) => /D1 → /.test(r.name)), "D1 is renamed, not merged: " + renames.map((r) => r.name).slice(0, 5).join(" | "));
        await second.page.screenshot({ path: path.join(resultsDir, "upload-dry-run.png") });

        // Cancel: the server is as it was.
        await click(second.page, { id: "connect:cancel" });
        await frames(second.page, 3);
        const { token } = await api(server.url, "/api/login", ADMIN);
        assert(token, "still answering");
        const unchanged = await backupOf(first.page, server.url);
        assertEq(firstDifference(before, unchanged), "", "a cancelled dry run changed nothing");

        // Again, and confirm: the server holds both workspaces.
        await loginDialog(second.page, server.url, ADMIN);
        await click(second.page, { id: "connect:upload" });
        await find(second.page, { id: "upload:review" }, { timeout: 30000 });
        await Promise.all([second.page.waitForNavigation({ timeout: 60000 }), click(second.page, { id: "upload:confirm" }, { navigates: true })]);
        await waitForApp(second.page);
        const s = await pulled(second.page);
        const after = await backupOf(second.page, server.url);
        const count = (ws) => ws.items.length;
        assertEq(count(after), 2 * count(before), "every item of both browsers is on the server");
        void s;
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "a user who is not the server's administrator is told why he cannot upload, and can take the server's data",
    async fn({ browser }) {
      const server = await startDataServer("upload");
      try {
        const { token } = await api(server.url, "/api/login", ADMIN);
        const now = Date.now();
        const m = (seq, cmd) => mutationOf("setup", seq, now, cmd);
        await api(server.url, "/api/sync/push", { protocol: 1, schema: 1, mutations: [
          m(1, { op: "role.put", role: { id: "everything", name: "Everything", defaults: {} } }),
          m(2, { op: "user.put", user: { id: "u2", name: "Иван Петров", roles: ["everything"] } }),
        ] }, token);
        await api(server.url, "/api/accounts", { user: "u2", login: "ivan", password: "ivan-password-1" }, token);
        const { page } = await newPage(browser);
        await loginDialog(page, server.url, { login: "ivan", password: "ivan-password-1" });
        await click(page, { id: "connect:upload" });
        const err = await find(page, { id: "upload:error" });
        assert(/администратор/.test(err.name), "the reason is given: " + err.name);
        await Promise.all([page.waitForNavigation(), click(page, { id: "connect:replace" }, { navigates: true })]);
        await waitForApp(page);
        await pulled(page);
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "after an upload the administrator gives a brought user a login in the user settings; he logs in elsewhere as himself",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("upload");
      try {
        const a = await newPage(browser);
        await loginDialog(a.page, server.url, ADMIN);
        await Promise.all([a.page.waitForNavigation({ timeout: 60000 }), click(a.page, { id: "connect:upload" }, { navigates: true })]);
        await waitForApp(a.page);
        await pulled(a.page);

        // Settings → users: Иван Петров came with the workspace and cannot log in yet.
        await open(a.page, server.url, "#/settings/users");
        assertEq((await find(a.page, { id: "userlogin:u2" })).name, "—", "no login yet");
        assertEq((await find(a.page, { id: "userlogin:u1" })).name, ADMIN.login, "the administrator's own login");
        await click(a.page, { id: "edituser:u2" });
        const status = await find(a.page, { id: "userform:account:status" });
        assert(/Пока не может войти/.test(status.name), "the form says he cannot log in: " + status.name);

        // A password too short is refused inline, and nothing changes.
        await replaceText(a.page, { id: "userform:account:login" }, "ivan");
        await replaceText(a.page, { id: "userform:account:password" }, "short");
        await click(a.page, { id: "userform:account:save" });
        const err = await find(a.page, { id: "userform:account:error" }, { timeout: 10000 });
        assert(/от 8/.test(err.name), "the reason is shown: " + err.name);
        const { token } = await api(server.url, "/api/login", ADMIN);
        const before = await api(server.url, "/api/accounts", null, token, "GET");
        assert(!before.accounts.some((x) => x.user === "u2"), "no login was given: " + JSON.stringify(before));

        await replaceText(a.page, { id: "userform:account:password" }, "ivan-password-1");
        await click(a.page, { id: "userform:account:save" });
        await find(a.page, { id: "userform:account:status", name: "Входит на сервер с логином ivan" }, { timeout: 10000 });
        await a.page.screenshot({ path: path.join(resultsDir, "upload-give-login.png") });
        await click(a.page, { id: "userform:save" });
        await frames(a.page, 3);
        assertEq((await find(a.page, { id: "userlogin:u2" })).name, "ivan", "the list shows the login");

        // Another browser: Иван logs in with it and works as himself on the uploaded data.
        const b = await newPage(browser);
        await loginDialog(b.page, server.url, { login: "ivan", password: "ivan-password-1" });
        assertEq((await find(b.page, { id: "connect:hello" })).name, "Иван Петров", "he is who the workspace says");
        await Promise.all([b.page.waitForNavigation(), click(b.page, { id: "connect:replace" }, { navigates: true })]);
        await waitForApp(b.page);
        const s = await pulled(b.page);
        assertEq(s.user, "u2", "the page works as Иван");
        await openItem(b.page, server.url, "D2");
      } finally {
        await server.stop();
      }
    },
  },
];
