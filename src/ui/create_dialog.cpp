#include "ui/create_dialog.hpp"

#include <imgui.h>

#include <map>

#include "core/duplicates.hpp"
#include "core/json_bounded.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct CreateState {
  bool open = false;
  std::string entity;
  std::string stage;  // the column it was created from; "" = the first stage
  int pipeline = 0;
  std::map<std::string, FormValue> values;
  std::string error;
  std::string preset_pipeline;
  // Likely duplicates found on the last submit; a second submit with the same keys creates anyway.
  std::vector<DuplicateMatch> duplicates;
  std::vector<std::string> acknowledged_keys;
};
CreateState g_create;

// The fields the form asks for: the name fields, then those required on the first stage of the pipeline.
std::vector<const FieldDef*> form_fields_for(const Workspace& ws, const std::string& user, const Item& probe) {
  std::vector<const FieldDef*> out;
  const Schema& s = ws.schema();
  auto add = [&](const FieldDef* f) {
    if (f && std::find(out.begin(), out.end(), f) == out.end() && can_see_field(s, user, *f)) out.push_back(f);
  };
  if (probe.entity == "contact") {
    add(s.field("contact", "LAST_NAME"));
    add(s.field("contact", "NAME"));
  } else {
    add(s.field(probe.entity, "TITLE"));
  }
  // Clients and leads: their phone and e-mail, so that duplicates can be caught before they are made.
  if (probe.entity == "contact" || probe.entity == "company" || probe.entity == "lead") {
    add(s.field(probe.entity, "PHONE"));
    add(s.field(probe.entity, "EMAIL"));
  }
  for (const auto& id : missing_required(s, user, probe, probe.get("STAGE_ID").str_or_empty()))
    add(s.field(probe.entity, id));
  return out;
}

}  // namespace

void open_create_dialog(const std::string& entity, const std::string& pipeline, const std::string& stage) {
  g_create = CreateState{};
  g_create.open = true;
  g_create.entity = entity;
  g_create.stage = stage;
  g_create.preset_pipeline = pipeline;
}

