#include "ui/kanban.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "ui/create_dialog.hpp"
#include "ui/i18n.hpp"
#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/stage_move.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// The result grouped by stage, recomputed only when the query result changes.
struct Board {
  std::uint64_t generation = ~0ull;
  std::string pipeline;
  std::map<std::string, std::vector<std::string>> by_stage;
  std::map<std::string, std::map<std::string, std::int64_t>> sums;  // stage -> currency -> minor units
};

void group(const Workspace& ws, const std::vector<std::string>& ids, std::uint64_t generation, const std::string& pipeline,
           Board& b) {
  if (b.generation == generation && b.pipeline == pipeline) return;
  b = Board{};
  b.generation = generation;
  b.pipeline = pipeline;
  for (const auto& id : ids) {
    const Item* it = ws.item(id);
    if (!it) continue;
    const std::string stage = it->get("STAGE_ID").str_or_empty();
    b.by_stage[stage].push_back(id);
    const Value& amount = it->get("OPPORTUNITY_WITH_CURRENCY");
    if (amount.is_money()) b.sums[stage][amount.as_money().currency] += amount.as_money().minor;
  }
}

void draw_card(const Workspace& ws, const UiEnv& env, const Item& it, const Pipeline& p, float w, float h,
               ViewState& view, EditState& edit, UiOutput& out) {
  ImGui::PushID(it.id.c_str());
  ImVec2 a = ImGui::GetCursorScreenPos();
  ImVec2 b(a.x + w, a.y + h - px(8));
  bool clicked = ImGui::InvisibleButton("card", ImVec2(w, h - px(8)));
  bool hovered = ImGui::IsItemHovered();
  const std::string name = ws.display_name(it);
  if (can_act(ws.schema(), env.user, it, Action::Edit) && ImGui::BeginDragDropSource()) {
    // Picked up by a finger (a long press): a short buzz says so, as a phone's own apps do.
    // (The payload has no type yet in the drag's first frame.)
    const ImGuiPayload* held = ImGui::GetDragDropPayload();
    if ((!held || !held->IsDataType("kt-card")) && form_factor() != FormFactor::Desktop) out.haptic = true;
    ImGui::SetDragDropPayload("kt-card", it.id.c_str(), it.id.size() + 1);
    ImGui::TextUnformatted(name.c_str());
    ImGui::EndDragDropSource();
  }
  if (menu_begin("cardmenu", true)) {
    caption(tr("kanban.move_to"));
    for (const auto& st : p.stages) {
      if (st.id == it.get("STAGE_ID").str_or_empty()) continue;
      const std::string sn = st.name.get(language());
      if (ImGui::Selectable(sn.c_str())) request_move(ws, env.user, it, st.id, "", out);
      sem_item("kanban:move:" + it.id + ":" + st.id, "menuitem", sn);
    }
    menu_end();
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, color::kPanel, px(8));
  if (hovered) dl->AddRect(a, b, color::kAccent, px(8), 0, px(1.5f));
  ImGui::SetCursorScreenPos(ImVec2(a.x + px(12), a.y + px(10)));
  ImGui::BeginGroup();
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(px(6), px(3)));
  const float inner = w - px(24);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float badge = todo_badge(it.id, it.open_todos(), it.has_overdue_todo(env.now_ms), at.x + inner,
                                 at.y + ImGui::GetTextLineHeight() / 2);
  ImGui::PushFont(fonts().medium);
  text_clipped(name.empty() ? std::string("—") : name, inner - badge, color::kLink);
  ImGui::PopFont();
  std::string client;
  if (const FieldDef* f = ws.schema().field(it.entity, "CLIENT")) client = format_value(ws, *f, it.get("CLIENT"), language());
  ImGui::PushFont(fonts().small);
  text_clipped(client.empty() ? std::string(" ") : client, inner, color::kMuted);
  ImGui::PopFont();
  const Value& amount = it.get("OPPORTUNITY_WITH_CURRENCY");
  text_clipped(amount.is_money() ? format_money(amount.as_money(), language()) : std::string(" "), inner, color::kText);
  const User* u = ws.schema().user(it.get("ASSIGNED_BY_ID").str_or_empty());
  ImGui::PushFont(fonts().small);
  text_clipped(u ? u->name : std::string(" "), inner, color::kMuted);
  ImGui::PopFont();
  ImGui::PopStyleVar();
  ImGui::EndGroup();
  SemNode& n = sem_rect("kanban:card:" + it.id, "listitem", name, a, b);
  n.value = client;
  if (clicked) {
    view.screen = Screen::Card;
    view.item = it.id;
    view.tab = "main";
    edit.close();
    out.navigated = true;
  }
  ImGui::SetCursorScreenPos(ImVec2(a.x, a.y + h));
  ImGui::PopID();
}

