// The accessibility mirror (web/a11y.js, src/app/a11y_mirror_web.cpp): the canvas's widgets as DOM
// elements with ARIA roles, names and states, found here with Playwright's getByRole exactly as a screen
// reader's tree would show them; activating an element (a screen reader's click, or Enter on it)
// operates the app; the mirror is updated only on frames where the tree changed, element by element.
import { newPage, waitForApp, state, find, frames, scrollTo, waitIdle, assert, assertEq } from "./browser.mjs";
import { DEAL, FIELDS_COLUMN, waitSemantics, pollPage, callWithString } from "./web_support.mjs";

const mirror = (page) => page.locator("#a11y-mirror");

async function waitState(page, pred, what) {
  await page.waitForFunction(pred, null, { timeout: 5000 }).catch(() => { throw new Error("timed out waiting for " + what); });
  await frames(page, 2);
}

export const tests = [
  {
    name: "the mirror exposes headings, a table of rows, buttons and the save status by role and name",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const m = mirror(page);
      await m.getByRole("heading", { name: "Сделки", level: 2 }).waitFor();
      const table = m.getByRole("table", { name: "Сделки" });
      assertEq(await table.getByRole("row").count(), 14, "the demo's thirteen deals in a table named after the heading, and its header row");
      assertEq(await table.getByRole("row").first().getByRole("columnheader").count(), 6, "six column headers in the first row");
      await m.getByRole("row", { name: DEAL }).waitFor();
      assertEq(await m.getByRole("button", { name: "Русский" }).getAttribute("aria-pressed"), "true", "the current language is pressed");
      assertEq(await m.getByRole("link", { name: "Сделки" }).getAttribute("aria-current"), "page", "the current section");
      assertEq(await m.getByRole("status").first().textContent(), "Сохранено", "the save status is a status");
      await m.getByRole("button", { name: "Сочетания клавиш (F1)" }).waitFor();
      // Transparent and out of the mouse's way: clicks go to the canvas underneath.
      const style = await m.getByRole("row", { name: DEAL }).evaluate((el) => {
        const s = getComputedStyle(el), r = getComputedStyle(el.closest("#a11y-mirror"));
        return [s.color, r.pointerEvents];
      });
      assertEq(style, ["rgba(0, 0, 0, 0)", "none"], "invisible and click-through");
      await context.close();
    },
  },
  {
    name: "a scroll step changes only the mirror elements that came or went; the rest stay where they are",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const m = mirror(page);
      await m.getByRole("row", { name: DEAL }).dispatchEvent("click");
      await waitState(page, () => JSON.parse(UTF8ToString(Module._kt_debug_json())).screen === "card", "the card");
      await page.setViewportSize({ width: 1100, height: 480 });  // a card taller than the window
      await frames(page, 3);
      await waitIdle(page);
      const nodes = () => page.evaluate(() => [...document.querySelectorAll("#a11y-mirror [data-node]")].map((e) => e.dataset.node));
      const before = await nodes();
      await page.evaluate(() => {
        window.__mirrorAdded = 0;
        new MutationObserver((ms) => { for (const x of ms) window.__mirrorAdded += x.addedNodes.length; })
          .observe(document.getElementById("a11y-mirror"), { childList: true, subtree: true });
      });
      await page.mouse.move(550, 330);
      await page.mouse.wheel(0, 100);
      await frames(page, 3);
      await waitIdle(page);
      const after = await nodes();
      const came = after.filter((id) => !before.includes(id)).length;
      const went = before.filter((id) => !after.includes(id)).length;
      assert(came + went > 0, "the scroll step changed which nodes are on screen");
      const added = await page.evaluate(() => window.__mirrorAdded);
      console.log(`        scroll step: ${after.length} elements, ${came} came, ${went} went, ${added} inserted`);
      assert(added <= came + 2, `${after.length} elements, ${came} came and ${went} went: ${added} element(s) were (re)inserted`);
      await context.close();
    },
  },
  {
    name: "while frames follow each other (a scroll) the mirror follows every 100 ms; at rest every element sits on its widget",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      await mirror(page).getByRole("row", { name: DEAL }).dispatchEvent("click");
      await waitState(page, () => JSON.parse(UTF8ToString(Module._kt_debug_json())).screen === "card", "the card");
      await page.setViewportSize({ width: 1100, height: 480 });  // a card taller than the window
      // The canvas takes the new size in a frame (until then the mouse's coordinates are scaled to the old one).
      await page.waitForFunction(() => Module.canvas.width === 1100 && Module.canvas.height === 480);
      await waitIdle(page);
      // Updates sent to the page, and frames drawn, while the wheel turns without a pause (a finger's
      // scroll): a notch in every animation frame for 1.2 s, so the loop never rests meanwhile.
      const box = { x: 300, y: 330 };  // over the fields column
      await page.mouse.move(box.x, box.y);
      await frames(page, 2);
      // The card scrolls there: a notch moves its widgets (and the mirror follows once the page rests).
      const sem = () => page.evaluate(() => JSON.parse(UTF8ToString(Module._kt_semantics_json())));
      const field = (await sem()).find((n) => n.id === "heading:client");  // atop the fields column
      assert(field, "the client's heading on screen");
      await page.mouse.wheel(0, 60);
      await waitIdle(page);
      const moved = (await sem()).find((n) => n.id === field.id);
      assert(!moved || moved.y < field.y, `a notch of the wheel scrolls the fields (${field.id} at ${field.y}, then ${moved && moved.y})`);
      const run = await page.evaluate(({ x, y }) => new Promise((done) => {
        const update = Module.ktMirror.update, updates = [];
        Module.ktMirror.update = (json) => { updates.push(performance.now()); return update(json); };
        const f0 = Module._kt_frame_count(), t0 = performance.now();
        let notches = 0;
        const step = () => {
          if (performance.now() - t0 > 1200) {
            done({ updates, notches, drawn: Module._kt_frame_count() - f0 });
            return;
          }
          Module.canvas.dispatchEvent(new WheelEvent("wheel", { deltaY: notches++ % 16 < 8 ? 60 : -60, clientX: x, clientY: y,
                                                                bubbles: true, cancelable: true }));
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }), box);
      await waitIdle(page);
      const during = run.updates;
      const gaps = during.slice(1).map((t, i) => t - during[i]);
      console.log(`        ${run.notches} notches, ${run.drawn} frames, ${during.length} mirror updates; gaps ${gaps.map((g) => g.toFixed(0)).join(" ")} ms`);
      assert(run.drawn >= 20, `the scroll drew frames one after another (${run.drawn})`);
      assert(during.length >= 3 && during.length <= Math.ceil(run.drawn / 4), `the mirror followed, not every frame: ${during.length} of ${run.drawn}`);
      assert(Math.min(...gaps) >= 95, "no two updates closer than 100 ms");
      // At rest the last frame brought the mirror up to date: each element is where its widget is.
      const nodes = await sem();
      const boxes = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#a11y-mirror [data-node]")].map((e) => {
        const r = e.getBoundingClientRect();
        return [e.dataset.node, [r.x, r.y, r.width, r.height]];
      })));
      let checked = 0;
      for (const n of nodes) {
        const b = boxes[n.id];
        assert(b, `an element for ${n.id}`);
        const want = [n.x, n.y, Math.max(0, n.w), Math.max(0, n.h)];
        assert(b.every((v, i) => Math.abs(v - want[i]) < 0.5), `${n.id} at ${b.map((v) => v.toFixed(1))}, its widget at ${want.map((v) => v.toFixed(1))}`);
        checked++;
      }
      assertEq(Object.keys(boxes).length, checked, "no element stands for a widget no longer on screen");
      await context.close();
    },
  },
  {
    name: "activating mirror elements operates the app: a row opens the card, Enter on a button, a stage radio",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      const m = mirror(page);
      await m.getByRole("row", { name: DEAL }).dispatchEvent("click");  // what a screen reader's "activate" does
      await waitState(page, () => JSON.parse(UTF8ToString(Module._kt_debug_json())).screen === "card", "the card");
      await m.getByRole("heading", { name: DEAL }).waitFor();

      const radio = m.getByRole("radio", { name: "Финальный счёт" });
      assertEq(await radio.getAttribute("aria-checked"), "false", "not the current stage");
      await radio.dispatchEvent("click");
      await waitState(page, () => JSON.parse(UTF8ToString(Module._kt_debug_json())).card.fields.STAGE_ID.value === "FINAL_INVOICE", "the stage");
      await page.waitForFunction(() => document.querySelector('#a11y-mirror [role=radio][aria-label="Финальный счёт"]')
        .getAttribute("aria-checked") === "true", null, { timeout: 3000 });

      // Keyboard: focus the English button in the mirror and press Enter.
      const en = m.getByRole("button", { name: "English" });
      await en.focus();
      await page.keyboard.press("Enter");
      await waitState(page, () => JSON.parse(UTF8ToString(Module._kt_debug_json())).lang === "en", "English");
      await m.getByRole("button", { name: "English", pressed: true }).waitFor();
      await m.getByRole("heading", { name: "About the deal" }).waitFor();
      assertEq(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "English",
        "the focus stays on the mirror element while the mirror updates");
      assertEq((await state(page)).can_undo, true, "the stage change is undoable, as if clicked");
      // Bad input: an unknown node is refused, nothing happens.
      assertEq(await callWithString(page, "_kt_activate", "no:such:node"), 0, "kt_activate of an unknown node returns 0");
      await context.close();
    },
  },
  {
    name: "a textbox in the mirror opens the editor on the text bridge, which carries the field's name",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url + "#/item/D1");
      await waitForApp(page);
      const m = mirror(page);
      const box = m.getByRole("textbox", { name: "Название" });
      assertEq(await box.textContent(), DEAL, "the textbox's content is the field's value");
      await box.dispatchEvent("click");
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-bridge", null, { timeout: 5000 });
      assertEq(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Название",
        "the focused editor is named after the field");
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("Сервер для бухгалтерии");
      await page.keyboard.press("Enter");
      await waitIdle(page);
      assertEq((await state(page)).card.fields.TITLE.value, "Сервер для бухгалтерии", "typed through the bridge");
      await page.waitForFunction(() => document.querySelector('#a11y-mirror [role=textbox][aria-label="Название"]')
        .textContent === "Сервер для бухгалтерии", null, { timeout: 3000 });
      // An invalid value: the field is marked invalid and described by the error. A date is a combobox whose
      // calendar has the text box that takes a typed date.
      // The client block sits above the fields: the date is further down the column, rolled into view.
      await scrollTo(page, { role: "combobox", name: "Дата завершения" }, FIELDS_COLUMN);
      await m.getByRole("combobox", { name: "Дата завершения" }).dispatchEvent("click");
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-bridge", null, { timeout: 5000 });
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText("31.02.2026");
      await page.keyboard.press("Enter");
      await waitSemantics(page, (n) => n.some((x) => x.invalid), "the invalid field");
      const invalid = await page.waitForSelector('#a11y-mirror [aria-invalid="true"]', { timeout: 3000 });
      assert(/дату/.test(await invalid.getAttribute("aria-description")), "described by the error message");
      await m.getByRole("alert").filter({ hasText: /дату/ }).first().waitFor();
      await context.close();
    },
  },
  {
    name: "keyboard on the mirror (a screen reader's focus): Enter on a textbox edits it, the focus comes back after",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url + "#/item/D1");
      await waitForApp(page);
      const box = mirror(page).getByRole("textbox", { name: "Название" });
      await box.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement && document.activeElement.id === "text-bridge", null, { timeout: 5000 });
      await page.keyboard.press("Control+A");
      await page.keyboard.type("Kassa ", { delay: 10 });
      await page.keyboard.insertText("№5");
      await page.keyboard.press("Enter");
      await waitIdle(page);
      assertEq((await state(page)).card.fields.TITLE.value, "Kassa №5", "typed into the field");
      await page.waitForFunction(() => document.activeElement &&
        document.activeElement.getAttribute("data-node") === "field:D1:TITLE", null, { timeout: 3000 });
      assertEq(await box.textContent(), "Kassa №5", "the mirror shows the new value, and has the focus back");
      await context.close();
    },
  },
  {
    name: "the mirror is updated only when the tree changes, element by element",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      await page.goto(url);
      await waitForApp(page);
      // The first visit's offline install (a progress card, then a toast) must be over.
      await pollPage(page, () => window.ktOffline && window.ktOffline.state === "active", null, { what: "the offline copy" });
      await waitSemantics(page, (n) => !n.some((x) => x.role === "progressbar" || x.id.startsWith("toast:")), "a quiet page", 8000);
      await waitIdle(page);
      await page.evaluate(() => {
        window.__updates = 0;
        const update = Module.ktMirror.update;
        Module.ktMirror.update = (json) => { window.__updates++; return update(json); };
        window.__row = document.querySelector('#a11y-mirror [aria-label="Обучение сотрудников"]');
      });
      // Frames that change nothing in the tree: the mouse over an empty part of the page.
      const f0 = await page.evaluate(() => Module._kt_frame_count());
      for (let i = 0; i < 5; i++) await page.mouse.move(1100 + i * 10, 760);
      await waitIdle(page);
      const drawn = (await page.evaluate(() => Module._kt_frame_count())) - f0;
      assert(drawn > 0, "frames were drawn");
      assertEq(await page.evaluate(() => window.__updates), 0, "no mirror update for frames that changed nothing");
      // A change: the language. Rows keep their elements (diffed by id), names of headers change.
      await mirror(page).getByRole("button", { name: "English" }).dispatchEvent("click");
      await mirror(page).getByRole("heading", { name: "Deals" }).waitFor();
      const after = await page.evaluate(() => ({
        updates: window.__updates,
        same: window.__row === document.querySelector('#a11y-mirror [aria-label="Обучение сотрудников"]') && window.__row.isConnected,
      }));
      assert(after.updates >= 1 && after.updates <= 6, "a few updates for the change: " + after.updates);
      assertEq(after.same, true, "an unchanged row keeps its element");
      await context.close();
    },
  },
];
