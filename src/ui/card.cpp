#include "ui/card.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include "core/format.hpp"
#include "core/layouts.hpp"
#include "ui/field_editors.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/timeline_view.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// The stage bar: one segment per stage of the item's pipeline. Stages up to the current one take the
// current stage's colour; success and failure stages keep their own colours so that they stand apart.
void draw_stage_bar(const Workspace& ws, const Item& item, float width, UiOutput& out) {
  const Pipeline* p = ws.schema().pipeline(item.entity, item.pipeline);
  if (!p || p->stages.empty()) return;
  const std::string current = item.get("STAGE_ID").str_or_empty();
  const int cur = p->stage_index(current);
  const Stage* cur_stage = cur >= 0 ? &p->stages[static_cast<size_t>(cur)] : nullptr;
  const float gap = px(3);
  const float h = px(34);
  const size_t n = p->stages.size();
  const float seg_w = (width - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::PushFont(fonts().small);
  ImVec2 origin = ImGui::GetCursorScreenPos();
  for (size_t i = 0; i < n; ++i) {
    const Stage& s = p->stages[i];
    ImVec2 a(origin.x + static_cast<float>(i) * (seg_w + gap), origin.y);
    ImVec2 b(a.x + seg_w, a.y + h);
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(s.id.c_str());
    bool clicked = ImGui::InvisibleButton("stage", ImVec2(seg_w, h));
    bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    const bool reached = cur >= 0 && (static_cast<int>(i) <= cur) &&
                         (s.semantics == StageSemantics::Process || static_cast<int>(i) == cur);
    ImU32 fill;
    if (reached) fill = parse_color(cur_stage->color);
    else if (hovered) fill = parse_color(s.color, 150);
    else fill = color::rgb(0xe6eaed);
    float r = px(4);
    dl->AddRectFilled(a, b, fill, r);
    if (!reached && s.semantics != StageSemantics::Process)
      dl->AddRectFilled(ImVec2(a.x, b.y - px(4)), b, parse_color(s.color), r, ImDrawFlags_RoundCornersBottom);
    ImU32 tc = reached ? text_on(fill) : color::kMuted;
    const std::string name = s.name.get(language());
    ImVec2 ts = ImGui::CalcTextSize(name.c_str());
    float ty = a.y + (h - ts.y) / 2;
    float tx = a.x + std::max(px(6), (seg_w - ts.x) / 2);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(tc));
    ImGui::RenderTextEllipsis(dl, ImVec2(tx, ty), ImVec2(b.x - px(6), b.y), b.x - px(6), b.x - px(6),
                              name.c_str(), nullptr, &ts);
    ImGui::PopStyleColor();
    if (hovered) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      if (ts.x > seg_w - px(12)) ImGui::SetTooltip("%s", name.c_str());
    }
    SemNode& node = sem_rect("stage:" + s.id, "radio", name, a, b);
    node.checked = static_cast<int>(i) == cur ? 1 : 0;
    if (clicked && s.id != current) out.commands.push_back(SetField{item.id, "STAGE_ID", Value(s.id), {}});
  }
  ImGui::PopFont();
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + h));
  ImGui::Dummy(ImVec2(width, px(2)));
}