// A phone's board shows one column at a time with the next one peeking; a swipe sideways settles on a
// column's left edge once the finger lifts (further on when the finger moved the board more than a sixth of a
// column, back otherwise), and a card dragged (after a long press) to the board's edge scrolls it there.
struct Snap {
  bool scrolling = false;  // a finger was scrolling on the last frame
  bool dragging = false;   // a card was being dragged on the last frame
  float start = 0;         // the board's scroll when the finger started
  float target = -1;       // where the board is settling, or -1
};

constexpr float kFlickSpeed = 0.3f;  // CSS px per ms: a sideways fling at least this fast is a flick

void settle(Snap& s, float pitch) {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  const float x = w->Scroll.x, max_x = w->ScrollMax.x;
  const bool finger = finger_scrolling();
  const ImGuiPayload* pl = ImGui::GetDragDropPayload();
  const bool dragging = pl && pl->IsDataType("kt-card");
  if (finger && !s.scrolling) s.start = x;
  if (finger || dragging) s.target = -1;
  // After a drag the board settles too, on touch screens (a desktop's mouse leaves it where it is).
  const bool dropped = !dragging && s.dragging && form_factor() != FormFactor::Desktop;
  if ((!finger && s.scrolling) || dropped) {
    const float moved = s.dragging ? 0 : x - s.start;
    // A flick sideways goes on to the next column its way, however short (the finger moving left, the
    // board's scroll grows); the board takes the fling, which would carry it past columns.
    const float flick = s.dragging ? 0 : fling_velocity().x;
    take_fling_x();
    float col = std::round(x / pitch);
    if (moved > pitch / 6 || flick < -kFlickSpeed) col = std::ceil(x / pitch);
    else if (moved < -pitch / 6 || flick > kFlickSpeed) col = std::floor(x / pitch);
    s.target = std::clamp(col * pitch, 0.0f, max_x);
  }
  s.scrolling = finger;
  s.dragging = dragging;
  if (dragging) {
    // Near an edge the board scrolls towards it, faster the nearer the finger.
    const float edge = px(40), mx = ImGui::GetIO().MousePos.x;
    const float left = w->InnerRect.Min.x, right = w->InnerRect.Max.x;
    float v = 0;
    if (mx < left + edge) v = -(left + edge - mx) / edge;
    else if (mx > right - edge) v = (mx - (right - edge)) / edge;
    if (v != 0) {
      ImGui::SetScrollX(std::clamp(x + v * px(14), 0.0f, max_x));
      request_animation();
    }
  } else if (s.target >= 0) {
    // A third of the way each frame, never slower than 4 pixels: ~8 frames for a column.
    const float d = s.target - x;
    const float next = std::abs(d) <= px(4) ? s.target : x + std::copysign(std::max(std::abs(d) / 3, px(4)), d);
    ImGui::SetScrollX(next);
    if (next == s.target) s.target = -1;
    request_animation();
  }
}

}  // namespace

