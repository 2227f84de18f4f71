// Text input through the hidden textarea bridge (src/app/text_input.hpp, web/input.js): text that arrives
// as input/composition events reaches the active ImGui field exactly once, the editing keys keep working,
// and real DOM form fields on the page keep their own keys.
import path from "node:path";
import { newPage, state, frames, find, scrollTo, assert, assertEq } from "./browser.mjs";
import { FIELDS_COLUMN, openDeal, openEditor, editorText } from "./web_support.mjs";

export const tests = [
  {
    name: "insertText, typing and editing keys in a field: Cyrillic once, Backspace, Home/End, Ctrl+arrows, Shift selection",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Привет");
      assertEq(await editorText(page, id, "TITLE"), "Привет", "insertText replaced the selection, once");
      await page.keyboard.type(" мир", { delay: 10 });   // non-ASCII: Playwright sends it as text input
      await page.keyboard.type("abc", { delay: 10 });    // ASCII: keydown + keypress + input, all seen by GLFW too
      assertEq(await editorText(page, id, "TITLE"), "Привет мирabc", "typed characters arrive once");
      for (let i = 0; i < 3; i++) await page.keyboard.press("Backspace");
      assertEq(await editorText(page, id, "TITLE"), "Привет мир", "Backspace deletes");
      await page.keyboard.press("Home");
      await page.keyboard.type("X");
      await page.keyboard.press("End");
      await page.keyboard.type("!");
      assertEq(await editorText(page, id, "TITLE"), "XПривет мир!", "Home and End move the caret");
      await page.keyboard.press("Control+ArrowLeft");   // to the start of "мир!"
      await page.keyboard.type("_");
      assertEq(await editorText(page, id, "TITLE"), "XПривет _мир!", "Ctrl+Left jumps a word");
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("Delete");              // the space before "_"
      assertEq(await editorText(page, id, "TITLE"), "XПривет_мир!", "Delete deletes forward");
      await page.keyboard.press("Shift+Home");
      await page.keyboard.insertText("Счёт №");
      assertEq(await editorText(page, id, "TITLE"), "Счёт №_мир!", "Shift+Home selected, the text replaced it");
      await page.keyboard.press("Control+Shift+ArrowRight");  // selects "_мир!" (one word to the end)
      await page.keyboard.type("42");
      assertEq(await editorText(page, id, "TITLE"), "Счёт №42", "Ctrl+Shift+Right selected a word");
      await page.screenshot({ path: path.join(resultsDir, "text-input-editing.png") });
      await page.keyboard.press("Enter");
      await frames(page, 3);
      const s = await state(page);
      assertEq(s.editing, null, "Enter closed the editor");
      assertEq(s.card.fields.TITLE.value, "Счёт №42", "the typed title is saved");
      assertEq(await page.evaluate(() => document.activeElement.id), "canvas", "the focus went back to the canvas");
      assertEq(page.errors, [], "no page errors");
      await context.close();
    },
  },
  {
    name: "IME composition: nothing reaches the field while composing, the committed text arrives once",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Ёлка");
      const cdp = await context.newCDPSession(page);
      // What an IME does: a composition with intermediate text, then the commit.
      await cdp.send("Input.imeSetComposition", { text: "е", selectionStart: 1, selectionEnd: 1 });
      await cdp.send("Input.imeSetComposition", { text: "ё", selectionStart: 1, selectionEnd: 1 });
      const during = await editorText(page, id, "TITLE");
      assertEq(during, "Ёлка", "the composition is not inserted before it is committed");
      const composing = await page.evaluate(() => {
        const b = document.getElementById("text-bridge");
        return { cls: b.className, value: b.value, opacity: getComputedStyle(b).opacity };
      });
      assert(composing.cls.includes("composing") && composing.value === "ё" && composing.opacity === "1",
        "the bridge shows the text being composed at the caret: " + JSON.stringify(composing));
      await page.screenshot({ path: path.join(resultsDir, "text-input-composing.png") });
      await cdp.send("Input.insertText", { text: "ё" });
      assertEq(await editorText(page, id, "TITLE"), "Ёлкаё", "the committed text arrives once");
      const after = await page.evaluate(() => document.getElementById("text-bridge").className);
      assert(!after.includes("composing"), "the bridge is hidden again");
      // A dead key (´ then e) reaches the page as a composed "é".
      await cdp.send("Input.imeSetComposition", { text: "´", selectionStart: 1, selectionEnd: 1 });
      await cdp.send("Input.insertText", { text: "é" });
      assertEq(await editorText(page, id, "TITLE"), "Ёлкаёé", "a dead-key character arrives once");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      assertEq((await state(page)).card.fields.TITLE.value, "Ёлкаёé", "saved");
      await context.close();
    },
  },
  {
    name: "mobile-keyboard edits (input events without key codes) delete, and Enter saves",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await openEditor(page, id, "TITLE");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Склад 12");
      // A soft keyboard's Backspace and Enter arrive as beforeinput events on the focused textarea.
      await page.evaluate(() => {
        const b = document.getElementById("text-bridge");
        for (const inputType of ["deleteContentBackward", "deleteContentBackward"])
          b.dispatchEvent(new InputEvent("beforeinput", { inputType, bubbles: true, cancelable: true }));
      });
      assertEq(await editorText(page, id, "TITLE"), "Склад ", "two Backspaces from the soft keyboard");
      await page.keyboard.insertText("7");
      await page.evaluate(() => document.getElementById("text-bridge").dispatchEvent(
        new InputEvent("beforeinput", { inputType: "insertLineBreak", bubbles: true, cancelable: true })));
      await frames(page, 3);
      const s = await state(page);
      assertEq(s.editing, null, "the soft keyboard's Enter saved");
      assertEq(s.card.fields.TITLE.value, "Склад 7", "value");
      await context.close();
    },
  },
  {
    name: "real form fields on the page keep Backspace, Tab and their characters; the app does not see them",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const id = await openDeal(page, url);
      await page.evaluate(() => {
        const box = document.createElement("div");
        box.style.cssText = "position:fixed;left:8px;bottom:8px;z-index:10;background:#fff;padding:4px";
        box.innerHTML = '<input id="f1" value=""> <input id="f2" value="">';
        document.body.appendChild(box);
      });
      await page.click("#f1");
      await page.keyboard.type("abcd");
      await page.keyboard.press("Backspace");
      await page.keyboard.press("Tab");
      await page.keyboard.type("Ж");
      const v = await page.evaluate(() => [document.getElementById("f1").value, document.getElementById("f2").value,
        document.activeElement.id]);
      assertEq(v, ["abc", "Ж", "f2"], "Backspace edited the input and Tab moved to the next one");
      await frames(page, 3);
      const s = await state(page);
      assertEq(s.editing, null, "no app editor opened");
      assertEq(s.card.fields.TITLE.value, "Поставка серверного оборудования", "the app's data is untouched");
      assert(!s.can_undo, "nothing happened in the app");
      await context.close();
    },
  },
  {
    name: "a tap on a text field with touch opens the editor with the bridge focused inside the gesture",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser, { hasTouch: true });
      const id = await openDeal(page, url);
      // A touched screen's controls are a finger's height: the field may be below the fold.
      const n = await scrollTo(page, { id: `field:${id}:TITLE` }, FIELDS_COLUMN);
      await page.mouse.move(5, 5);  // a stale mouse position far away
      // Did the bridge get the focus during the touch gesture (the only time a phone opens its keyboard)?
      await page.evaluate(() => {
        window.addEventListener("touchend", () => { window.__inTouch = true; setTimeout(() => { window.__inTouch = false; }); }, true);
        document.addEventListener("focusin", (e) => { if (e.target.id === "text-bridge") window.__focusInGesture = !!window.__inTouch; });
      });
      await page.touchscreen.tap(n.x + 20, n.y + n.h / 2);
      await page.waitForFunction(() => JSON.parse(UTF8ToString(Module._kt_debug_json())).editing !== null);
      assertEq(await page.evaluate(() => window.__focusInGesture), true, "the bridge was focused inside the tap");
      await page.waitForFunction(() => document.activeElement.id === "text-bridge");
      await page.keyboard.insertText(" (срочно)");
      await page.keyboard.press("Enter");
      await frames(page, 3);
      assert((await state(page)).card.fields.TITLE.value.endsWith(" (срочно)"), "typed into the tapped field");
      await context.close();
    },
  },
];
