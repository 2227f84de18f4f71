// Settings → pipelines, the way an administrator sets one up: a new pipeline named, its stages renamed,
// added, moved and coloured (the colour swatches are radios read as "Стадия 1: оранжевый"), an empty stage
// name refused inline; a deal moved into it from the card's "…" menu; a stage or a pipeline that holds a
// deal refuses to go, saying how many; an empty pipeline deleted after a confirmation. Everything through the
// mirror's roles and names with the real mouse and keyboard, and read back after reloads.
import path from "node:path";
import { newPage, waitForApp, semantics, state, find, click, frames, waitSaved, assert, assertEq } from "./browser.mjs";
import { open, openItem, replaceText } from "./web_support.mjs";

const nodes = (page, prefix) => semantics(page).then((all) => all.filter((n) => n.id.startsWith(prefix)));
// The stage names of the open pipeline form, in order.
async function formStages(page) {
  await find(page, { id: "pipelineform:stage:0" });
  await frames(page, 2);
  return (await nodes(page, "pipelineform:stage:")).map((n) => n.value || "");
}
// The pipeline headings of the settings page, of deals: name -> pipeline id.
async function pipelines(page) {
  const type = await find(page, { id: "pipelines:entity" });
  if (type.value !== "Сделки") {
    await click(page, { id: "pipelines:entity" });
    await click(page, { role: "option", name: "Сделки" });
  }
  await find(page, { id: "pipelines:add" });
  await frames(page, 2);
  return Object.fromEntries((await nodes(page, "pipeline:")).map((n) => [n.name, n.id.slice("pipeline:".length)]));
}
const errorText = async (page) => (await find(page, { id: "pipelineform:error" })).name;

export const tests = [
  {
    name: "settings → pipelines: a new pipeline's stages named, added, moved and coloured; a deal moved into it keeps its stage and the pipeline from being deleted; an empty one is deleted after asking",
    async fn({ browser, url, resultsDir }) {
      const { context, page } = await newPage(browser);
      await open(page, url, "#/settings/pipelines");
      const before = await pipelines(page);
      assert(!("Тендеры" in before), "no such pipeline yet: " + Object.keys(before));

      // A new pipeline comes with four stages; rename, add one (an empty name is refused), move it up, colour.
      await click(page, { id: "pipelines:add" });
      await replaceText(page, { id: "pipelineform:name" }, "Тендеры");
      assertEq(await formStages(page), ["Новая", "В работе", "Успех", "Провал"], "a new pipeline's stages");
      await replaceText(page, { id: "pipelineform:stage:1" }, "Подготовка КП");
      await click(page, { id: "pipelineform:add_process" });
      assertEq(await formStages(page), ["Новая", "Подготовка КП", "", "Успех", "Провал"], "an in-progress stage goes before success");
      await click(page, { id: "pipelineform:save" });
      assertEq(await errorText(page), "У каждой стадии должно быть название", "an empty stage name is refused inline");
      await find(page, { id: "pipelineform:save" });  // the form stays open, nothing saved
      await replaceText(page, { id: "pipelineform:stage:2" }, "Переговоры");
      await click(page, { id: "pipelineform:up:2" });
      assertEq(await formStages(page), ["Новая", "Переговоры", "Подготовка КП", "Успех", "Провал"], "moved up");
      const orange = { role: "radio", name: "Стадия 2: оранжевый" };
      assertEq((await find(page, orange)).checked, false, "stage 2 is not orange yet");
      await click(page, orange);
      assertEq((await find(page, orange)).checked, true, "the tapped swatch is the chosen one");
      assertEq((await find(page, { role: "radio", name: "Стадия 2: голубой" })).checked, false, "and only it");
      await page.screenshot({ path: path.join(resultsDir, "pipeline-form.png") });
      await click(page, { id: "pipelineform:save" });
      await waitSaved(page);
      const id = (await pipelines(page))["Тендеры"];
      assert(id, "the new pipeline is listed");

      // After a reload the form reads back the same stages and colour.
      await page.reload();
      await waitForApp(page);
      await pipelines(page);
      await click(page, { id: "editpipeline:" + id });
      assertEq(await formStages(page), ["Новая", "Переговоры", "Подготовка КП", "Успех", "Провал"], "after a reload");
      assertEq((await find(page, orange)).checked, true, "the colour after a reload");
      await click(page, { id: "pipelineform:cancel" });

      // A deal moves into it from its card's "…" menu: to its first stage; the stage bar shows its stages.
      await openItem(page, url, "D2");
      const home = (await state(page)).card.pipeline;
      await click(page, { id: "action:more" });
      await click(page, { id: "menu:change_pipeline" });
      await click(page, { id: "menu:pipeline:" + id });
      await waitSaved(page);
      const card = (await state(page)).card;
      assertEq(card.pipeline, id, "the deal is in the new pipeline");
      await frames(page, 2);
      const bar = (await semantics(page)).filter((n) => n.id.startsWith("stage:")).map((n) => n.name);
      assertEq(bar.slice(0, 3), ["Новая", "Переговоры", "Подготовка КП"], "the stage bar shows the new pipeline's stages");
      assert((await find(page, { role: "radio", name: "Новая" })).checked === true, "on its first stage");

      // The stage and the pipeline that hold it refuse to go, saying how many items are there.
      await open(page, url, "#/settings/pipelines");
      await pipelines(page);
      await click(page, { id: "editpipeline:" + id });
      await click(page, { id: "pipelineform:delete:0" });
      assertEq(await errorText(page), "На этой стадии элементов: 1. Перенесите их, чтобы удалить стадию.", "a stage with a deal");
      assertEq((await formStages(page))[0], "Новая", "the stage is still there");
      await click(page, { id: "pipelineform:remove" });
      assertEq(await errorText(page), "В воронке элементов: 1. Перенесите их в другую воронку, чтобы удалить эту.", "a pipeline with a deal");
      await page.screenshot({ path: path.join(resultsDir, "pipeline-form-refused.png") });
      await click(page, { id: "pipelineform:cancel" });

      // Back to the general pipeline; now the pipeline goes, after a confirmation that can be declined.
      await openItem(page, url, "D2");
      await click(page, { id: "action:more" });
      await click(page, { id: "menu:change_pipeline" });
      await click(page, { id: "menu:pipeline:" + home });
      await waitSaved(page);
      assertEq((await state(page)).card.pipeline, home, "the deal is back in its pipeline");
      await open(page, url, "#/settings/pipelines");
      await pipelines(page);
      await click(page, { id: "editpipeline:" + id });
      await click(page, { id: "pipelineform:remove" });
      const q = await find(page, { id: "pipelineform:delete_q" });
      assert(/Удалить воронку «Тендеры»\?/.test(q.name), "the pipeline's deletion is asked: " + q.name);
      await page.screenshot({ path: path.join(resultsDir, "pipeline-form-delete.png") });
      await click(page, { id: "pipelineform:remove_no" });
      await find(page, { id: "pipelineform:save" });
      await click(page, { id: "pipelineform:remove" });
      await click(page, { id: "pipelineform:remove_yes" });
      await waitSaved(page);
      assert(!("Тендеры" in (await pipelines(page))), "the pipeline is gone");
      await page.reload();
      await waitForApp(page);
      assert(!("Тендеры" in (await pipelines(page))), "and stays gone after a reload");
      await context.close();
    },
  },
];
