// The card's history as a person works through it at 1280×800: its filters (Комментарии, Стадии, …), its
// search (titles, texts and notes; "Ничего не найдено" when nothing matches) and a note on an entry, written,
// cancelled, kept across a reload and found by the search.
import path from "node:path";
import { newPage, waitForApp, semantics, find, findAll, click, frames, scrollTo, waitSaved, assert, assertEq } from "./browser.mjs";
import { openItem, addComment, replaceText, readScrolled } from "./web_support.mjs";

const RIGHT = { x: 1000, y: 500 };  // over the card's history column

// The history's entries as drawn, from its top to its end (it is virtualised: only the entries in view are
// drawn): entry id -> what the entry reads (its title, its text, who and when, its note).
const entries = (page) => readScrolled(page, RIGHT, async () => (await semantics(page))
  .filter((n) => n.role === "article" && n.id.startsWith("timeline:"))
  .map((n) => [n.id.slice("timeline:".length), `${n.name} ${n.value || ""} ${n.description || ""}`]));
const texts = (e) => Object.values(e);

export const tests = [
  {
    name: "the history's filters show one kind of entry; its search finds texts and notes and says when nothing matches; a note on an entry is kept",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await openItem(page, url, "D2");
      await addComment(page, "Созвон перенесли на пятницу");
      await addComment(page, "Отправили коммерческое предложение");
      const all = await entries(page);
      assert(texts(all).some((t) => t.includes("Созвон перенесли на пятницу")) &&
             texts(all).some((t) => t.includes("Отправили коммерческое предложение")), "both comments: " + texts(all).join(" | "));
      assert(texts(all).some((t) => /Смена стадии/.test(t)), "and the deal's stage changes: " + texts(all).join(" | "));

      // Комментарии: the two comments and nothing else; Стадии: the stage changes only.
      await click(page, { id: "tlfilter:tlf.comments" });
      const comments = texts(await entries(page));
      assertEq(comments.length, 2, "only the comments: " + comments.join(" | "));
      assert(comments.every((t) => /Созвон перенесли|коммерческое предложение/.test(t)), "which are the two written");
      await click(page, { id: "tlfilter:tlf.stages" });
      const stages = texts(await entries(page));
      assert(stages.length >= 1 && stages.every((t) => /Смена стадии|Смена воронки/.test(t)), "only stage changes: " + stages.join(" | "));
      await click(page, { id: "tlfilter:tlf.all" });
      assertEq(Object.keys(await entries(page)).length, Object.keys(all).length, "Все: every entry again");

      // The search narrows to what contains the words, in any case; nothing found is said.
      await replaceText(page, { id: "tl:search" }, "ПЯТНИЦ");
      let found = texts(await entries(page));
      assertEq(found.length, 1, "one entry has the word: " + found.join(" | "));
      assert(found[0].includes("Созвон перенесли на пятницу"), "the comment that has it");
      await replaceText(page, { id: "tl:search" }, "фывапролдж");
      assertEq(Object.keys(await entries(page)).length, 0, "no entry has it");
      assertEq((await find(page, { id: "tl:empty" })).name, "Ничего не найдено", "and the history says so");
      await page.screenshot({ path: path.join(resultsDir, "history-nothing-found.png") });
      await replaceText(page, { id: "tl:search" }, "");

      // A note on the second comment: cancelled first (nothing kept), then written.
      const id = Object.entries(await entries(page)).find(([, t]) => t.includes("коммерческое предложение"))[0];
      await scrollTo(page, { id: "tl:note:" + id }, RIGHT);
      await click(page, { id: "tl:note:" + id });
      await replaceText(page, { id: "tl:notebox:" + id }, "Черновик");
      await click(page, { id: "tl:notecancel:" + id });
      assertEq((await findAll(page, { id: "tl:notebox:" + id })).length, 0, "the note's box closed");
      assert(!(await entries(page))[id].includes("Черновик"), "a cancelled note is not kept");
      await scrollTo(page, { id: "tl:note:" + id }, RIGHT);
      await click(page, { id: "tl:note:" + id });
      await replaceText(page, { id: "tl:notebox:" + id }, "Ждём ответа до среды");
      await click(page, { id: "tl:notesave:" + id });
      await waitSaved(page);
      assert((await entries(page))[id].includes("Заметка: Ждём ответа до среды"), "the entry shows its note");
      await scrollTo(page, { id: "tl:note:" + id }, RIGHT);
      assertEq((await find(page, { id: "tl:note:" + id })).name, "Изменить заметку", "the note's link now edits it");

      // After a reload the note is there, and the search finds the entry by its note.
      await page.reload();
      await waitForApp(page);
      assert((await entries(page))[id].includes("Заметка: Ждём ответа до среды"), "the note after a reload");
      await replaceText(page, { id: "tl:search" }, "до среды");
      found = Object.keys(await entries(page));
      assertEq(found, [id], "the search finds the entry by its note");
      await context.close();
    },
  },
];