void draw_kanban(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out,
                 const std::vector<std::string>& ids, std::uint64_t generation, float width, float height) {
  static Board board;
  const Pipeline* p = ws.schema().pipeline(view.entity, view.board_pipeline);
  if (!p) return;
  group(ws, ids, generation, p->id, board);
  // A phone's column fills the screen but for a strip of the next one; held sideways, two columns do.
  const float gap = px(12);
  const int shown = width - px(40) >= 2 * px(300) + gap ? 2 : 1;
  const float col_w = is_phone() ? std::max(px(220), (width - px(40) - gap * (shown - 1)) / shown) : px(272);
  const float card_h = px(112);
  const bool can_create = can_add(ws.schema(), env.user, view.entity, p->id);
  ImGui::BeginChild("board", ImVec2(width, height), false, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoBackground);
  static Snap snap;
  settle(snap, col_w + gap);
  for (size_t ci = 0; ci < p->stages.size(); ++ci) {
    const Stage& st = p->stages[ci];
    if (ci) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::PushID(st.id.c_str());
    const auto& items = board.by_stage[st.id];
    // Header: the stage's colour, name, count, sum, and "+".
    ImVec2 h0 = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(h0, ImVec2(h0.x + col_w, h0.y + px(4)), parse_color(st.color), px(2));
    ImGui::Dummy(ImVec2(col_w, px(8)));
    ImGui::PushFont(fonts().medium);
    const std::string name = st.name.get(language());
    // The "+" is a finger's square on a phone (icon_button): the name's line is as high, the name in its middle.
    const float plus_w = is_phone() ? touch_height(0) : px(28);
    text_clipped(name + "  (" + std::to_string(items.size()) + ")", col_w - plus_w - px(12), color::kText,
                 can_create ? touch_height(0) : 0);
    ImGui::PopFont();
    sem_item("kanban:column:" + st.id, "heading", name, std::to_string(items.size()));
    if (can_create) {
      ImGui::SameLine(col_w - plus_w);
      if (icon_button("+", std::string(tr("kanban.create_in")) + " " + name, "kanban:create:" + st.id))
        open_create_dialog(view.entity, p->id, st.id);
    }
    ImGui::PushFont(fonts().small);
    const std::string sum = format_money_sums(board.sums[st.id], language());
    text_clipped(sum, col_w, color::kMuted);
    sem_item("kanban:sum:" + st.id, "status", name + ": " + sum, sum);
    ImGui::PopFont();
    // The cards, virtualised; the whole column takes drops.
    const float list_h = height - (ImGui::GetCursorScreenPos().y - h0.y) - px(16);
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::ColorConvertU32ToFloat4(color::rgb(0xe4e9ec)));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildRounding, px(8));
    ImGui::BeginChild("cards", ImVec2(col_w, list_h), false);
    ImGui::SetCursorPos(ImVec2(px(8), px(8)));
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(items.size()), card_h);
    while (clipper.Step())
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        ImGui::SetCursorPosX(px(8));
        if (const Item* it = ws.item(items[static_cast<size_t>(r)]))
          draw_card(ws, env, *it, *p, col_w - px(16), card_h, view, edit, out);
      }
    clipper.End();
    if (items.empty()) {
      ImGui::SetCursorPos(ImVec2(px(12), px(12)));
      ImGui::TextDisabled("%s", tr("kanban.empty"));
    }
    ImGui::EndChild();
    ImVec2 c0 = ImGui::GetItemRectMin(), c1 = ImGui::GetItemRectMax();
    if (ImGui::BeginDragDropTargetCustom(ImRect(c0, c1), ImGui::GetID("drop"))) {
      if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("kt-card")) {
        if (const Item* it = ws.item(static_cast<const char*>(pl->Data)); it && it->get("STAGE_ID").str_or_empty() != st.id)
          request_move(ws, env.user, *it, st.id, "", out);
      }
      ImGui::EndDragDropTarget();
    }
    sem_rect("kanban:drop:" + st.id, "list", name, c0, c1);
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
    ImGui::PopID();
    ImGui::EndGroup();
  }
  ImGui::EndChild();
}

}  // namespace kt::ui
