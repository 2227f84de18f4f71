// The card's dialogs: field settings (name, help, required on
// stages, visibility, options, default), creating a field in place (L-11), managing named views (V-9),
// importing a layout (L-2), and confirmations.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/text.hpp"
#include "ui/card_internal.hpp"
#include "ui/field_editors.hpp"
#include "ui/form_send.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/stage_move.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

void request_stage(CardContext& c, const std::string& stage) {
  request_move(c.ws, c.env.user, c.item, stage, {}, c.out);
}

void request_pipeline(CardContext& c, const std::string& pipeline) {
  request_move(c.ws, c.env.user, c.item, {}, pipeline, c.out);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Field settings
// ---------------------------------------------------------------------------------------------------------

namespace {

// Access codes a field's visibility or a view's members can name: departments (with sub-departments) and
// users, as checkboxes.
void draw_code_picker(const Schema& s, std::set<std::string>* codes, const std::string& id, float width) {
  // A box of its own that scrolls; on a phone the rows are part of the dialog's body, which scrolls as a
  // whole (a scrolling box inside a scrolling screen is hard to move with a finger).
  const bool boxed = !is_phone();
  if (boxed) ImGui::BeginChild(id.c_str(), ImVec2(width, px(170)), true);
  caption(tr("codes.departments"));
  for (const auto& d : s.departments) {
    std::string code = "DR" + d.id;
    bool on = codes->count(code) > 0;
    if (checkbox(d.name + " " + tr("codes.with_sub"), id + ":" + code, &on)) {
      if (on) codes->insert(code);
      else codes->erase(code);
    }
  }
  caption(tr("codes.users"));
  for (const auto& u : s.users) {
    std::string code = "U" + u.id;
    bool on = codes->count(code) > 0;
    if (checkbox(u.name, id + ":" + code, &on)) {
      if (on) codes->insert(code);
      else codes->erase(code);
    }
  }
  if (boxed) ImGui::EndChild();
}

// Whom access codes name, as a person reads them: "Отдел продаж (с подотделами), Мария Соколова".
std::string code_names(const Schema& s, const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) {
    std::string name = code;
    if (code.rfind("DR", 0) == 0) {
      if (const Department* d = s.department(code.substr(2))) name = d->name + " " + tr("codes.with_sub");
    } else if (code.rfind("U", 0) == 0) {
      if (const User* u = s.user(code.substr(1))) name = u->name;
    }
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

std::vector<std::string> stage_names(const Pipeline& p, bool failures) {
  std::vector<std::string> out{"—"};
  for (const auto& s : p.stages)
    if ((s.semantics == StageSemantics::Failure) == failures) out.push_back(s.name.get(language()));
  return out;
}

std::vector<const Stage*> stage_list(const Pipeline& p, bool failures) {
  std::vector<const Stage*> out;
  for (const auto& s : p.stages)
    if ((s.semantics == StageSemantics::Failure) == failures) out.push_back(&s);
  return out;
}

}  // namespace

void open_field_config(CardContext& c, const std::string& field, const std::string& section) {
  const Schema& s = c.ws.schema();
  const FieldDef* f = s.field(c.item.entity, field);
  if (!f) return;
  CardUi::FieldConfig& cfg = card_ui().config;
  cfg = CardUi::FieldConfig{};
  cfg.open = true;
  cfg.field = field;
  cfg.section = section;
  cfg.def = *f;
  for (const auto& sec : current_layout(c).sections)
    for (const auto& e : sec.elements)
      if (e.field == field) cfg.show_always = e.show_always;
  bool any_range = false;
  for (const Pipeline* p : s.pipelines_of(c.item.entity)) {
    cfg.process[p->id] = {0, 0};  // "—": no range
    cfg.junk[p->id] = {0, 0};
    auto proc = stage_list(*p, false), junk = stage_list(*p, true);
    auto index_in = [](const std::vector<const Stage*>& v, const std::string& id) {
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i]->id == id) return static_cast<int>(i) + 1;  // 0 is "—"
      return 0;
    };
    for (const auto& r : s.required) {
      if (r.entity != f->entity || r.field != f->id || r.pipeline != p->id) continue;
      any_range = true;
      if (r.group == RangeGroup::All) cfg.process[p->id] = {1, static_cast<int>(proc.size())};
      if (r.group == RangeGroup::Pipeline) cfg.process[p->id] = {index_in(proc, r.start), index_in(proc, r.finish)};
      if (r.group == RangeGroup::Junk) cfg.junk[p->id] = {index_in(junk, r.start), index_in(junk, r.finish)};
    }
  }
  if (!s.entity(c.item.entity)->has_stages)
    for (const auto& r : s.required) any_range = any_range || (r.entity == f->entity && r.field == f->id);
  cfg.required_mode = f->mandatory ? 1 : any_range ? 2 : 0;
  if (!s.entity(c.item.entity)->has_stages && cfg.required_mode == 2) cfg.required_mode = 1;
  cfg.restricted = !f->visible_to.empty();
  cfg.codes = std::set<std::string>(f->visible_to.begin(), f->visible_to.end());
  form_init(c.ws, *f, f->default_value, &cfg.default_value);
}

