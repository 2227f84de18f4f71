#include "ui/deal_list.hpp"

#include <imgui.h>

#include <algorithm>

#include "core/format.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct Column {
  const char* title_key;
  const char* field;
  float weight;
};

constexpr Column kColumns[] = {
    {"col.title", "TITLE", 3.0f},          {"col.stage", "STAGE_ID", 1.8f},
    {"col.amount", "OPPORTUNITY_WITH_CURRENCY", 1.4f}, {"col.client", "CLIENT", 2.2f},
    {"col.closedate", "CLOSEDATE", 1.3f},  {"col.responsible", "ASSIGNED_BY_ID", 1.6f},
};

// Sorted ids, rebuilt only when the data or the sort order changes (never per frame).
struct SortCache {
  std::uint64_t version = ~0ull;
  int column = -2;
  bool descending = false;
  Lang lang = Lang::Ru;
  std::vector<std::string> ids;
};

void sort_ids(const Workspace& ws, const ViewState& view, SortCache& cache) {
  if (cache.version == ws.version() && cache.column == view.sort_column &&
      cache.descending == view.sort_descending && cache.lang == language())
    return;
  cache.version = ws.version();
  cache.column = view.sort_column;
  cache.descending = view.sort_descending;
  cache.lang = language();
  cache.ids.clear();
  for (const auto& id : ws.item_ids("deal")) {
    const Item* it = ws.item(id);
    if (it && !it->deleted) cache.ids.push_back(id);
  }
  if (view.sort_column < 0) {
    std::reverse(cache.ids.begin(), cache.ids.end());  // newest first by default
    return;
  }
  const Column& col = kColumns[view.sort_column];
  const FieldDef* def = ws.schema().field("deal", col.field);
  // Sort by what a person reads for names (stages by pipeline order, lists and people by label); by the
  // raw value for amounts and dates.
  auto key_is_text = def && (def->type == FieldType::CrmBinding || def->type == FieldType::Employee ||
                             def->type == FieldType::List || def->type == FieldType::String);
  std::vector<std::pair<Value, std::string>> keyed;
  keyed.reserve(cache.ids.size());
  const Pipeline* p = ws.schema().default_pipeline("deal");
  for (const auto& id : cache.ids) {
    const Item& it = *ws.item(id);
    const Value& v = it.get(col.field);
    Value key;
    if (def && def->type == FieldType::Stage && p) key = Value(std::int64_t{p->stage_index(v.str_or_empty())});
    else if (key_is_text) key = Value(format_value(ws, *def, v, language()));
    else key = v;
    keyed.emplace_back(std::move(key), id);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&view](const auto& a, const auto& b) {
    auto c = compare(a.first, b.first);
    return view.sort_descending ? c > 0 : c < 0;
  });
  for (size_t i = 0; i < keyed.size(); ++i) cache.ids[i] = keyed[i].second;
}

}  // namespace

void draw_deal_list(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  static SortCache cache;
  const float margin = px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  sort_ids(ws, view, cache);

  ImGui::PushFont(fonts().title);
  ImGui::TextUnformatted(tr("list.title"));
  ImGui::PopFont();
  sem_item("heading:list", "heading", tr("list.title"));
  ImGui::SameLine(0, px(16));
  ImGui::PushFont(fonts().small);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(8));
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), tr("list.count"),
                     static_cast<int>(cache.ids.size()));
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, px(6)));

  ImGui::SetCursorPosX(margin);
  const float height = ImGui::GetContentRegionAvail().y - margin;
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Sortable |
                                ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_PadOuterX;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(color::kPanel));
  if (ImGui::BeginTable("deals", static_cast<int>(std::size(kColumns)), flags, ImVec2(width, height))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const auto& c : kColumns) ImGui::TableSetupColumn(tr(c.title_key), ImGuiTableColumnFlags_None, c.weight);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers, px(36));
    for (int i = 0; i < static_cast<int>(std::size(kColumns)); ++i) {
      ImGui::TableSetColumnIndex(i);
      ImGui::PushFont(fonts().medium);
      ImGui::TableHeader(tr(kColumns[i].title_key));
      ImGui::PopFont();
      SemNode& n = sem_item(std::string("column:") + kColumns[i].field, "columnheader", tr(kColumns[i].title_key));
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
      sort_ids(ws, view, cache);
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
        const std::string title = ws.display_name(it);
        float y0 = ImGui::GetCursorPosY();
        if (ImGui::Selectable("##row", false, ImGuiSelectableFlags_SpanAllColumns,
                              ImVec2(0, row_h - ImGui::GetStyle().CellPadding.y * 2))) {
          view.screen = Screen::Card;
          view.item = it.id;
          edit.close();
          out.navigated = true;
        }
        sem_item("row:" + it.id, "row", title);
        if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
        const float text_dy = (row_h - ImGui::GetStyle().CellPadding.y * 2 - ImGui::GetTextLineHeight()) / 2;
        for (int c = 0; c < static_cast<int>(std::size(kColumns)); ++c) {
          ImGui::TableSetColumnIndex(c);
          ImGui::SetCursorPosY(y0 + text_dy);
          const float cw = ImGui::GetContentRegionAvail().x;
          const FieldDef* def = ws.schema().field("deal", kColumns[c].field);
          if (!def) continue;
          const Value& v = it.get(def->id);
          if (def->type == FieldType::Stage) {
            const Pipeline* p = ws.schema().pipeline("deal", it.pipeline);
            const Stage* s = p ? p->stage(v.str_or_empty()) : nullptr;
            ImGui::SetCursorPosY(y0 + text_dy - px(3));
            if (s) chip(s->name.get(language()), parse_color(s->color), cw);
          } else if (c == 0) {
            ImGui::PushFont(fonts().medium);
            text_clipped(title, cw, color::kLink);
            ImGui::PopFont();
          } else {
            text_clipped(format_value(ws, *def, v, language()), cw, color::kText);
          }
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopStyleColor();
  if (cache.ids.empty()) {
    ImGui::SetCursorPosX(margin + px(20));
    ImGui::TextDisabled("%s", tr("list.empty"));
  }
}

}  // namespace kt::ui
