// Sync between two browsers (issue 5), through the real page and a real server with a data directory:
// two browser profiles log in as two users through the connect dialog; an edit in one shows up in the
// other without a reload; one goes offline and edits while the other edits too, and after it comes back
// both show both edits; a reload keeps the synced state; a field restricted from the second user never
// reaches its IndexedDB.
//
// run.mjs's own server runs without a data directory (server-less mode), so this test starts its own.
import path from "node:path";
import { newPage, waitForApp, state, find, click, frames, assert, assertEq } from "./browser.mjs";
import { ADMIN, api, idbFiles, addComment, connect, mutationOf, openItem, pollPage, replaceText, setField, startDataServer, waitSynced } from "./web_support.mjs";

const IVAN = { login: "ivan", password: "ivan-password-1" };
const DEAL_ID = "DSYNC1";
const DEAL_TITLE = "Синхронная сделка";
const SECRET = "секрет-для-директора-7731";

// The server's workspace for the test, set up through the API as an administrator's other device would:
// a second user with every right, a field only the administrator sees, and one deal with a value in it.
async function seedServer(url) {
  const { token } = await api(url, "/api/login", ADMIN);
  let seq = 0;
  const now = Date.now();
  const mutation = (cmd) => mutationOf("test-setup", ++seq, now, cmd);
  const res = await api(url, "/api/sync/push", { protocol: 1, schema: 1, mutations: [
    mutation({ op: "role.put", role: { id: "everything", name: "Everything", defaults: {} } }),
    mutation({ op: "user.put", user: { id: "u2", name: "Иван Петров", roles: ["everything"] } }),
    mutation({ op: "field.put", def: { id: "UF_CRM_SECRET", entity: "deal", type: "string",
      label: { ru: "Секрет", en: "Secret" }, visible_to: ["Uu1"] } }),
    mutation({ op: "item.create", item: DEAL_ID, entity: "deal",
      fields: [["TITLE", DEAL_TITLE], ["ASSIGNED_BY_ID", "u1"], ["UF_CRM_SECRET", SECRET]] }),
  ] }, token);
  for (const r of res.results) assertEq(r.status, "applied", `setup mutation ${r.seq}: ${JSON.stringify(r)}`);
  await api(url, "/api/accounts", { user: "u2", ...IVAN }, token);
}

const comments = (s) => s.card.timeline.filter((e) => e.kind === "comment").map((e) => e.detail);

