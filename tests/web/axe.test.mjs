// axe-core over the accessibility mirror (issue 21): the canvas draws what a sighted user sees, and what
// assistive technology sees is the document, that is the page and the ARIA elements web/a11y.js builds over
// the canvas. axe checks the whole document on the list, the card and the main dialogs; a serious or
// critical violation fails, with the rule, the elements and axe's own words.
import AxeBuilderModule from "@axe-core/playwright";
import { newPage, click, find, findAll, frames, waitIdle } from "./browser.mjs";
import { open, openItem } from "./web_support.mjs";

const AxeBuilder = AxeBuilderModule.default || AxeBuilderModule;

async function axe(page, where, problems) {
  await frames(page, 3);
  await waitIdle(page).catch(() => {});
  // Legacy mode runs axe in the page itself; the default opens a second, blank page for axe's last step,
  // which fails in this context ("Cannot read properties of undefined") before it reports anything.
  const result = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  for (const v of result.violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    const nodes = v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " " + n.html.slice(0, 120)).join("; ");
    problems.push(`${where}: ${v.id} (${v.impact}, ${v.nodes.length} element(s)): ${v.help} — ${nodes}`);
  }
}

async function run(page, where, problems, action) {
  try {
    await action();
  } catch (e) {
    problems.push(`${where}: could not open: ${String(e.message || e).split("\n")[0].slice(0, 300)}`);
    return;
  }
  await axe(page, where, problems);
}

function report(problems) {
  if (!problems.length) return;
  console.log("        " + problems.join("\n        "));
  throw new Error(`${problems.length} serious or critical axe violation(s):\n  ` + problems.join("\n  "));
}

async function esc(page) {
  await page.keyboard.press("Escape");
  await frames(page, 3);
}

export const tests = [
  {
    name: "axe-core finds no serious or critical violation on the list, its filter and dialogs, and the connect dialog",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const problems = [];
      await run(page, "list", problems, () => open(page, url, "#/list/deal"));
      await run(page, "filter popup", problems, () => click(page, { id: "list:filter" }));
      await esc(page);
      await run(page, "create dialog", problems, async () => {
        await open(page, url, "#/list/deal");
        await click(page, { id: "action:create" });
      });
      await esc(page);
      await run(page, "kanban", problems, () => open(page, url, "#/kanban/deal/0"));
      await run(page, "connect dialog", problems, async () => {
        await open(page, url, "#/list/deal");
        await click(page, { id: "user" });
        await click(page, { id: "menu:connect" });
        await find(page, { id: "connect:submit" });
      });
      report(problems);
      await context.close();
    },
  },
  {
    name: "axe-core finds no serious or critical violation on the card and its dialogs",
    async fn({ browser, url }) {
      const { context, page } = await newPage(browser);
      const problems = [];
      await run(page, "card", problems, () => openItem(page, url, "D2"));
      await run(page, "card products", problems, () => click(page, { id: "tab:products" }));
      await run(page, "to-do dialog", problems, async () => {
        await openItem(page, url, "D2");
        await click(page, { id: "action:todo" });
        await find(page, { id: "todo:subject" });
      });
      await esc(page);
      await run(page, "call-log dialog", problems, async () => {
        await openItem(page, url, "D2");
        const calls = await findAll(page, { role: "link", name: "Позвонить" });
        await click(page, { id: calls[0].id });
        await find(page, { id: "comm:outcome" });
      });
      await esc(page);
      await run(page, "settings roles", problems, async () => {
        await open(page, url, "#/settings/roles");
        await click(page, { id: "settings:add_role" });
      });
      report(problems);
      await context.close();
    },
  },
];
