#include "ui/timeline_view.hpp"

#include <imgui.h>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

std::string field_label(const Workspace& ws, const Item& item, const std::string& field) {
  const FieldDef* f = ws.schema().field(item.entity, field);
  return f ? f->label.get(language()) : field;
}

std::string value_text(const Workspace& ws, const Item& item, const std::string& field, const Value& v) {
  const FieldDef* f = ws.schema().field(item.entity, field);
  std::string s = f ? format_value(ws, *f, v, language()) : "";
  return s.empty() ? std::string("«") + tr("tl.empty") + "»" : s;
}

ImU32 dot_color(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::Created: return color::kSuccess;
    case TimelineKind::StageChanged: {
      if (const Pipeline* p = ws.schema().pipeline(item.entity, item.pipeline))
        if (const Stage* s = p->stage(e.new_value.str_or_empty())) return parse_color(s->color);
      return color::kAccent;
    }
    case TimelineKind::Overridden: return color::rgb(0xffa900);
    default: return color::kAccent;
  }
}

}  // namespace

std::string timeline_title(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  switch (e.kind) {
    case TimelineKind::Created: return item.entity == "deal" ? tr("tl.created.deal") : tr("tl.created");
    case TimelineKind::StageChanged: return tr("tl.stage_changed");
    case TimelineKind::Overridden:
      return std::string(tr("tl.overridden")) + ": «" + field_label(ws, item, e.field) + "»";
    case TimelineKind::FieldChanged:
      return std::string(tr("tl.field_changed")) + " «" + field_label(ws, item, e.field) + "»";
  }
  return {};
}

std::string timeline_detail(const Workspace& ws, const Item& item, const TimelineEntry& e) {
  if (e.kind == TimelineKind::Created) return {};
  return value_text(ws, item, e.field, e.old_value) + "  \xe2\x86\x92  " +
         value_text(ws, item, e.field, e.new_value);
}

std::vector<const TimelineEntry*> visible_timeline(const Workspace& ws, const Item& item, const std::string& user) {
  std::vector<const TimelineEntry*> out;
  for (const auto& e : ws.timeline(item.id)) {
    if (!e.field.empty()) {
      const FieldDef* f = ws.schema().field(item.entity, e.field);
      // Changes of a field the user may not see (or that was deleted) are not his to read.
      if (!f || !can_see_field(ws.schema(), user, *f)) continue;
    }
    out.push_back(&e);
  }
  return out;
}

void draw_timeline(const Workspace& ws, const Item& item, const UiEnv& env, float width) {
  const auto entries = visible_timeline(ws, item, env.user);
  heading(tr("card.timeline"), "heading:timeline");
  ImGui::Dummy(ImVec2(0, px(4)));
  if (entries.empty()) {
    ImGui::TextDisabled("%s", tr("tl.no_entries"));
    return;
  }
  const float line = ImGui::GetTextLineHeight();
  const float small_line = line * 13.0f / 15.0f;
  const float spacing = px(4);
  // Card: padding, meta line, title, detail, padding; then the gap to the next card.
  const float entry_h = px(12) + small_line + spacing + line + spacing + line + px(12) + px(10);
  const float card_w = width - px(34);
  ImDrawList* dl = ImGui::GetWindowDrawList();

  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(entries.size()), entry_h);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const TimelineEntry& e = *entries[entries.size() - 1 - static_cast<size_t>(row)];  // newest first
      ImVec2 p = ImGui::GetCursorScreenPos();
      // The rail and the dot.
      float cx = p.x + px(10);
      dl->AddLine(ImVec2(cx, p.y), ImVec2(cx, p.y + entry_h), color::rgb(0xd5dbe0), px(2));
      dl->AddCircleFilled(ImVec2(cx, p.y + px(22)), px(7), dot_color(ws, item, e));
      dl->AddCircle(ImVec2(cx, p.y + px(22)), px(7), color::kPanel, 0, px(2));
      // The entry card.
      ImVec2 c0(p.x + px(28), p.y + px(4));
      ImVec2 c1(c0.x + card_w, p.y + entry_h - px(6));
      ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(8), spacing));
      dl->AddRectFilled(c0, c1, color::kPanel, px(8));

      const User* author = ws.schema().user(e.author);
      std::string meta = format_timestamp(e.time_ms, env.tz_minutes, language()) + "  ·  " +
                         (author ? author->name : std::string(tr("tl.system")));
      std::string title = timeline_title(ws, item, e);
      std::string detail = timeline_detail(ws, item, e);

      ImGui::SetCursorScreenPos(ImVec2(c0.x + px(14), c0.y + px(12)));
      ImGui::BeginGroup();
      ImGui::PushFont(fonts().small);
      text_clipped(meta, card_w - px(28), color::kMuted);
      ImGui::PopFont();
      ImGui::PushFont(fonts().medium);
      text_clipped(title, card_w - px(28), color::kText);
      ImGui::PopFont();
      if (!detail.empty() && text_clipped(detail, card_w - px(28), color::kText) &&
          ImGui::IsItemHovered())
        ImGui::SetTooltip("%s", detail.c_str());
      ImGui::EndGroup();
      ImGui::PopStyleVar();
      SemNode& n = sem_rect("timeline:" + e.id, "article", title, c0, c1);
      n.value = detail;
      n.description = meta;
      ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + entry_h));
      ImGui::Dummy(ImVec2(width, 0));
    }
  }
  clipper.End();
}

}  // namespace kt::ui