namespace {

// The options of a list field: a name per row, the default (☆: one option, or several for a field of several
// values, which holds them as a list), reorder, delete, add.
void draw_options_editor(std::vector<ListOption>& options, Value* default_value, bool multiple,
                         const std::function<std::string()>& new_id, const std::string& id, float width) {
  auto defaults = [&] {
    Value::List out;
    if (default_value && default_value->is_list()) out = default_value->as_list();
    else if (default_value && !default_value->is_null()) out.push_back(*default_value);
    if (!multiple && out.size() > 1) out.resize(1);  // the new field's "several values" was unticked
    return out;
  };
  auto set_default = [&](const std::string& option, bool on) {
    Value::List now = defaults();
    std::erase(now, Value(option));
    if (on) {
      if (!multiple) now.clear();
      now.push_back(Value(option));
    }
    if (now.empty()) *default_value = Value();
    else *default_value = multiple ? Value(std::move(now)) : now.front();
  };
  caption(tr("field.options"));
  for (size_t i = 0; i < options.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    std::string name = options[i].label.get(language());
    if (text_box(id + ":option:" + std::to_string(i), &name, width - px(140), std::string(tr("field.option")) + " " + std::to_string(i + 1)))
      options[i].label = {name, name};
    ImGui::SameLine(0, px(4));
    const Value::List now = defaults();
    const bool is_default = std::find(now.begin(), now.end(), Value(options[i].id)) != now.end();
    const std::string star = id + ":default:" + std::to_string(i);
    const bool toggled = icon_button(is_default ? "\xe2\x98\x85" : "\xe2\x98\x86", tr("field.option_default"), star);
    sem_last(star).selected = is_default;  // pressed: this option is a default
    if (toggled && default_value) set_default(options[i].id, !is_default);
    ImGui::SameLine(0, px(2));
    if (icon_button("\xe2\x86\x91", tr("layout.up"), id + ":up:" + std::to_string(i), i > 0)) std::swap(options[i], options[i - 1]);
    ImGui::SameLine(0, px(2));
    if (icon_button("\xe2\x9c\x95", tr("field.option_delete"), id + ":del:" + std::to_string(i))) {
      if (default_value) set_default(options[i].id, false);
      options.erase(options.begin() + static_cast<long>(i));
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  if (link(std::string("+ ") + tr("field.option_add"), id + ":add", color::kLink))
    options.push_back({new_id(), {"", ""}});
}

// Digits after the decimal point of a number field: 0 to 10 (the core's bounds), chosen from a list.
void precision_choice(int* precision, const std::string& id, float width) {
  std::vector<std::string> digits;
  for (int i = 0; i <= 10; ++i) digits.push_back(std::to_string(i));
  int index = std::clamp(*precision, 0, 10);
  if (combo(tr("field.precision"), id, digits, &index, width) && index >= 0) *precision = index;
}

void draw_field_config(CardContext& c) {
  CardUi::FieldConfig& cfg = card_ui().config;
  if (!cfg.open) return;
  const Schema& s = c.ws.schema();
  const FieldDef* current = s.field(c.item.entity, cfg.field);
  if (!current) {
    cfg.open = false;
    return;
  }
  const float w = dialog_width(560);
  const std::string title = std::string(tr("field.settings")) + ": " + current->label.get(language());
  if (!dialog_begin(title, "fieldconfig", &cfg.open, w)) return;
  dialog_body_begin("fieldconfig");
  const float body_w = ImGui::GetContentRegionAvail().x - px(4);
  FieldDef& d = cfg.def;
  caption(std::string(tr("field.type")) + ": " + tr((std::string("type.") + field_type_name(d.type)).c_str()) +
          (d.multiple ? std::string(", ") + tr("field.multiple") : ""));
  text_input(tr("field.name_ru"), "config:name_ru", &d.label.ru, body_w);
  text_input(tr("field.name_en"), "config:name_en", &d.label.en, body_w);
  text_input(tr("field.help"), "config:help", &d.help.ru, body_w);
  d.help.en = d.help.ru;
  checkbox(tr("layout.show_always"), "config:show_always", &cfg.show_always);

  // Required: not / always / on stages (per pipeline).
  const EntityType* et = s.entity(c.item.entity);
  ImGui::Dummy(ImVec2(0, px(4)));
  caption(tr("field.required"));
  // On a line while they fit (a small phone: two lines).
  FlowRow modes(ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x, ImGui::GetCursorPosX());
  for (int mode = 0; mode < (et && et->has_stages ? 3 : 2); ++mode) {
    const char* label = tr(mode == 0 ? "field.req_no" : mode == 1 ? "field.req_always" : "field.req_stages");
    modes.next(checkbox_width(label));
    radio(label, "config:req:" + std::to_string(mode), &cfg.required_mode, mode);
  }
  if (cfg.required_mode == 2) {
    for (const Pipeline* p : s.pipelines_of(c.item.entity)) {
      caption(p->name.get(language()));
      auto names = stage_names(*p, false);
      auto& pr = cfg.process[p->id];
      const std::string pipeline = p->name.get(language());  // the caption above: names the four boxes
      // "с [stage] по [stage]" on a line; on a phone two boxes side by side with the words over them.
      auto range = [&](const char* word, const char* from_id, const char* to_id, const std::vector<std::string>& stages,
                       std::pair<int, int>* r, const char* name_from, const char* name_to, float w) {
        struct Box {
          const char* word;
          std::string id, name;
          int* index;
        };
        const Box boxes[] = {{word, "config:" + std::string(from_id) + p->id, tr(name_from) + (", " + pipeline), &r->first},
                             {"field.to", "config:" + std::string(to_id) + p->id, tr(name_to) + (", " + pipeline), &r->second}};
        const bool phone = is_phone();
        ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(px(6), 0));
        if (phone && !ImGui::BeginTable(from_id, 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_NoPadOuterX,
                                        ImVec2(body_w, 0))) {
          ImGui::PopStyleVar();
          return;
        }
        for (const Box& b : boxes) {
          if (phone) {
            ImGui::TableNextColumn();
            caption_at_line_top();
            caption(tr(b.word));
            combo("", b.id, stages, b.index, ImGui::GetContentRegionAvail().x, b.name);
          } else {
            if (b.index == &r->second) ImGui::SameLine();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(tr(b.word));
            ImGui::SameLine();
            combo("", b.id, stages, b.index, w, b.name);
          }
        }
        if (phone) ImGui::EndTable();
        ImGui::PopStyleVar();
      };
      ImGui::PushID(p->id.c_str());
      range("field.from", "from:", "to:", names, &pr, "field.req_from", "field.req_to", px(180));
      auto jnames = stage_names(*p, true);
      if (jnames.size() > 1)
        range("field.failures", "jfrom:", "jto:", jnames, &cfg.junk[p->id], "field.fail_from", "field.fail_to", px(160));
      ImGui::PopID();
    }
  }

  if (!d.system) {
    ImGui::Dummy(ImVec2(0, px(4)));
    if (d.type == FieldType::List)
      draw_options_editor(d.options, &d.default_value, d.multiple, [&] { return c.env.new_id ? c.env.new_id("o") : std::string("o"); },
                          "config", body_w);
    if (d.type == FieldType::Number) precision_choice(&d.precision, "config:precision", std::min(body_w, px(160)));
    if (d.type == FieldType::String) checkbox(tr("field.multiline"), "config:multiline", &d.multiline);
    if (d.type != FieldType::List && d.type != FieldType::File) {
      FieldDef probe = d;
      form_field(c.ws, probe, tr("field.default"), false, &cfg.default_value, body_w, "config:default");
    }
    // Who may see a field is for administrators (the server refuses it from anyone else).
    if (is_admin(s, c.env.user)) {
      ImGui::Dummy(ImVec2(0, px(4)));
      checkbox(tr("field.restricted"), "config:restricted", &cfg.restricted);
      if (cfg.restricted) draw_code_picker(s, &cfg.codes, "config:codes", body_w);
    }
  }
  dialog_body_end();
  if (!cfg.error.empty()) error_text_line(cfg.error, "config:error");

  if (button(tr("dialog.save"), "config:save", true)) {
    cfg.error.clear();
    std::vector<Command> cmds;
    if (!d.system && d.type != FieldType::List && d.type != FieldType::File) {
      Item probe;
      probe.entity = d.entity;
      Value dv;
      if (!form_value(c.ws, probe, d, &cfg.default_value, &dv)) cfg.error = cfg.default_value.error;
      else d.default_value = dv;
    }
    d.visible_to = cfg.restricted ? std::vector<std::string>(cfg.codes.begin(), cfg.codes.end()) : std::vector<std::string>{};
    if (cfg.restricted && d.visible_to.empty()) cfg.error = tr("err.visibility_empty");
    if (d.label.empty()) cfg.error = tr("err.label_empty");
    for (const auto& o : d.options)
      if (o.label.empty()) cfg.error = tr("err.option_label_empty");
    // Required rules.
    SetRequired req{d.entity, d.id, cfg.required_mode == 1, {}};
    if (cfg.required_mode == 2) {
      for (const Pipeline* p : s.pipelines_of(d.entity)) {
        auto proc = stage_list(*p, false), junk = stage_list(*p, true);
        auto [a, b] = cfg.process[p->id];
        if (a > 0 || b > 0) {
          if (a <= 0 || b <= 0 || a > b) cfg.error = tr("err.range");
          else req.ranges.push_back({d.entity, p->id, d.id, RangeGroup::Pipeline, proc[a - 1]->id, proc[b - 1]->id});
        }
        auto [ja, jb] = cfg.junk[p->id];
        if (ja > 0 || jb > 0) {
          if (ja <= 0 || jb <= 0 || ja > jb) cfg.error = tr("err.range");
          else req.ranges.push_back({d.entity, p->id, d.id, RangeGroup::Junk, junk[ja - 1]->id, junk[jb - 1]->id});
        }
      }
      if (req.ranges.empty() && cfg.error.empty()) cfg.error = tr("err.range");
    }
    if (cfg.error.empty()) {
      FieldDef base = *current;
      FieldDef next = d;
      next.mandatory = base.mandatory;
      if (!(next == base)) cmds.push_back(PutField{next});
      bool was_ranges = false;
      std::vector<RequiredRange> old_ranges;
      for (const auto& r : s.required)
        if (r.entity == d.entity && r.field == d.id) old_ranges.push_back(r), was_ranges = true;
      if (req.mandatory != base.mandatory || req.ranges != old_ranges) cmds.push_back(req);
      (void)was_ranges;
      // "Show always" lives in the layout.
      Layout l = current_layout(c);
      bool layout_changed = false;
      for (auto& sec : l.sections)
        for (auto& e : sec.elements)
          if (e.field == d.id && e.show_always != cfg.show_always) e.show_always = cfg.show_always, layout_changed = true;
      for (auto& cmd : cmds) c.out.commands.push_back(std::move(cmd));
      if (layout_changed) put_layout(c, l);
      cfg.open = false;
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "config:cancel")) {
    cfg.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Creating a field in place
// ---------------------------------------------------------------------------------------------------------

void draw_create_field(CardContext& c) {
  CardUi::CreateField& cf = card_ui().create;
  if (!cf.open) return;
  const Schema& s = c.ws.schema();
  const float w = dialog_width(520);
  if (!dialog_begin(tr("newfield.title"), "createfield", &cf.open, w)) return;
  dialog_body_begin("createfield");
  const float body_w = ImGui::GetContentRegionAvail().x - px(4);
  const auto& types = custom_field_types();
  std::vector<std::string> type_names;
  for (FieldType t : types) type_names.push_back(tr((std::string("type.") + field_type_name(t)).c_str()));
  combo(tr("field.type"), "newfield:type", type_names, &cf.type, body_w);
  const FieldType type = types[static_cast<size_t>(std::clamp(cf.type, 0, static_cast<int>(types.size()) - 1))];
  text_input(tr("field.name_ru"), "newfield:name_ru", &cf.name_ru, body_w);
  text_input(tr("field.name_en"), "newfield:name_en", &cf.name_en, body_w);
  if (type != FieldType::Boolean) checkbox(tr("field.multiple"), "newfield:multiple", &cf.multiple);
  checkbox(tr("newfield.required"), "newfield:required", &cf.required);
  checkbox(tr("layout.show_always"), "newfield:show_always", &cf.show_always);
  if (type == FieldType::String) checkbox(tr("field.multiline"), "newfield:multiline", &cf.multiline);
  if (type == FieldType::Number) precision_choice(&cf.precision, "newfield:precision", std::min(body_w, px(160)));
  if (type == FieldType::List)
    draw_options_editor(cf.options, &cf.default_value, cf.multiple, [&] { return c.env.new_id ? c.env.new_id("o") : std::string("o"); },
                        "newfield", body_w);
  if (type == FieldType::CrmBinding) {
    caption(tr("field.binding_kinds"));
    for (const auto& e : s.entities) {
      bool on = cf.kinds.count(e.id) > 0;
      if (checkbox(e.plural.get(language()), "newfield:kind:" + e.id, &on)) {
        if (on) cf.kinds.insert(e.id);
        else cf.kinds.erase(e.id);
      }
    }
  }
  if (type == FieldType::CrmDirectory) {
    std::vector<std::string> names;
    for (const auto& d : s.directories) names.push_back(d.name.get(language()));
    combo(tr("field.directory"), "newfield:directory", names, &cf.directory, body_w);
  }
  dialog_body_end();
  if (!cf.error.empty()) error_text_line(cf.error, "newfield:error");
  if (button(tr("newfield.submit"), "newfield:submit", true)) {
    cf.error.clear();
    FieldDef f;
    std::string suffix = c.env.new_id ? c.env.new_id("") : "1";
    for (auto& ch : suffix) ch = (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : (ch == '-' ? '_' : ch);
    f.id = "UF_CRM_" + suffix;
    f.entity = c.item.entity;
    f.type = type;
    f.multiple = type != FieldType::Boolean && cf.multiple;
    f.multiline = cf.multiline;
    f.precision = cf.precision;
    f.label = {cf.name_ru.empty() ? cf.name_en : cf.name_ru, cf.name_en.empty() ? cf.name_ru : cf.name_en};
    if (f.label.empty()) cf.error = tr("err.label_empty");
    if (type == FieldType::List) {
      for (const auto& o : cf.options)
        if (o.label.ru.find_first_not_of(' ') != std::string::npos) f.options.push_back(o);
      if (f.options.empty()) cf.error = tr("err.options_empty");
      else {
        // The default, but only options that are kept (a blank one is dropped) and in the field's form.
        Value::List kept;
        const Value::List chosen = cf.default_value.is_list() ? cf.default_value.as_list() : Value::List{cf.default_value};
        for (const auto& o : f.options)
          if (std::find(chosen.begin(), chosen.end(), Value(o.id)) != chosen.end()) kept.push_back(Value(o.id));
        if (!kept.empty()) f.default_value = f.multiple ? Value(std::move(kept)) : kept.front();
      }
    }
    if (type == FieldType::CrmBinding) {
      f.binding_kinds.assign(cf.kinds.begin(), cf.kinds.end());
      if (f.binding_kinds.empty()) cf.error = tr("err.binding_kinds_empty");
    }
    if (type == FieldType::CrmDirectory && !s.directories.empty())
      f.directory = s.directories[static_cast<size_t>(std::clamp(cf.directory, 0, static_cast<int>(s.directories.size()) - 1))].id;
    if (cf.error.empty()) {
      c.out.commands.push_back(PutField{f});
      if (cf.required) c.out.commands.push_back(SetRequired{f.entity, f.id, true, {}});
      Layout l = current_layout(c);
      for (auto& sec : l.sections)
        if (sec.id == cf.section) sec.elements.push_back({f.id, cf.show_always, {}});
      // The layout check cannot know the new field yet; it is not required in the old layout, so it passes.
      put_layout(c, l);
      cf.open = false;
      ImGui::CloseCurrentPopup();
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "newfield:cancel")) {
    cf.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Views, confirmations, layout import
// ---------------------------------------------------------------------------------------------------------

void draw_views(CardContext& c) {
  CardUi::Views& v = card_ui().views;
  if (!v.open) return;
  const Schema& s = c.ws.schema();
  const float w = dialog_width(560);
  if (!dialog_begin(tr("views.title"), "views", &v.open, w)) return;
  auto existing = views_for(s, c.env.user, c.family);
  if (!v.deleting.empty()) {
    // Deleting a view takes it from everyone it is assigned to: asked once more, naming them.
    auto it = std::find_if(existing.begin(), existing.end(), [&](const View* x) { return x->id == v.deleting; });
    if (it == existing.end()) {
      v.deleting.clear();
    } else {
      std::string q = fill_placeholders(tr("views.delete_q"), {(*it)->name});
      if (!(*it)->assigned.empty()) q += " " + fill_placeholders(tr("views.delete_members"), {code_names(s, (*it)->assigned)});
      const int answer = ask_delete_in_place(q, "views");
      if (answer > 0) {
        c.out.commands.push_back(PutView{**it, true});
        if (v.editing == v.deleting) v.editing.clear();
      }
      if (answer != 0) v.deleting.clear();
      dialog_end();
      return;
    }
  }
  dialog_body_begin("views");
  const float body_w = ImGui::GetContentRegionAvail().x - px(4);
  if (existing.empty()) {
    muted_text(tr("views.none"));
    sem_item("views:none", "text", tr("views.none"));
  }
  for (const View* x : existing) {
    ImGui::PushID(x->id.c_str());
    ImGui::TextUnformatted(x->name.c_str());
    // Whom it is for, under its name (and that it opens by itself for them).
    std::string who = code_names(s, x->assigned);
    if (x->auto_apply) who += (who.empty() ? "" : " · ") + std::string(tr("views.auto_short"));
    sem_item("view:" + x->id, "text", x->name + (who.empty() ? "" : ": " + who));
    ImGui::SameLine();
    if (link(tr("views.edit"), "viewedit:" + x->id, color::kLink)) {
      v.editing = x->id;
      v.name = x->name;
      v.codes = std::set<std::string>(x->assigned.begin(), x->assigned.end());
      v.auto_apply = x->auto_apply;
    }
    ImGui::SameLine(0, px(12));
    if (link(tr("views.delete"), "viewdelete:" + x->id, color::kError)) v.deleting = x->id;
    if (!who.empty()) muted_text(who);
    ImGui::PopID();
  }
  ImGui::Separator();
  caption(v.editing.empty() ? tr("views.new") : tr("views.editing"));
  text_input(tr("views.name"), "viewform:name", &v.name, body_w);
  checkbox(tr("views.auto_apply"), "viewform:auto", &v.auto_apply);
  caption(tr("views.members"));
  draw_code_picker(s, &v.codes, "viewform:codes", body_w);
  dialog_body_end();
  if (!v.error.empty()) error_text_line(v.error, "viewform:error");
  if (button(v.editing.empty() ? tr("views.create") : tr("dialog.save"), "viewform:submit", true)) {
    v.error.clear();
    View view;
    view.id = v.editing.empty() ? (c.env.new_id ? c.env.new_id("view") : "view") : v.editing;
    view.family = c.family;
    view.name = v.name;
    view.assigned.assign(v.codes.begin(), v.codes.end());
    view.auto_apply = v.auto_apply;
    if (PutView put{view, false}; accepted(c.ws, c.env, put, &v.error)) {
      c.out.commands.push_back(std::move(put));
      v.editing.clear();
      v.name.clear();
      v.codes.clear();
      v.auto_apply = false;
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.close"), "views:close")) {
    v.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void draw_confirm(CardContext& c) {
  CardUi::Confirm& cf = card_ui().confirm;
  if (!cf.open) return;
  const float w = dialog_width(440);
  if (!dialog_begin(cf.title, "confirm:" + cf.id, &cf.open, w)) return;
  ImGui::PushTextWrapPos(w - px(48));
  ImGui::TextUnformatted(cf.text.c_str());
  ImGui::PopTextWrapPos();
  sem_item("confirm:text", "text", cf.text);
  ImGui::Dummy(ImVec2(0, px(8)));
  if (danger_button(tr("dialog.yes"), "confirm:yes", true)) {
    for (auto& cmd : cf.commands) c.out.commands.push_back(std::move(cmd));
    cf.open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "confirm:no")) {
    cf.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

void draw_import(CardContext& c) {
  CardUi::Import& im = card_ui().import;
  if (!im.open) return;
  const float w = dialog_width(560);
  if (!dialog_begin(tr("import.title"), "import", &im.open, w)) return;
  muted_text(tr("import.text"));
  if (auto f = take_file("layout-import")) im.text = f->text;
  if (link(tr("import.pick"), "import:pick", color::kLink)) c.out.pick_file = std::make_pair(std::string("layout-import"), std::string(".json,application/json"));
  text_input(tr("import.json"), "import:json", &im.text, w - px(48), nullptr, true);
  if (!im.error.empty()) error_text_line(im.error, "import:error");
  if (button(tr("import.submit"), "import:submit", true)) {
    Layout l;
    Status st = Status::Fail("invalid_layout", "");
    try {
      st = import_layout(nlohmann::json::parse(im.text), &l, current_layout(c).tabs);
    } catch (const std::exception& e) {
      st = Status::Fail("invalid_layout", std::string(tr("import.bad_json")) + ": " + e.what());
    }
    if (!st) {
      im.error = st.message;
    } else if (put_layout(c, l)) {
      im.open = false;
      ImGui::CloseCurrentPopup();
    } else {
      im.error = card_ui().layout_error;
    }
  }
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), "import:cancel")) {
    im.open = false;
    ImGui::CloseCurrentPopup();
  }
  dialog_end();
}

}  // namespace

void open_create_field(CardContext& c, const std::string& section) {
  card_ui().create = CardUi::CreateField{};
  card_ui().create.open = true;
  card_ui().create.section = section;
}

void open_views_dialog(CardContext& c) {
  card_ui().views = CardUi::Views{};
  card_ui().views.open = true;
}

void confirm(const std::string& id, const std::string& title, const std::string& text, std::vector<Command> commands) {
  card_ui().confirm = CardUi::Confirm{true, title, text, id, std::move(commands)};
}

void draw_card_dialogs(CardContext& c) {
  draw_field_config(c);
  draw_create_field(c);
  draw_views(c);
  draw_confirm(c);
  draw_import(c);
}

}  // namespace kt::ui
