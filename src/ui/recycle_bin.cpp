#include "ui/recycle_bin.hpp"

#include <imgui.h>

#include <algorithm>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

void draw_recycle_bin(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out) {
  const Schema& s = ws.schema();
  const float margin = px(20);
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
  if (items.empty()) {
    ImGui::TextDisabled("%s", tr("bin.empty"));
    sem_item("bin:empty", "text", tr("bin.empty"));
  } else if (ImGui::BeginTable("bin", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX,
                               ImVec2(inner, 0))) {
    for (const char* k : {"col.title", "bin.kind", "bin.deleted", "bin.left", ""}) ImGui::TableSetupColumn(*k ? tr(k) : "");
    ImGui::TableHeadersRow();
    const std::int64_t now_ms = env.now_ms;
    for (const Item* it : items) {
      ImGui::TableNextRow(ImGuiTableRowFlags_None, px(34));
      ImGui::PushID(it->id.c_str());
      ImGui::TableSetColumnIndex(0);
      const std::string name = ws.display_name(*it);
      ImGui::TextUnformatted(name.c_str());
      sem_item("bin:item:" + it->id, "cell", name);
      ImGui::TableSetColumnIndex(1);
      const EntityType* et = s.entity(it->entity);
      ImGui::TextUnformatted(et ? et->name.get(language()).c_str() : it->entity.c_str());
      ImGui::TableSetColumnIndex(2);
      const User* by = s.user(it->deleted_by);
      ImGui::TextUnformatted((format_timestamp(it->deleted_ms, env.tz_minutes, language()) + "  ·  " +
                              (by ? by->name : it->deleted_by)).c_str());
      ImGui::TableSetColumnIndex(3);
      const long long days_left = std::max<long long>(0, kRecycleBinDays - (now_ms - it->deleted_ms) / 86400000);
      ImGui::Text(tr("bin.days"), static_cast<int>(days_left));
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