void draw_header(const Workspace& ws, const Item& item, const UiEnv& env, ViewState& view, EditState& edit,
                 UiOutput& out, float width) {
  const EntityType* et = ws.schema().entity(item.entity);
  panel_begin("header", width);
  const float inner = width - px(40);

  // Back link and the entity kind.
  const float row_x0 = ImGui::GetCursorScreenPos().x;
  std::string back = std::string("\xe2\x86\x90 ") + tr("card.back");
  if (link(back, "nav:back", color::kLink)) {
    view.screen = Screen::DealList;
    view.item.clear();
    edit.close();
    out.navigated = true;
  }
  ImGui::SameLine(0, px(16));
  ImGui::PushFont(fonts().small);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), "%s",
                     et ? et->name.get(language()).c_str() : item.entity.c_str());
  ImGui::PopFont();

  // Undo / redo on the right.
  const std::string undo_label = std::string("\xe2\x86\xba ") + tr("card.undo");
  const std::string redo_label = std::string("\xe2\x86\xbb ") + tr("card.redo");
  ImGui::PushFont(fonts().medium);
  float bw = ImGui::CalcTextSize(undo_label.c_str()).x + ImGui::CalcTextSize(redo_label.c_str()).x +
             ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x;
  ImGui::PopFont();
  ImGui::SameLine();
  ImGui::SetCursorScreenPos(ImVec2(row_x0 + inner - bw, ImGui::GetCursorScreenPos().y));
  if (button(undo_label, "action:undo", false, env.can_undo)) out.undo = true;
  ImGui::SameLine();
  if (button(redo_label, "action:redo", false, env.can_redo)) out.redo = true;

  // The title, edited in place like any field.
  const std::string title_field = et ? et->title_field : "TITLE";
  const FieldDef* tdef = ws.schema().field(item.entity, title_field);
  if (tdef && edit.is(item.id, tdef->id, "card:title")) {
    ImGui::PushFont(fonts().title);
    FieldContext ctx{ws, item, *tdef, tdef->label.get(language()), edit, out, inner, "card:title"};
    draw_field(ctx);
    ImGui::PopFont();
  } else {
    ImGui::PushFont(fonts().title);
    std::string name = ws.display_name(item);
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::CalcTextSize(name.c_str());
    bool clicked = ImGui::InvisibleButton("title", ImVec2(std::min(inner, size.x + px(28)), size.y + px(6)));
    if (ImGui::IsItemHovered()) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x - px(6), pos.y),
                                                ImVec2(pos.x + size.x + px(28), pos.y + size.y + px(6)),
                                                color::kHover, px(4));
    }
    ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x, pos.y + px(3)), color::kText, name.c_str());
    ImGui::PopFont();
    if (ImGui::IsItemHovered())
      ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + size.x + px(8), pos.y + px(8)), color::kMuted,
                                          "\xe2\x9c\x8e");
    SemNode& n = sem_item("card:title", "heading", name);
    n.value = name;
    if (clicked && tdef) begin_edit(edit, ws, item, *tdef, "card:title");
  }
  ImGui::Dummy(ImVec2(0, px(4)));
  draw_stage_bar(ws, item, inner, out);
  panel_end();
}

}  // namespace

void draw_card(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  const Item* item = ws.item(view.item);
  const float margin = px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  if (!item || item->deleted) {
    panel_begin("missing", width);
    ImGui::TextUnformatted(tr("card.not_found"));
    if (link(tr("card.back"), "nav:back", color::kLink)) {
      view.screen = Screen::DealList;
      view.item.clear();
      out.navigated = true;
    }
    panel_end();
    return;
  }
  draw_header(ws, *item, env, view, edit, out, width);
  ImGui::Dummy(ImVec2(0, px(12)));

  // Two columns, each scrolling on its own.
  const float gap = px(20);
  const float left_w = std::max(px(360), (width - gap) * 0.52f);
  const float right_w = width - gap - left_w;
  const float body_h = ImGui::GetContentRegionAvail().y - margin;
  ImGui::SetCursorPosX(margin);
  ImGui::BeginChild("fields", ImVec2(left_w, body_h), false, ImGuiWindowFlags_NoBackground);
  const Layout* layout = resolve_layout(ws.schema(), env.user, layout_family(ws.schema(), *item)).layout;
  if (layout) {
    for (const auto& section : layout->sections) {
      panel_begin(section.id.c_str(), left_w - px(14));
      heading(section.title.get(language()), "section:" + section.id);
      ImGui::Dummy(ImVec2(0, px(2)));
      for (const auto& el : section.elements) {
        const FieldDef* def = ws.schema().field(item->entity, el.field);
        if (!def) continue;  // a layout may name a field that no longer exists: ignore it (L-12)
        FieldContext ctx{ws, *item, *def, el.title.empty() ? def->label.get(language()) : el.title, edit, out,
                         left_w - px(54)};
        draw_field(ctx);
        ImGui::Dummy(ImVec2(0, px(2)));
      }
      panel_end();
      ImGui::Dummy(ImVec2(0, px(12)));
    }
  }
  ImGui::EndChild();
  ImGui::SameLine(0, gap);
  ImGui::BeginChild("timeline", ImVec2(right_w, body_h), false, ImGuiWindowFlags_NoBackground);
  draw_timeline(ws, *item, env, right_w - px(14));
  ImGui::EndChild();
}

}  // namespace kt::ui
