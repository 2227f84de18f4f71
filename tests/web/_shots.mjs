import { launch, newPage, waitForApp, state, find, click, frames, scrollTo } from "./browser.mjs";
const browser = await launch();
const { page } = await newPage(browser);
const base = process.argv[2];
for (const [route, out] of [["#/settings/users", "/tmp/p1.png"], ["#/settings/roles", "/tmp/p2.png"], ["#/list/lead", "/tmp/p3.png"], ["#/item/L2", "/tmp/p4.png"], ["#/item/C1/links", "/tmp/p5.png"]]) {
  await page.goto(base + route);
  await waitForApp(page);
  if (route.endsWith("roles")) { await click(page, { id: "editrole:manager" }); }
  await frames(page, 3);
  await page.screenshot({ path: out });
}
console.log(page.errors);
await browser.close();
