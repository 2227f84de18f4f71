#include "ui/entity_list.hpp"

#include <imgui.h>

#include <algorithm>

#include "core/format.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "ui/create_dialog.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct Column {
  std::string field;  // "" = the item's display name
  std::string title;
  float weight;
};

// The columns an entity type's list shows: its name, stage, amount, client, dates, responsible person —
// whichever of these it has and the user may see.
std::vector<Column> columns_for(const Workspace& ws, const std::string& user, const std::string& entity) {
  std::vector<Column> cols{{"", tr("col.title"), 3.0f}};
  auto add = [&](const char* field, const char* title_key, float w) {
    const FieldDef* f = ws.schema().field(entity, field);
    if (f && can_see_field(ws.schema(), user, *f)) cols.push_back({field, title_key ? tr(title_key) : f->label.get(language()), w});
  };
  add("STAGE_ID", "col.stage", 1.8f);
  add("OPPORTUNITY_WITH_CURRENCY", "col.amount", 1.4f);
  add("CLIENT", "col.client", 2.2f);
  add("POST", nullptr, 1.6f);
  add("COMPANY_ID", nullptr, 1.8f);
  add("COMPANY_TYPE", nullptr, 1.4f);
  add("PHONE", nullptr, 1.5f);
  add("CLOSEDATE", nullptr, 1.3f);
  add("ASSIGNED_BY_ID", "col.responsible", 1.6f);
  return cols;
}

// Sorted ids, rebuilt only when the data or the sort order changes (never per frame).
struct SortCache {
  std::uint64_t version = ~0ull;
  std::string entity, user;
  int column = -2;
  bool descending = false;
  Lang lang = Lang::Ru;
  std::vector<std::string> ids;
};

void sort_ids(const Workspace& ws, const std::string& user, const ViewState& view,
              const std::vector<Column>& cols, SortCache& cache) {
  if (cache.version == ws.version() && cache.entity == view.entity && cache.user == user &&
      cache.column == view.sort_column && cache.descending == view.sort_descending && cache.lang == language())
    return;
  cache.version = ws.version();
  cache.entity = view.entity;
  cache.user = user;
  cache.column = view.sort_column;
  cache.descending = view.sort_descending;
  cache.lang = language();
  cache.ids.clear();
  for (const auto& id : ws.item_ids(view.entity)) {
    const Item* it = ws.item(id);
    if (it && !it->deleted && can_act(ws.schema(), user, *it, Action::Read)) cache.ids.push_back(id);
  }
  if (view.sort_column < 0 || view.sort_column >= static_cast<int>(cols.size())) {
    std::reverse(cache.ids.begin(), cache.ids.end());  // newest first by default
    return;
  }
  const Column& col = cols[static_cast<size_t>(view.sort_column)];
  const FieldDef* def = col.field.empty() ? nullptr : ws.schema().field(view.entity, col.field);
  // Names sort by what a person reads; stages by pipeline order; amounts and dates by value.
  std::vector<std::pair<Value, std::string>> keyed;
  keyed.reserve(cache.ids.size());
  for (const auto& id : cache.ids) {
    const Item& it = *ws.item(id);
    Value key;
    if (!def) {
      key = Value(ws.display_name(it));
    } else if (def->type == FieldType::Stage) {
      const Pipeline* p = ws.schema().pipeline(it.entity, it.pipeline);
      key = Value(std::int64_t{p ? p->stage_index(it.get(def->id).str_or_empty()) : -1});
    } else if (def->type == FieldType::Money || def->type == FieldType::Date || def->type == FieldType::Integer ||
               def->type == FieldType::Number) {
      key = it.get(def->id);
    } else {
      key = Value(format_value(ws, *def, it.get(def->id), language()));
    }
    keyed.emplace_back(std::move(key), id);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&view](const auto& a, const auto& b) {
    auto c = compare(a.first, b.first);
    return view.sort_descending ? c > 0 : c < 0;
  });
  for (size_t i = 0; i < keyed.size(); ++i) cache.ids[i] = keyed[i].second;
}

}  // namespace

