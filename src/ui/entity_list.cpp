#include "ui/entity_list.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/calendar.hpp"
#include "core/format.hpp"
#include "core/query.hpp"
#include "core/rights.hpp"
#include "ui/create_dialog.hpp"
#include "ui/date_picker.hpp"
#include "ui/data_io.hpp"
#include "ui/i18n.hpp"
#include "ui/kanban.hpp"
#include "ui/list_prefs.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// A table row's height (its header's, an item's) of `desktop` CSS px; where controls are finger-sized (a
// touched tablet's list), as high as a finger's target is with the cells' padding around it.
float table_row_height(float desktop) {
  return finger_sized() ? touch_height(0) + ImGui::GetStyle().CellPadding.y * 2 : px(desktop);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Columns
// ---------------------------------------------------------------------------------------------------------

struct Column {
  std::string field;  // "TITLE" = the item's display name
  std::string title;
};

// The default columns: name, stage, amount, client, dates, responsible — whichever the entity has.
std::vector<std::string> default_columns(const Schema& s, const std::string& entity) {
  std::vector<std::string> out{"TITLE"};
  for (const char* f : {"STAGE_ID", "OPPORTUNITY_WITH_CURRENCY", "CLIENT", "POST", "COMPANY_ID", "COMPANY_TYPE",
                        "PHONE", "CLOSEDATE", "ASSIGNED_BY_ID"})
    if (s.field(entity, f)) out.push_back(f);
  return out;
}

std::vector<Column> columns_for(const Workspace& ws, const std::string& user, const std::string& entity) {
  const Schema& s = ws.schema();
  auto it = list_prefs().columns.find(entity);
  const std::vector<std::string> fields = it != list_prefs().columns.end() && !it->second.empty() ? it->second
                                                                                                   : default_columns(s, entity);
  std::vector<Column> cols;
  for (const auto& fid : fields) {
    if (fid == "TITLE") {
      cols.push_back({"TITLE", tr("col.title")});
      continue;
    }
    const FieldDef* f = s.field(entity, fid);
    if (f && can_see_field(s, user, *f)) cols.push_back({fid, f->label.get(language())});
  }
  if (cols.empty() || cols.front().field != "TITLE") cols.insert(cols.begin(), {"TITLE", tr("col.title")});
  return cols;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The filter bar
// ---------------------------------------------------------------------------------------------------------

struct ListUi {
  std::map<std::string, Query> queries;  // per entity
  std::string saved_name;
  std::string date_from, date_to, date_error;
  int new_field = 0;
  int new_op = 0;
  std::string new_value;
};

ListUi& list_ui() {
  static ListUi ui;
  return ui;
}

Query& query_for(const std::string& entity) {
  Query& q = list_ui().queries[entity];
  q.entity = entity;
  return q;
}

Condition* find_condition(Query& q, const std::string& field, Condition::Op op) {
  for (auto& c : q.conditions)
    if (c.field == field && c.op == op) return &c;
  return nullptr;
}

void toggle_any(Query& q, const std::string& field, const std::string& id) {
  Condition* c = find_condition(q, field, Condition::Op::AnyOf);
  if (!c) {
    q.conditions.push_back({field, Condition::Op::AnyOf, {}, {}, {id}});
    return;
  }
  auto it = std::find(c->any.begin(), c->any.end(), id);
  if (it == c->any.end()) c->any.push_back(id);
  else c->any.erase(it);
  if (c->any.empty())
    q.conditions.erase(std::remove_if(q.conditions.begin(), q.conditions.end(),
                                      [&](const Condition& x) { return x.field == field && x.op == Condition::Op::AnyOf; }),
                       q.conditions.end());
}

bool has_any(Query& q, const std::string& field, const std::string& id) {
  Condition* c = find_condition(q, field, Condition::Op::AnyOf);
  return c && std::find(c->any.begin(), c->any.end(), id) != c->any.end();
}

// What an empty list says: "Сделок пока нет" for a built-in type (its genitive plural is known), the
// type's own plural name quoted for a smart process, whose forms an administrator never gives.
std::string empty_list_text(const Workspace& ws, const std::string& entity) {
  const std::string key = "list.empty." + entity;
  const std::string own = tr(key.c_str());
  if (own != key) return own;
  const EntityType* et = ws.schema().entity(entity);
  char text[512];
  std::snprintf(text, sizeof text, tr("list.empty"), et ? et->plural.get(language()).c_str() : entity.c_str());
  return text;
}

std::string condition_text(const Workspace& ws, const std::string& entity, const Condition& c) {
  const FieldDef* f = ws.schema().field(entity, c.field);
  std::string label = f ? f->label.get(language()) : c.field;
  switch (c.op) {
    case Condition::Op::Empty: return label + ": " + tr("filter.is_empty");
    case Condition::Op::NotEmpty: return label + ": " + tr("filter.is_filled");
    case Condition::Op::Contains: return label + " \xe2\x88\x8b «" + c.value.str_or_empty() + "»";
    case Condition::Op::Equals: return label + " = " + (f ? format_value(ws, *f, c.value, language()) : c.value.str_or_empty());
    case Condition::Op::Between:
      return label + ": " + (c.value.is_null() ? "…" : format_date(c.value.str_or_empty(), language())) + " – " +
             (c.value2.is_null() ? "…" : format_date(c.value2.str_or_empty(), language()));
    case Condition::Op::AnyOf: {
      std::string out;
      for (const auto& id : c.any) {
        if (!out.empty()) out += ", ";
        out += f ? format_value(ws, *f, Value(id), language()) : id;
      }
      return label + ": " + out;
    }
  }
  return label;
}

void filter_popup(const Workspace& ws, const UiEnv& env, const ViewState& view, Query& q, UiOutput& out) {
  const Schema& s = ws.schema();
  ListUi& ui = list_ui();
  const float w = dialog_width(520);  // a phone's screen, whole
  ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, ImGui::GetIO().DisplaySize.y * 0.75f));
  if (!ImGui::BeginPopup("filters")) return;
  // Rows of choices wrap where the popup ends (a phone's is narrow).
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  const float left = ImGui::GetCursorPosX();
  sem_rect("filters", "dialog", tr("filter.title"), ImGui::GetWindowPos(),
           ImVec2(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x, ImGui::GetWindowPos().y + ImGui::GetWindowSize().y));
  // Stages of the pipelines in view.
  if (s.field(view.entity, "STAGE_ID")) {
    caption(tr("col.stage"));
    FlowRow row(right, left);
    for (const Pipeline* p : s.pipelines_of(view.entity)) {
      if (view.board && p->id != view.board_pipeline) continue;
      if (!q.pipeline.empty() && p->id != q.pipeline) continue;
      row.break_line();  // a pipeline's stages from a line of their own, spaced as its wrapped lines
      for (const auto& st : p->stages) {
        bool on = has_any(q, "STAGE_ID", st.id);
        const std::string name = st.name.get(language());
        row.next(checkbox_width(name));
        if (checkbox(name, "filter:stage:" + st.id, &on)) toggle_any(q, "STAGE_ID", st.id);
      }
    }
  }
  if (s.field(view.entity, "ASSIGNED_BY_ID")) {
    caption(tr("col.responsible"));
    FlowRow row(right, left);
    for (const auto& u : s.users) {
      bool on = has_any(q, "ASSIGNED_BY_ID", u.id);
      row.next(checkbox_width(u.name));
      if (checkbox(u.name, "filter:user:" + u.id, &on)) toggle_any(q, "ASSIGNED_BY_ID", u.id);
    }
  }
  // A date range on the close date (or the start date).
  const char* range_field = s.field(view.entity, "CLOSEDATE") ? "CLOSEDATE" : s.field(view.entity, "BEGINDATE") ? "BEGINDATE" : nullptr;
  if (range_field) {
    const FieldDef* df = s.field(view.entity, range_field);
    caption(df->label.get(language()));
    FlowRow row(right, left);
    row.next(px(150));
    date_field(tr("filter.from"), "filter:date_from", &ui.date_from, &ui.date_error, false, true, px(150), tr("filter.from"));
    row.next(px(150));
    date_field(tr("filter.to"), "filter:date_to", &ui.date_to, &ui.date_error, false, true, px(150), tr("filter.to"));
    row.next(button_width(tr("filter.apply_dates")));
    if (button(tr("filter.apply_dates"), "filter:dates")) {
      Value from, to;
      FieldDef probe = *df;
      ui.date_error.clear();
      if (!parse_input(probe, ui.date_from, "", &from) || !parse_input(probe, ui.date_to, "", &to)) {
        ui.date_error = error_text("invalid_date");
      } else {
        q.conditions.erase(std::remove_if(q.conditions.begin(), q.conditions.end(),
                                          [&](const Condition& c) { return c.field == range_field && c.op == Condition::Op::Between; }),
                           q.conditions.end());
        if (!from.is_null() || !to.is_null()) q.conditions.push_back({range_field, Condition::Op::Between, from, to, {}});
      }
    }
    if (!ui.date_error.empty()) error_text_line(ui.date_error, "filter:date_error");
  }
  // Any field: contains / is empty / is filled.
  caption(tr("filter.any_field"));
  std::vector<const FieldDef*> fields;
  for (const FieldDef* f : s.fields_of(view.entity))
    if (can_see_field(s, env.user, *f) && f->type != FieldType::Stage) fields.push_back(f);
  std::vector<std::string> names;
  for (const FieldDef* f : fields) names.push_back(f->label.get(language()));
  ui.new_field = std::clamp(ui.new_field, 0, std::max(0, static_cast<int>(fields.size()) - 1));
  FlowRow cond(right, left);
  cond.next(px(200));
  combo("", "filter:field", names, &ui.new_field, px(200), tr("filter.field"));
  const std::vector<std::string> ops{tr("filter.contains"), tr("filter.is_empty"), tr("filter.is_filled")};
  cond.next(px(130));
  combo("", "filter:op", ops, &ui.new_op, px(130), tr("filter.op"));
  if (ui.new_op == 0) {
    cond.next(px(110));
    ImGui::SetNextItemWidth(px(110));
    ImGui::InputText("##value", &ui.new_value);
    sem_item("filter:value", "textbox", tr("filter.value"), ui.new_value);
  }
  if (!fields.empty() && button(tr("filter.add"), "filter:add")) {
    const FieldDef* f = fields[static_cast<size_t>(ui.new_field)];
    Condition::Op op = ui.new_op == 0 ? Condition::Op::Contains : ui.new_op == 1 ? Condition::Op::Empty : Condition::Op::NotEmpty;
    if (op != Condition::Op::Contains || !ui.new_value.empty()) q.conditions.push_back({f->id, op, Value(ui.new_value), {}, {}});
    ui.new_value.clear();
  }
  // Saved filters.
  ImGui::Separator();
  caption(tr("filter.saved"));
  auto& saved = list_prefs().saved[view.entity];
  for (size_t i = 0; i < saved.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (link(saved[i].name, "filter:saved:" + saved[i].name, color::kLink)) {
      const std::string pipeline = q.pipeline;
      q = saved[i].query;
      q.entity = view.entity;
      if (view.board) q.pipeline = pipeline;
    }
    ImGui::SameLine();
    if (icon_button("\xe2\x9c\x95", tr("filter.delete_saved"), "filter:unsave:" + saved[i].name)) {
      saved.erase(saved.begin() + static_cast<long>(i));
      out.prefs_changed = true;
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  FlowRow save(right, left);
  save.next(px(220));
  ImGui::SetNextItemWidth(px(220));
  ImGui::InputTextWithHint("##savename", tr("filter.name"), &ui.saved_name);
  sem_item("filter:save_name", "textbox", tr("filter.name"), ui.saved_name);
  save.next(button_width(tr("filter.save")));
  if (button(tr("filter.save"), "filter:save", true, ui.saved_name.find_first_not_of(' ') != std::string::npos)) {
    saved.erase(std::remove_if(saved.begin(), saved.end(), [&](const SavedFilter& f) { return f.name == ui.saved_name; }),
                saved.end());
    saved.push_back({ui.saved_name, q});
    ui.saved_name.clear();
    out.prefs_changed = true;
  }
  ImGui::Separator();
  if (button(tr("filter.reset"), "filter:reset")) {
    q.conditions.clear();
    q.text.clear();
    ui.date_from.clear();
    ui.date_to.clear();
  }
  ImGui::SameLine();
  if (button(tr("dialog.close"), "filter:close")) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void columns_popup(const Workspace& ws, const UiEnv& env, const std::string& entity, UiOutput& out) {
  if (!ImGui::BeginPopup("columns")) return;
  const Schema& s = ws.schema();
  auto& chosen = list_prefs().columns[entity];
  if (chosen.empty()) chosen = default_columns(s, entity);
  for (const FieldDef* f : s.fields_of(entity)) {
    if (!can_see_field(s, env.user, *f)) continue;
    const bool fixed = f->id == "TITLE";  // the list always starts with the name (columns_for): not a choice
    bool on = fixed || std::find(chosen.begin(), chosen.end(), f->id) != chosen.end();
    if (fixed) ImGui::BeginDisabled();
    if (checkbox(f->label.get(language()), "column:toggle:" + f->id, &on) && !fixed) {
      if (on) chosen.push_back(f->id);
      else chosen.erase(std::remove(chosen.begin(), chosen.end(), f->id), chosen.end());
      out.prefs_changed = true;
    }
    if (fixed) {
      ImGui::EndDisabled();
      sem_last("column:toggle:TITLE").disabled = true;
    }
  }
  if (button(tr("columns.default"), "columns:default")) {
    chosen.clear();
    out.prefs_changed = true;
  }
  ImGui::EndPopup();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The table
// ---------------------------------------------------------------------------------------------------------

void draw_table(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out,
                const std::vector<Column>& cols, const std::vector<std::string>& ids, Query& q, float width, float height) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_PadOuterX | ImGuiTableFlags_SortTristate;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  ImGui::PushID(view.entity.c_str());
  if (ImGui::BeginTable("items", static_cast<int>(cols.size()), flags, ImVec2(width, height))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const auto& c : cols)
      ImGui::TableSetupColumn(c.title.c_str(), ImGuiTableColumnFlags_None, c.field == "TITLE" ? 3.0f : 1.6f);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, table_row_height(36));
    for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
      ImGui::TableSetColumnIndex(i);
      ImGui::PushFont(fonts().medium);
      ImGui::TableHeader(cols[static_cast<size_t>(i)].title.c_str());
      ImGui::PopFont();
      SemNode& n = sem_item("column:" + cols[static_cast<size_t>(i)].field, "columnheader", cols[static_cast<size_t>(i)].title);
      n.selected = q.sort_field == cols[static_cast<size_t>(i)].field;
    }
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
      if (specs->SpecsCount > 0) {
        q.sort_field = cols[static_cast<size_t>(specs->Specs[0].ColumnIndex)].field;
        q.descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      } else {
        q.sort_field.clear();
        q.descending = false;
      }
      specs->SpecsDirty = false;
    }
    const float row_h = table_row_height(44);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(ids.size()), row_h);
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const Item& it = *ws.item(ids[static_cast<size_t>(r)]);
        ImGui::TableNextRow(ImGuiTableRowFlags_None, row_h);
        ImGui::PushID(it.id.c_str());
        ImGui::TableSetColumnIndex(0);
        const std::string name = ws.display_name(it);
        float y0 = ImGui::GetCursorPosY();
        if (ImGui::Selectable("##row", false, ImGuiSelectableFlags_SpanAllColumns,
                              ImVec2(0, row_h - ImGui::GetStyle().CellPadding.y * 2))) {
          view.screen = Screen::Card;
          view.item = it.id;
          view.tab = "main";
          edit.close();
          out.navigated = true;
        }
        // The row spans every column: it is measured against the row's clip, not the first column's (where
        // it was always "cut").
        ImGui::TablePushBackgroundChannel();
        sem_item("row:" + it.id, "row", name);
        ImGui::TablePopBackgroundChannel();
        if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        const float text_dy = (row_h - ImGui::GetStyle().CellPadding.y * 2 - ImGui::GetTextLineHeight()) / 2;
        for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
          ImGui::TableSetColumnIndex(c);
          ImGui::SetCursorPosY(y0 + text_dy);
          const float cw = ImGui::GetContentRegionAvail().x;
          const Column& col = cols[static_cast<size_t>(c)];
          if (col.field == "TITLE") {
            const ImVec2 at = ImGui::GetCursorScreenPos();
            const float badge = todo_badge(it.id, it.open_todos(), it.has_overdue_todo(env.now_ms), at.x + cw,
                                           at.y + ImGui::GetTextLineHeight() / 2);
            ImGui::PushFont(fonts().medium);
            text_clipped(name.empty() ? std::string("—") : name, cw - badge, color::kLink);
            ImGui::PopFont();
            continue;
          }
          const FieldDef* def = ws.schema().field(it.entity, col.field);
          if (!def) continue;
          const Value& v = it.get(def->id);
          if (def->type == FieldType::Stage) {
            const Pipeline* p = ws.schema().pipeline(it.entity, it.pipeline);
            const Stage* s = p ? p->stage(v.str_or_empty()) : nullptr;
            ImGui::SetCursorPosY(y0 + text_dy - px(3));
            if (s) chip(s->name.get(language()), parse_color(s->color), cw);
          } else {
            text_clipped(format_value(ws, *def, v, language()), cw, color::kText);
          }
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopID();
  ImGui::PopStyleColor();
}