void draw_create_dialog(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  if (!g_create.open) return;
  const Schema& s = ws.schema();
  const EntityType* et = s.entity(g_create.entity);
  if (!et) {
    g_create.open = false;
    return;
  }
  const float w = dialog_width(460);
  const std::string title = std::string(tr("create.title")) + ": " + et->name.get(language());
  if (!dialog_begin(title, "create", &g_create.open, w)) return;
  dialog_body_begin("create");

  auto pipelines = s.pipelines_of(g_create.entity);
  Item probe;
  probe.entity = g_create.entity;
  if (!g_create.preset_pipeline.empty()) {
    for (size_t i = 0; i < pipelines.size(); ++i)
      if (pipelines[i]->id == g_create.preset_pipeline) g_create.pipeline = static_cast<int>(i);
    g_create.preset_pipeline.clear();
  }
  if (!pipelines.empty()) {
    if (g_create.pipeline >= static_cast<int>(pipelines.size())) g_create.pipeline = 0;
    const Pipeline* p = pipelines[static_cast<size_t>(g_create.pipeline)];
    probe.pipeline = p->id;
    const bool stage_here = !g_create.stage.empty() && p->stage(g_create.stage);
    probe.cell_for_write("STAGE_ID").value = Value(stage_here ? g_create.stage : p->stages.front().id);
    if (pipelines.size() > 1 && g_create.stage.empty()) {
      std::vector<std::string> names;
      for (const auto* x : pipelines) names.push_back(x->name.get(language()));
      combo(tr("create.pipeline"), "create:pipeline", names, &g_create.pipeline, w - px(48));
    }
  }
  const auto fields = form_fields_for(ws, env.user, probe);
  for (const FieldDef* f : fields) {
    auto [it, fresh] = g_create.values.try_emplace(f->id);
    if (fresh) form_init(ws, *f, f->default_value, &it->second);
    bool required = required_for(s, env.user, *f, probe.pipeline, probe.get("STAGE_ID").str_or_empty());
    form_field(ws, *f, f->label.get(language()), required, &it->second, w - px(48), "create:" + f->id);
    ImGui::Dummy(ImVec2(0, px(4)));
  }
  if (!g_create.duplicates.empty()) {
    ImGui::Dummy(ImVec2(0, px(4)));
    error_text_line(tr("create.duplicates"), "create:duplicates");
    for (const auto& d : g_create.duplicates)
      if (const Item* it = ws.item(d.item))
        if (link(ws.display_name(*it), "create:duplicate:" + d.item, color::kLink)) {
          out.open_item = d.item;
          g_create.open = false;
          ImGui::CloseCurrentPopup();
        }
    muted_text(tr("create.duplicates_hint"));
  }
  dialog_body_end();
  if (!g_create.error.empty()) error_text_line(g_create.error, "create:error");
  if (button(tr("create.submit"), "create:submit", true)) {
    CreateItem cmd{env.new_id ? env.new_id(g_create.entity.substr(0, 2)) : "", g_create.entity, probe.pipeline, {}};
    if (const Value& st = probe.get("STAGE_ID"); !st.is_null() && probe.get("STAGE_ID") != Value()) {
      const Pipeline* p = s.pipeline(probe.entity, probe.pipeline);
      if (p && st.str_or_empty() != p->stages.front().id) cmd.fields.emplace_back("STAGE_ID", st);
    }
    bool ok = true;
    for (const FieldDef* f : fields) {
      Value v;
      if (!form_value(ws, probe, *f, &g_create.values[f->id], &v)) ok = false;
      else if (!v.is_null()) cmd.fields.emplace_back(f->id, v);
    }
    Item filled = probe;
    for (const auto& [fid, v] : cmd.fields) filled.cell_for_write(fid).value = v;
    auto missing = missing_required(s, env.user, filled, filled.get("STAGE_ID").str_or_empty());
    if (!missing.empty()) {
      ok = false;
      for (const auto& id : missing) g_create.values[id].error = tr("err.required");
    }
    if (ok) {
      // Same phone or e-mail as an existing item: say so once; submitting again creates it anyway.
      std::vector<std::string> keys = contact_keys(cmd.fields);
      if (keys != g_create.acknowledged_keys) {
        g_create.duplicates = find_duplicates(ws, env.user, g_create.entity, cmd.fields);
        g_create.acknowledged_keys = keys;
        if (!g_create.duplicates.empty()) ok = false;
      }
    }
    if (ok) {
      view.screen = Screen::Card;
      view.item = cmd.item;
      view.tab = "main";
      out.navigated = true;
      out.commands.push_back(std::move(cmd));
      g_create.open = false;
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "create:cancel")) {
    g_create.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

nlohmann::json create_draft(const Workspace& ws) {
  using nlohmann::json;
  if (!g_create.open || !ws.schema().entity(g_create.entity)) return nullptr;
  json values = json::object();
  for (const auto& [fid, v] : g_create.values) {
    const FieldDef* f = ws.schema().field(g_create.entity, fid);
    if (!f) continue;
    FormValue init;
    form_init(ws, *f, f->default_value, &init);
    if (v.text == init.text && v.picks == init.picks && v.flag == init.flag && v.currency == init.currency) continue;
    values[fid] = {{"text", v.text}, {"currency", v.currency}, {"picks", v.picks}, {"flag", v.flag}};
  }
  if (values.empty()) return nullptr;
  const auto pipelines = ws.schema().pipelines_of(g_create.entity);
  const size_t p = static_cast<size_t>(g_create.pipeline);
  return {{"entity", g_create.entity}, {"stage", g_create.stage},
          {"pipeline", p < pipelines.size() ? pipelines[p]->id : std::string()}, {"values", std::move(values)}};
}

void set_create_draft(const Workspace& ws, const ViewState& view, const std::string& user, const nlohmann::json& draft) {
  if (!draft.is_object() || g_create.open) return;
  const std::string entity = json_text(draft, "entity");
  // Only on its list, where the form is drawn: elsewhere it would wait unseen (or open on another list).
  if (!ws.schema().entity(entity) || view.screen != Screen::List || view.entity != entity) return;
  auto values = draft.find("values");
  if (values == draft.end() || !values->is_object()) return;
  CreateState c;
  for (const auto& [fid, j] : values->items()) {
    const FieldDef* f = ws.schema().field(entity, fid);
    if (!f || !j.is_object()) continue;
    FormValue& v = c.values[fid];
    form_init(ws, *f, f->default_value, &v);
    if (j.contains("text") && j["text"].is_string()) v.text = j["text"].get<std::string>();
    if (const std::string cur = json_text(j, "currency"); cur.size() == 3) v.currency = cur;
    if (j.contains("flag") && j["flag"].is_boolean()) v.flag = j["flag"].get<bool>();
    if (j.contains("picks")) v.picks = json_texts(j, "picks", kMaxDraftPicks);
  }
  if (c.values.empty()) return;
  std::string pipeline = json_text(draft, "pipeline");
  if (!ws.schema().pipeline(entity, pipeline)) pipeline.clear();
  const Pipeline* first = ws.schema().default_pipeline(entity);
  if (!can_add(ws.schema(), user, entity, pipeline.empty() && first ? first->id : pipeline)) return;
  open_create_dialog(entity, pipeline, json_text(draft, "stage"));
  g_create.values = std::move(c.values);
}

}  // namespace kt::ui
