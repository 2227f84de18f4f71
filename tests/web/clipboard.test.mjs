// Copy, cut and paste between the app's text fields and the system clipboard (src/app/text_input.hpp):
// GLFW 3.1.6's clipboard functions are empty, so these go through the DOM clipboard events and
// navigator.clipboard. The context grants clipboard permissions, as a person's click on "Allow" would.
import { newPage, state, frames, assert, assertEq } from "./browser.mjs";
import { openDeal, openEditor, editorText } from "./web_support.mjs";

async function clipboardPage(browser, url) {
  const origin = new URL(url).origin;
  const { context, page } = await newPage(browser);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  return { context, page };
}

const readClipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
const writeClipboard = (page, text) => page.evaluate((t) => navigator.clipboard.writeText(t), text);

export const tests = [
  {
    name: "copy and cut put the field's (Cyrillic) text on the system clipboard",
    async fn({ browser, url }) {
      const { context, page } = await clipboardPage(browser, url);
      const id = await openDeal(page, url);
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Счёт №42 — «Ромашка»");
      await writeClipboard(page, "старое");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Control+C");
      await frames(page, 3);
      assertEq(await readClipboard(page), "Счёт №42 — «Ромашка»", "Ctrl+C copied the whole selection");
      assertEq(await editorText(page, id, "TITLE"), "Счёт №42 — «Ромашка»", "copy leaves the text");

      // A partial selection: the last word. navigator.clipboard.writeText now refuses, as Safari does
      // outside a user gesture: the copy and cut events alone must carry the text.
      await page.evaluate(() => {
        window.__write = navigator.clipboard.writeText.bind(navigator.clipboard);
        navigator.clipboard.writeText = () => Promise.reject(new DOMException("not allowed", "NotAllowedError"));
      });
      await page.evaluate(() => window.__write("старое"));
      await page.keyboard.press("End");
      await page.keyboard.press("Control+Shift+ArrowLeft");
      await page.keyboard.press("Control+C");
      await frames(page, 3);
      assertEq(await readClipboard(page), "«Ромашка»", "Ctrl+C copied the selected word");

      await page.keyboard.press("Control+X");
      await frames(page, 3);
      assertEq(await readClipboard(page), "«Ромашка»", "Ctrl+X put the selection on the clipboard");
      assertEq(await editorText(page, id, "TITLE"), "Счёт №42 — ", "and removed it from the field");
      await page.keyboard.press("Escape");
      await frames(page, 3);
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "Ctrl+V pastes what is on the system clipboard now (never the previous paste), replacing the selection",
    async fn({ browser, url }) {
      const { context, page } = await clipboardPage(browser, url);
      const id = await openDeal(page, url);
      await openEditor(page, id, "TITLE");
      await writeClipboard(page, "Первая вставка");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Control+V");
      assertEq(await editorText(page, id, "TITLE"), "Первая вставка", "pasted, replacing the selection");
      await writeClipboard(page, "Вторая");
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Control+V");
      assertEq(await editorText(page, id, "TITLE"), "Вторая", "the second paste brings the new clipboard text");
      await page.keyboard.press("End");
      await page.keyboard.insertText(" ");
      await page.keyboard.press("Shift+Insert");
      assertEq(await editorText(page, id, "TITLE"), "Вторая Вторая", "Shift+Insert pastes too");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      assertEq((await state(page)).card.fields.TITLE.value, "Вторая Вторая", "the pasted title is saved");
      await context.close();
    },
  },
  {
    name: "a paste from a menu (no key) is inserted like typing; copy from the page outside fields is left alone",
    async fn({ browser, url }) {
      const { context, page } = await clipboardPage(browser, url);
      const id = await openDeal(page, url);
      await openEditor(page, id, "COMMENTS");
      await page.keyboard.press("Control+A");
      await page.evaluate(() => {
        const dt = new DataTransfer();
        dt.setData("text/plain", "строка 1\nстрока 2");
        document.getElementById("text-bridge").dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
      });
      assertEq(await editorText(page, id, "COMMENTS"), "строка 1\nстрока 2", "multi-line text keeps its line break");
      await page.keyboard.press("Control+Enter");
      await frames(page, 3);
      assertEq((await state(page)).card.fields.COMMENTS.value, "строка 1\nстрока 2", "saved");

      // With no field active the app has nothing to copy and does not take over the copy event.
      const prevented = await page.evaluate(() => {
        const dt = new DataTransfer();
        const e = new ClipboardEvent("copy", { clipboardData: dt, bubbles: true, cancelable: true });
        document.body.dispatchEvent(e);
        return e.defaultPrevented;
      });
      assertEq(prevented, false, "copy outside a field keeps the browser's default");
      await context.close();
    },
  },
];