// The list on a phone: one line per item, its title with the to-do badge, and under it the next two of the
// user's columns (a stage as its chip, an amount, a client).
void draw_lines(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out,
                const std::vector<Column>& cols, const std::vector<std::string>& ids, float width, float height) {
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, px(10));
  ImGui::PushID(view.entity.c_str());
  ImGui::BeginChild("lines", ImVec2(width, height), false);
  ImGui::PopStyleVar();
  std::vector<const Column*> under;
  for (const auto& c : cols)
    if (c.field != "TITLE" && under.size() < 2) under.push_back(&c);
  ImGui::PushFont(fonts().medium);
  const float title_h = ImGui::GetTextLineHeight();
  ImGui::PopFont();
  const float row_h = title_h + ImGui::GetTextLineHeight() + px(34);
  const float pad = px(14);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(ids.size()), row_h);
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const Item& it = *ws.item(ids[static_cast<size_t>(r)]);
      ImGui::PushID(it.id.c_str());
      const ImVec2 a = ImGui::GetCursorScreenPos();
      const float w = ImGui::GetContentRegionAvail().x;
      const std::string name = ws.display_name(it);
      if (ImGui::InvisibleButton("row", ImVec2(w, row_h))) {
        view.screen = Screen::Card;
        view.item = it.id;
        view.tab = "main";
        edit.close();
        out.navigated = true;
      }
      if (ImGui::IsItemActive() || ImGui::IsItemHovered()) dl->AddRectFilled(a, ImVec2(a.x + w, a.y + row_h), color::kHover);
      if (r > 0) dl->AddLine(ImVec2(a.x + pad, a.y), ImVec2(a.x + w - pad, a.y), color::kBorder);
      sem_item("row:" + it.id, "row", name);
      // Title and the to-do badge.
      ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + px(12)));
      const float badge = todo_badge(it.id, it.open_todos(), it.has_overdue_todo(env.now_ms), a.x + w - pad,
                                     a.y + px(12) + title_h / 2);
      ImGui::PushFont(fonts().medium);
      text_clipped(name.empty() ? std::string("—") : name, w - pad * 2 - badge, color::kLink);
      ImGui::PopFont();
      // The two columns under it.
      float x = a.x + pad;
      const float y = a.y + px(12) + title_h + px(8);
      for (const Column* col : under) {
        const FieldDef* def = ws.schema().field(it.entity, col->field);
        if (!def) continue;
        const Value& v = it.get(def->id);
        const float room = a.x + w - pad - x;
        if (room < px(40)) break;
        ImGui::SetCursorScreenPos(ImVec2(x, y - (def->type == FieldType::Stage ? px(2) : 0)));
        if (def->type == FieldType::Stage) {
          const Pipeline* p = ws.schema().pipeline(it.entity, it.pipeline);
          const Stage* st = p ? p->stage(v.str_or_empty()) : nullptr;
          if (!st) continue;
          chip(st->name.get(language()), parse_color(st->color), std::min(room, px(170)));
        } else {
          const std::string text = format_value(ws, *def, v, language());
          if (text.empty()) continue;
          text_clipped(text, std::min(room, text_width(text)), color::kText);
        }
        x = ImGui::GetItemRectMax().x + px(14);
      }
      ImGui::SetCursorScreenPos(ImVec2(a.x, a.y + row_h));
      ImGui::Dummy(ImVec2(w, 0));
      ImGui::PopID();
    }
  }
  ImGui::Dummy(ImVec2(0, px(72)));  // the last line scrolls out from under the floating "+"
  ImGui::EndChild();
  ImGui::PopID();
  ImGui::PopStyleColor();
}

