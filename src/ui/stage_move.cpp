#include "ui/stage_move.hpp"

#include <imgui.h>

#include <map>

#include "core/required.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct FillIn {
  bool open = false;
  std::string item;
  std::string stage;
  std::string pipeline;  // set when the move is to another pipeline (its first stage)
  std::vector<std::string> fields;
  std::map<std::string, FormValue> values;
};
FillIn g_fill;

std::string stage_name(const Workspace& ws, const std::string& entity, const std::string& stage) {
  for (const Pipeline* p : ws.schema().pipelines_of(entity))
    if (const Stage* s = p->stage(stage)) return s->name.get(language());
  return stage;
}

}  // namespace

bool stage_move_dialog_open() { return g_fill.open; }

void request_move(const Workspace& ws, const std::string& user, const Item& item, const std::string& stage,
                  const std::string& pipeline, UiOutput& out) {
  Item target = item;
  std::string to_stage = stage;
  if (!pipeline.empty() && pipeline != item.pipeline) {
    const Pipeline* to = ws.schema().pipeline(item.entity, pipeline);
    if (!to) return;
    target.pipeline = to->id;
    to_stage = to->stages.front().id;
  }
  target.cell_for_write("STAGE_ID").value = Value(to_stage);
  auto missing = missing_required(ws.schema(), user, target, to_stage);
  const bool other_pipeline = target.pipeline != item.pipeline;
  if (missing.empty()) {
    if (other_pipeline) out.commands.push_back(ChangePipeline{item.id, target.pipeline, {}});
    else out.commands.push_back(MoveStage{item.id, to_stage, {}});
    return;
  }
  g_fill = FillIn{};
  g_fill.open = true;
  g_fill.item = item.id;
  g_fill.stage = to_stage;
  g_fill.pipeline = other_pipeline ? target.pipeline : "";
  g_fill.fields = missing;
  for (const auto& id : missing)
    if (const FieldDef* f = ws.schema().field(item.entity, id)) form_init(ws, *f, item.get(id), &g_fill.values[id]);
}

void draw_stage_move_dialog(const Workspace& ws, const UiEnv& env, UiOutput& out) {
  FillIn& fill = g_fill;
  if (!fill.open) return;
  const Item* item = ws.item(fill.item);
  if (!item) {
    fill.open = false;
    return;
  }
  const float w = dialog_width(480);
  if (!dialog_begin(tr("fill.title"), "fillin", &fill.open, w)) return;
  dialog_body_begin("fillin");
  ImGui::PushTextWrapPos(w - px(48));
  const std::string text = std::string(tr("fill.text")) + " «" + stage_name(ws, item->entity, fill.stage) + "»";
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  sem_item("fill:text", "text", text);
  ImGui::Dummy(ImVec2(0, px(6)));
  for (const auto& id : fill.fields) {
    const FieldDef* f = ws.schema().field(item->entity, id);
    if (!f) continue;
    form_field(ws, *f, f->label.get(language()), true, &fill.values[id], w - px(48), "fill:" + id);
    ImGui::Dummy(ImVec2(0, px(4)));
  }
  dialog_body_end();
  if (button(tr("fill.submit"), "fill:submit", true)) {
    Item target = *item;
    if (!fill.pipeline.empty()) target.pipeline = fill.pipeline;
    FieldValues fills;
    bool ok = true;
    for (const auto& id : fill.fields) {
      const FieldDef* f = ws.schema().field(item->entity, id);
      Value v;
      if (!f || !form_value(ws, target, *f, &fill.values[id], &v)) {
        ok = false;
        continue;
      }
      if (v.empty()) {
        fill.values[id].error = tr("err.required");
        ok = false;
        continue;
      }
      fills.emplace_back(id, v);
    }
    if (ok && missing_required(ws.schema(), env.user, target, fill.stage, fills).empty()) {
      if (fill.pipeline.empty()) out.commands.push_back(MoveStage{item->id, fill.stage, std::move(fills)});
      else out.commands.push_back(ChangePipeline{item->id, fill.pipeline, std::move(fills)});
      fill.open = false;
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "fill:cancel")) {
    fill.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace kt::ui
