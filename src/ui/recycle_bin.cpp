#include "ui/recycle_bin.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

void draw_recycle_bin(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  const Schema& s = ws.schema();
  const float margin = is_phone() ? px(10) : px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  ImGui::PushFont(fonts().title);
  ImGui::TextUnformatted(tr("bin.title"));
  ImGui::PopFont();
  sem_item("heading:bin", "heading", tr("bin.title"));
  ImGui::SetCursorPosX(margin);
  muted_text(tr("bin.text"));
  ImGui::Dummy(ImVec2(0, px(6)));

  std::vector<const Item*> items;
  for (const auto& et : s.entities)
    for (const auto& id : ws.item_ids(et.id))
      if (const Item* it = ws.item(id); it && it->deleted && can_act(s, env.user, *it, Action::Read)) items.push_back(it);
  std::sort(items.begin(), items.end(), [](const Item* a, const Item* b) { return a->deleted_ms > b->deleted_ms; });

  ImGui::SetCursorPosX(margin);
  panel_begin("bin", width);
  const float inner = width - px(40);
  const std::int64_t now_ms = env.now_ms;
  auto kind = [&](const Item* it) {
    const EntityType* et = s.entity(it->entity);
    return et ? et->name.get(language()) : it->entity;
  };
  auto deleted = [&](const Item* it) {
    const User* by = s.user(it->deleted_by);
    return format_timestamp(it->deleted_ms, env.tz_minutes, language()) + "  ·  " + (by ? by->name : it->deleted_by);
  };
  auto days_left = [&](const Item* it) {
    char text[128];
    const long long days = std::max<long long>(0, kRecycleBinDays - (now_ms - it->deleted_ms) / 86400000);
    std::snprintf(text, sizeof text, tr("bin.days"), static_cast<int>(days));
    return std::string(text);
  };
  if (items.empty()) {
    ImGui::TextDisabled("%s", tr("bin.empty"));
    sem_item("bin:empty", "text", tr("bin.empty"));
  } else if (is_phone()) {
    // A phone: a block per item, what the columns say under its name, its actions on the right.
    for (const Item* it : items) {
      std::vector<RowAction> actions{{tr("bin.restore"), "bin:restore:" + it->id, color::kLink}};
      if (is_admin(s, env.user)) actions.push_back({tr("bin.purge"), "bin:purge:" + it->id, color::kError});
      const int tapped = phone_row("bin:item:" + it->id, ws.display_name(*it),
                                   kind(it) + " · " + deleted(it) + " · " + days_left(it), actions, inner);
      if (tapped == 0) out.commands.push_back(RestoreItem{it->id});
      if (tapped == 1) out.commands.push_back(PurgeItem{it->id});
    }
  } else if (ImGui::BeginTable("bin", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX,
                               ImVec2(inner, 0))) {
    std::vector<FittedColumn> cols;
    for (const char* k : {"col.title", "bin.kind", "bin.deleted", "bin.left"}) cols.push_back({tr(k), text_width(tr(k))});
    // Its links side by side, whole.
    cols.push_back({"", text_width(tr("bin.restore")) + (is_admin(s, env.user) ? px(14) + text_width(tr("bin.purge")) : 0.0f), true});
    // Measured on the first rows (the newest): the rest are alike, and a bin can hold thousands.
    for (size_t i = 0; i < std::min<size_t>(items.size(), 100); ++i) {
      const Item* it = items[i];
      cols[0].fit(text_width(ws.display_name(*it)));
      cols[1].fit(text_width(kind(it)));
      cols[2].fit(text_width(deleted(it)));
      cols[3].fit(text_width(days_left(it)));
    }
    table_columns_fitted(cols, inner);
    ImGui::TableHeadersRow();
    for (const Item* it : items) {
      ImGui::TableNextRow(ImGuiTableRowFlags_None, px(34));
      ImGui::PushID(it->id.c_str());
      ImGui::TableSetColumnIndex(0);
      const std::string name = ws.display_name(*it);
      table_cell_text(name, "bin:item:" + it->id, "cell");
      ImGui::TableSetColumnIndex(1);
      table_cell_text(kind(it), "bin:kind:" + it->id);
      ImGui::TableSetColumnIndex(2);
      table_cell_text(deleted(it), "bin:deleted:" + it->id);
      ImGui::TableSetColumnIndex(3);
      table_cell_text(days_left(it), "bin:left:" + it->id);
      ImGui::TableSetColumnIndex(4);
      if (link(tr("bin.restore"), "bin:restore:" + it->id, color::kLink)) out.commands.push_back(RestoreItem{it->id});
      if (is_admin(s, env.user)) {
        ImGui::SameLine(0, px(14));
        if (link(tr("bin.purge"), "bin:purge:" + it->id, color::kError)) out.commands.push_back(PurgeItem{it->id});
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  panel_end();
  (void)view;
}

}  // namespace kt::ui