// "+ Create" as a round button floating over the list's bottom right corner (a phone).
bool create_button_floating() {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float d = px(56);
  const ImVec2 at(display.x - d - px(18), display.y - d - px(22));
  toasts_above(at.y);
  ImGui::SetNextWindowPos(at);
  ImGui::SetNextWindowSize(ImVec2(d, d));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("##fab", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
  ImGui::PopStyleVar();
  const bool clicked = ImGui::InvisibleButton("create", ImVec2(d, d));
  const bool hot = ImGui::IsItemHovered() || ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(at.x + d / 2, at.y + d / 2);
  dl->AddCircleFilled(ImVec2(c.x, c.y + px(2)), d / 2, color::rgb(0x000000, 40));
  dl->AddCircleFilled(c, d / 2, hot ? color::rgb(0xd2f95f) : color::rgb(0xbbed21));
  const float arm = px(11), t = px(1.5f);
  dl->AddRectFilled(ImVec2(c.x - arm, c.y - t), ImVec2(c.x + arm, c.y + t), color::kText);
  dl->AddRectFilled(ImVec2(c.x - t, c.y - arm), ImVec2(c.x + t, c.y + arm), color::kText);
  sem_rect("action:create", "button", std::string("+ ") + tr("list.create"), at, ImVec2(at.x + d, at.y + d));
  ImGui::End();
  return clicked;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The screen
// ---------------------------------------------------------------------------------------------------------

namespace {
QueryCache& list_cache() {
  static QueryCache cache;
  return cache;
}
}  // namespace

bool warm_list_search(const Workspace& ws, size_t max_rows) {
  // Companies and contacts first: a search of deals also looks for their clients.
  static const std::string kFirst[] = {"company", "contact"};
  for (const auto& e : kFirst)
    if (!list_cache().warm(ws, e, max_rows)) return false;
  for (const auto& et : ws.schema().entities)
    if (!list_cache().warm(ws, et.id, max_rows)) return false;
  return true;
}

void draw_entity_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  QueryCache& cache = list_cache();
  const Schema& s = ws.schema();
  const EntityType* et = s.entity(view.entity);
  if (!et) {
    view.entity = "deal";
    et = s.entity("deal");
  }
  if (!et->has_stages) view.board = false;
  if (view.board && !s.pipeline(view.entity, view.board_pipeline)) {
    const Pipeline* dp = s.default_pipeline(view.entity);
    view.board_pipeline = dp ? dp->id : "0";
  }
  Query& q = query_for(view.entity);
  Query run = q;
  if (view.board) run.pipeline = view.board_pipeline;
  const auto& ids = cache.run(ws, run, env.user);

  const bool phone = is_phone();
  const float margin = phone ? px(10) : px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + (phone ? px(12) : margin)));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  const float right = ImGui::GetCursorScreenPos().x + width;  // the toolbar wraps before this

  // Header: title and count; list/kanban; pipeline; search; filter; columns; create. The controls wrap to
  // the next line where the width ends; on a phone the search has a line of its own and "create" floats.
  const std::string title = et->plural.get(language());
  ImGui::PushFont(fonts().title);
  ImGui::TextUnformatted(title.c_str());
  ImGui::PopFont();
  sem_item("heading:list", "heading", title);
  ImGui::SameLine(0, px(12));
  ImGui::PushFont(fonts().small);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(8));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), tr("list.count"), static_cast<int>(ids.size()));
  sem_item("list:count", "status", std::to_string(ids.size()));
  ImGui::PopFont();
  // A phone's search is always in view: on a line of its own, or beside the title where the screen is wide
  // (a phone turned sideways, whose height is short for a list under three lines of controls).
  auto search_box = [&](float w) {
    ImGui::SetNextItemWidth(w);
    const char* hint = text_width(tr("list.search")) + px(40) <= w ? tr("list.search") : tr("list.search_short");
    ImGui::InputTextWithHint("##search", hint, &q.text);
    sem_item("list:search", "searchbox", tr("list.search"), q.text);
  };
  bool searched = false;
  if (phone && right - (ImGui::GetItemRectMax().x + px(24)) >= px(280)) {
    ImGui::SameLine(0, px(24));
    // Level with the title: the box's middle at the title's.
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - px(8) - (touch_height(0) - fonts().title->FontSize) / 2);
    search_box(right - ImGui::GetCursorScreenPos().x);
    searched = true;
  }
  // The controls follow the title (on a phone, on a line of their own), wrapping where the width ends.
  FlowRow row(right, margin);
  auto next = [&](float w) {
    if (!row.started() && phone) {
      ImGui::Dummy(ImVec2(0, px(2)));
      ImGui::SetCursorPosX(margin);
    } else if (!row.started()) {
      ImGui::SameLine(0, px(24));
      ImGui::SetCursorPosY(ImGui::GetCursorPosY() - px(8));
    }
    row.next(w);
  };
  if (et->has_stages) {
    next(button_width(tr("list.mode_list")) + button_width(tr("list.mode_kanban")) + px(4));
    // Two buttons acting as one switch: the view shown is the selected one.
    const bool board = view.board;
    if (button(tr("list.mode_list"), "view:list", !board)) {
      view.board = false;
      out.navigated = true;
    }
    sem_last("view:list").selected = !board;
    ImGui::SameLine(0, px(4));
    if (button(tr("list.mode_kanban"), "view:kanban", board)) {
      view.board = true;
      out.navigated = true;
    }
    sem_last("view:kanban").selected = board;
  }
  const auto pipelines = s.pipelines_of(view.entity);
  if (et->has_pipelines && pipelines.size() > 1) {
    std::vector<std::string> names;
    std::vector<std::string> pids;
    if (!view.board) {
      names.push_back(tr("list.all_pipelines"));
      pids.push_back("");
    }
    for (const Pipeline* p : pipelines) {
      names.push_back(p->name.get(language()));
      pids.push_back(p->id);
    }
    const std::string& current = view.board ? view.board_pipeline : q.pipeline;
    int index = static_cast<int>(std::find(pids.begin(), pids.end(), current) - pids.begin());
    if (index >= static_cast<int>(pids.size())) index = 0;
    const float combo_w = std::min(px(200), width);
    next(combo_w);
    if (combo("", "list:pipeline", names, &index, combo_w, tr("create.pipeline"))) {
      if (view.board) {
        view.board_pipeline = pids[static_cast<size_t>(index)];
        out.navigated = true;
      } else {
        q.pipeline = pids[static_cast<size_t>(index)];
      }
    }
  }
  const std::string filter_label = q.conditions.empty() ? tr("filter.button")
                                                        : std::string(tr("filter.button")) + " (" + std::to_string(q.conditions.size()) + ")";
  if (!phone) {
    next(px(240));
    ImGui::SetNextItemWidth(px(240));
    ImGui::InputTextWithHint("##search", tr("list.search"), &q.text);
    sem_item("list:search", "searchbox", tr("list.search"), q.text);
  }
  next(button_width(filter_label));
  if (button(filter_label, "list:filter", !q.conditions.empty())) ImGui::OpenPopup("filters");
  filter_popup(ws, env, view, q, out);
  if (!view.board) {
    next(button_width(tr("columns.button")));
    if (button(tr("columns.button"), "list:columns")) ImGui::OpenPopup("columns");
    columns_popup(ws, env, view.entity, out);
    std::vector<std::string> shown;
    for (const auto& c : columns_for(ws, env.user, view.entity)) shown.push_back(c.field);
    next(button_width(data_io_menu_label()));
    data_io_list_menu(ws, env, view.entity, ids, shown, out);
  }
  if (phone && !searched) {
    ImGui::Dummy(ImVec2(0, px(2)));
    ImGui::SetCursorPosX(margin);
    search_box(width);
  }
  const Pipeline* dp = s.default_pipeline(view.entity);
  const bool may_create = can_add(s, env.user, view.entity, dp ? dp->id : "");
  if (may_create && !phone) {
    const std::string create = std::string("+ ") + tr("list.create");
    const float bw = button_width(create);
    next(bw);
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), margin + width - bw));
    if (button(create, "action:create", true))
      open_create_dialog(view.entity, view.board ? view.board_pipeline : q.pipeline, "");
  }
  // Active conditions as removable chips.
  if (!q.conditions.empty()) {
    ImGui::SetCursorPosX(margin);
    FlowRow chips(right, margin, px(8));  // they wrap where the width ends (a phone)
    for (size_t i = 0; i < q.conditions.size(); ++i) {
      const std::string text = condition_text(ws, view.entity, q.conditions[i]);
      chips.next(button_width(text + "  \xe2\x9c\x95"));
      ImGui::PushID(static_cast<int>(i));
      if (button(text + "  \xe2\x9c\x95", "filter:chip:" + std::to_string(i))) {
        q.conditions.erase(q.conditions.begin() + static_cast<long>(i));
        ImGui::PopID();
        break;
      }
      ImGui::PopID();
    }
  }
  ImGui::Dummy(ImVec2(0, px(4)));

  ImGui::SetCursorPosX(margin);
  const float height = ImGui::GetContentRegionAvail().y - (phone ? px(8) : margin);
  if (view.board) {
    draw_kanban(ws, env, view, edit, out, ids, cache.generation(), width, height);
  } else {
    const float top = ImGui::GetCursorPosY();
    if (phone) draw_lines(ws, env, view, edit, out, columns_for(ws, env.user, view.entity), ids, width, height);
    else draw_table(ws, env, view, edit, out, columns_for(ws, env.user, view.entity), ids, q, width, height);
    if (ids.empty()) {
      // What an empty list says, inside it (under the table's header on a desktop), wrapped on a phone.
      const float at = phone ? px(20) : px(60);
      ImGui::SetCursorPos(ImVec2(margin + px(20), top + at));
      const std::string none = q.conditions.empty() && q.text.empty() ? empty_list_text(ws, view.entity)
                                                                        : std::string(tr("list.nothing_found"));
      ImGui::PushTextWrapPos(margin + width - px(20));
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextUnformatted(none.c_str());
      ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      sem_item("list:empty", "text", none);
    }
  }
  // The floating "+" stays under an open menu or dropdown (it would be drawn over them).
  if (may_create && phone && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel) &&
      create_button_floating())
    open_create_dialog(view.entity, view.board ? view.board_pipeline : q.pipeline, "");
  draw_create_dialog(ws, env, view, out);
}

}  // namespace kt::ui