export const tests = [
  {
    name: "two users: edits show up in the other browser, also after one was offline; reloads keep them",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("sync");
      try {
        await seedServer(server.url);
        const a = await newPage(browser);
        const b = await newPage(browser);
        await connect(a.page, server.url, ADMIN);
        await connect(b.page, server.url, IVAN);
        assertEq([(await state(a.page)).user, (await state(b.page)).user], ["u1", "u2"], "logged in as two users");

        await openItem(a.page, server.url, DEAL_ID);
        await openItem(b.page, server.url, DEAL_ID);
        let sa = await state(a.page), sb = await state(b.page);
        assertEq(sa.card.fields.UF_CRM_SECRET && sa.card.fields.UF_CRM_SECRET.value, SECRET, "the administrator sees the secret");
        assert(!sb.card.fields.UF_CRM_SECRET, "Ivan does not see the restricted field");

        // Online: a title edit in A appears in B, a comment in B appears in A, without reloads.
        await setField(a.page, DEAL_ID, "TITLE", "Переименована в A");
        await waitSynced(b.page, (s) => s.card.fields.TITLE.value === "Переименована в A", "A's title in B");
        await addComment(b.page, "Comment from B");
        await waitSynced(a.page, (s) => comments(s).includes("Comment from B"), "B's comment in A");

        // B goes offline and edits the amount; A edits the title meanwhile.
        await b.context.setOffline(true);
        await setField(b.page, DEAL_ID, "OPPORTUNITY_WITH_CURRENCY", "777 000");
        await addComment(b.page, "Written offline");
        await pollPage(b.page, () => {
          const s = JSON.parse(UTF8ToString(Module._kt_debug_json()));
          return s.sync.status === "offline" && s.sync.pending === 2;
        }, null, { what: "B to say it is offline with 2 changes waiting", timeout: 15000 });
        await setField(a.page, DEAL_ID, "TITLE", "Новое название от A");
        await waitSynced(a.page, (s) => s.card.fields.TITLE.value === "Новое название от A");
        sb = await state(b.page);
        assertEq(sb.card.fields.TITLE.value, "Переименована в A", "offline B does not have A's new title yet");
        assertEq(sb.card.fields.OPPORTUNITY_WITH_CURRENCY.value, { m: 77700000, c: "RUB" }, "B's own edit shows offline");

        // B comes back: both converge on both edits.
        await b.context.setOffline(false);
        const both = (s) => s.card.fields.TITLE.value === "Новое название от A" &&
          s.card.fields.OPPORTUNITY_WITH_CURRENCY && s.card.fields.OPPORTUNITY_WITH_CURRENCY.value.m === 77700000 &&
          comments(s).includes("Written offline");
        sb = await waitSynced(b.page, both, "B to send its edits and get A's title", 40000);
        sa = await waitSynced(a.page, both, "A to get B's offline edits", 20000);
        assertEq(sb.sync.pending, 0, "nothing waits in B");
        assertEq(comments(sa), comments(sb), "both show the same comments");
        assertEq(sa.card.timeline.map((e) => e.id), sb.card.timeline.map((e) => e.id).filter((id) =>
          sa.card.timeline.some((e) => e.id === id)), "the same history, in the same order");
        await a.page.screenshot({ path: path.join(resultsDir, "sync-two-browsers-a.png") });
        await b.page.screenshot({ path: path.join(resultsDir, "sync-two-browsers-b.png") });

        // A reload keeps the synced state, and the restricted value never reached B's storage.
        for (const p of [a.page, b.page]) {
          await p.reload();
          await waitForApp(p);
          const s = await waitSynced(p, both, "the synced state after a reload");
          assertEq(s.card.id, DEAL_ID, "the same card after the reload");
        }
        // The snapshot each took at connect came binary and is stored as the base file; the edits since are in
        // shards beside it, and the reload above read both.
        for (const p of [a.page, b.page]) {
          const files = Object.keys(await idbFiles(p, "/snap/"));
          assert(files.some((f) => f.endsWith("/snap/base.bin")), "the snapshot is stored as base.bin: " + files.join(" "));
          assert(files.some((f) => /\/snap\/items-\d+\.json$/.test(f)), "later changes are in shards: " + files.join(" "));
        }
        const stored = JSON.stringify(await idbFiles(b.page, "/"));
        assert(stored.includes("Новое название от A"), "B's IndexedDB holds the synced deal");
        assert(!stored.includes(SECRET) && !stored.includes("UF_CRM_SECRET"), "the restricted field is absent from B's IndexedDB");
        assert(JSON.stringify(await idbFiles(a.page, "/")).includes(SECRET), "A's IndexedDB holds it");
        for (const p of [a.page, b.page])
          assertEq(p.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|sw\.js|net::/.test(e)), [], "no page errors");
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "a deal created offline shows the next number and takes the server's once it lands after another's; its address follows",
    async fn({ browser, resultsDir }) {
      const server = await startDataServer("numbers");
      try {
        await seedServer(server.url);  // its deal is deal 1
        const a = await newPage(browser);
        const b = await newPage(browser);
        await connect(a.page, server.url, ADMIN);
        await connect(b.page, server.url, IVAN);
        const create = async (page, title) => {
          await click(page, { role: "button", name: "+ Создать" });
          await replaceText(page, { id: "create:TITLE" }, title);
          await click(page, { role: "button", name: "Создать" });
          await frames(page, 3);
          assertEq((await state(page)).card.title, title, "the new deal is open");
        };
        const numberShown = async (page) => /№ (\d+)/.exec((await find(page, { id: "card:kind" })).name)?.[1];
        const hash = (page) => page.evaluate(() => location.hash);

        // B, offline, creates a deal: it shows the next number it knows of.
        await b.context.setOffline(true);
        await create(b.page, "Сделка без сети");
        assertEq([await numberShown(b.page), await hash(b.page)], ["2", "#/deal/2"], "offline: the next number, provisional");
        // A creates one meanwhile: the server numbers it 2.
        await create(a.page, "Сделка в сети");
        await waitSynced(a.page, (s) => s.sync.pending === 0);
        assertEq([await numberShown(a.page), await hash(a.page)], ["2", "#/deal/2"], "online: the server's number");

        // B comes back: its deal reaches the server after A's and is 3 there; B's card and address say so.
        await b.context.setOffline(false);
        await waitSynced(b.page, (s) => s.sync.pending === 0 && s.card.title === "Сделка без сети", "B's deal to land", 40000);
        await pollPage(b.page, () => location.hash === "#/deal/3", null, { what: "B's address to follow the number" });
        assertEq(await numberShown(b.page), "3", "B's header shows the server's number");
        await b.page.screenshot({ path: path.join(resultsDir, "sync-numbered-deal.png") });
        // A opens deal 3 by its address: it is B's; B's reload opens the same deal.
        await a.page.goto(server.url + "#/deal/3");
        await waitForApp(a.page);
        await waitSynced(a.page, (s) => s.card && s.card.title === "Сделка без сети", "deal 3 in A");
        await b.page.reload();
        await waitForApp(b.page);
        assertEq((await state(b.page)).card.title, "Сделка без сети", "B's reload opens deal 3");
        for (const p of [a.page, b.page])
          assertEq(p.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|sw\.js|net::/.test(e)), [], "no page errors");
      } finally {
        await server.stop();
      }
    },
  },
  {
    name: "the connected store starts over from a new base once the server's changes fill its shards, and a reload reads it",
    async fn({ browser }) {
      const server = await startDataServer("sync");
      try {
        await seedServer(server.url);
        const a = await newPage(browser);
        await connect(a.page, server.url, ADMIN);
        const before = (await state(a.page)).items;
        // Another device of the administrator's creates 2,100 deals: the pulls write them to the shards, which
        // then hold more item writes than the store allows (at least 2,000) before it starts over.
        const { token } = await api(server.url, "/api/login", ADMIN);
        const now = Date.now();
        const N = 2100;
        for (let from = 0; from < N; from += 500) {  // the server takes at most 500 per push
          const mutations = [];
          for (let i = from; i < Math.min(N, from + 500); i++) {
            mutations.push(mutationOf("bulk", i + 1, now, { op: "item.create", item: "DBULK" + i, entity: "deal",
              fields: [["TITLE", "Пакетная сделка " + i], ["ASSIGNED_BY_ID", "u1"]] }));
          }
          const res = await api(server.url, "/api/sync/push", { protocol: 1, schema: 1, mutations }, token);
          assert(res.results.every((r) => r.status === "applied"), "the bulk push is applied");
        }
        await a.page.evaluate(() => Module._kt_sync_now());
        let s = await waitSynced(a.page, (x) => x.items === before + N && x.sync.store.rebases >= 1 && !x.sync.save_pending,
          "the deals pulled and the store started over", 60000);
        assert(s.sync.store.has_base && s.sync.store.since_base < 2000, "a new base: " + JSON.stringify(s.sync.store));
        await a.page.waitForFunction(() => !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 20000 });
        // What the shards in IndexedDB hold: only the items pulled after the new base (pages come 1,000 items at
        // most, so the store may start over before the last ones).
        const inShards = async () => {
          const stored = await idbFiles(a.page, "/snap/");
          assert(Object.keys(stored).some((f) => f.endsWith("/snap/base.bin")), "the base is stored");
          return Object.entries(stored).filter(([f]) => /\/snap\/items-\d+\.json$/.test(f))
            .reduce((n, [, text]) => n + Object.keys(JSON.parse(text)).length, 0);
        };
        assertEq(await inShards(), s.sync.store.since_base, "the shards hold just what came after the base");
        const since = s.sync.store.since_base;

        // One more change from the server goes to a shard over the new base; a reload reads both.
        const more = await api(server.url, "/api/sync/push", { protocol: 1, schema: 1, mutations: [
          mutationOf("bulk", N + 1, now, { op: "item.set", item: "DBULK7", field: "TITLE", value: "Изменена после новой базы" })] }, token);
        assertEq(more.results[0].status, "applied", "the edit is applied: " + JSON.stringify(more.results[0]));
        await a.page.evaluate(() => Module._kt_sync_now());
        await openItem(a.page, server.url, "DBULK7");
        s = await waitSynced(a.page, (x) => x.card && x.card.fields.TITLE.value === "Изменена после новой базы" &&
          x.sync.store.since_base === since + 1 && !x.sync.save_pending, "the edit pulled into a shard");
        await a.page.waitForFunction(() => !Module.ktPersist.inFlight && !Module.ktPersist.dirty, null, { timeout: 20000 });
        // (The count of writes since the base grows by one; the shards hold one more item unless DBULK7 was
        // already in one, pulled after the base.)
        const n = await inShards();
        assert(n === since + 1 || n === since, `the shards hold ${n} items after ${since + 1} writes`);
        const shard = Object.values(await idbFiles(a.page, "/snap/items-")).find((text) => text.includes("DBULK7\""));
        assert(shard && JSON.parse(shard).DBULK7 && shard.includes("Изменена после новой базы"), "the edit is in a shard");
        await a.page.reload();
        await waitForApp(a.page);
        s = await waitSynced(a.page, (x) => x.card && x.card.id === "DBULK7", "the card after a reload");
        assertEq([s.items, s.card.fields.TITLE.value, s.sync.store.since_base], [before + N, "Изменена после новой базы", since + 1],
          "the reload read the new base and the shard over it");
        assertEq(a.page.errors.filter((e) => !/sw\.js|net::/.test(e)), [], "no page errors");
      } finally {
        await server.stop();
      }
    },
  },
];