void draw_entity_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  static SortCache cache;
  const EntityType* et = ws.schema().entity(view.entity);
  if (!et) {
    view.entity = "deal";
    et = ws.schema().entity("deal");
  }
  const auto cols = columns_for(ws, env.user, view.entity);
  const float margin = px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  sort_ids(ws, env.user, view, cols, cache);

  const std::string title = et->plural.get(language());
  ImGui::PushFont(fonts().title);
  ImGui::TextUnformatted(title.c_str());
  ImGui::PopFont();
  sem_item("heading:list", "heading", title);
  ImGui::SameLine(0, px(16));
  ImGui::PushFont(fonts().small);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(8));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), tr("list.count"),
                     static_cast<int>(cache.ids.size()));
  ImGui::PopFont();
  // "Create" on the right.
  const Pipeline* dp = ws.schema().default_pipeline(view.entity);
  if (can_add(ws.schema(), env.user, view.entity, dp ? dp->id : "")) {
    const std::string create = std::string("+ ") + tr("list.create");
    ImGui::SameLine();
    ImGui::PushFont(fonts().medium);
    float bw = ImGui::CalcTextSize(create.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::PopFont();
    ImGui::SetCursorPosX(margin + width - bw);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - px(8));
    if (button(create, "action:create", true)) open_create_dialog(view.entity);
  }
  ImGui::Dummy(ImVec2(0, px(6)));

  ImGui::SetCursorPosX(margin);
  const float height = ImGui::GetContentRegionAvail().y - margin;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_PadOuterX;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  ImGui::PushID(view.entity.c_str());
  if (ImGui::BeginTable("items", static_cast<int>(cols.size()), flags, ImVec2(width, height))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const auto& c : cols) ImGui::TableSetupColumn(c.title.c_str(), ImGuiTableColumnFlags_None, c.weight);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, px(36));
    for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
      ImGui::TableSetColumnIndex(i);
      ImGui::PushFont(fonts().medium);
      ImGui::TableHeader(cols[static_cast<size_t>(i)].title.c_str());
      ImGui::PopFont();
      SemNode& n = sem_item("column:" + (cols[static_cast<size_t>(i)].field.empty() ? std::string("TITLE") : cols[static_cast<size_t>(i)].field),
                            "columnheader", cols[static_cast<size_t>(i)].title);
      n.selected = view.sort_column == i;
    }
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
      if (specs->SpecsCount > 0) {
        view.sort_column = specs->Specs[0].ColumnIndex;
        view.sort_descending = specs->Specs[0].SortDirection == ImGuiSortDirection_Descending;
      } else {
        view.sort_column = -1;
      }
      specs->SpecsDirty = false;
      sort_ids(ws, env.user, view, cols, cache);
    }

    const float row_h = px(44);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(cache.ids.size()), row_h);
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const Item& it = *ws.item(cache.ids[static_cast<size_t>(r)]);
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
        sem_item("row:" + it.id, "row", name);
        if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        const float text_dy = (row_h - ImGui::GetStyle().CellPadding.y * 2 - ImGui::GetTextLineHeight()) / 2;
        for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
          ImGui::TableSetColumnIndex(c);
          ImGui::SetCursorPosY(y0 + text_dy);
          const float cw = ImGui::GetContentRegionAvail().x;
          const Column& col = cols[static_cast<size_t>(c)];
          if (col.field.empty()) {
            ImGui::PushFont(fonts().medium);
            text_clipped(name.empty() ? std::string("—") : name, cw, color::kLink);
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
  if (cache.ids.empty()) {
    ImGui::SetCursorPos(ImVec2(margin + px(20), ImGui::GetCursorPosY() - height + px(60)));
    ImGui::TextDisabled("%s", tr("list.empty"));
  }
  draw_create_dialog(ws, env, view, out);
}

}  // namespace kt::ui
