#include "ui/card.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/format.hpp"
#include "core/rights.hpp"
#include "ui/card_internal.hpp"
#include "ui/field_editors.hpp"
#include "ui/focus.hpp"
#include "ui/i18n.hpp"
#include "ui/phases.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/timeline_view.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

CardUi& card_ui() {
  static CardUi ui;
  return ui;
}

const Layout& current_layout(const CardContext& c) { return *c.resolved.layout; }

bool put_layout(CardContext& c, const Layout& after, const std::string& section_for_error) {
  CardUi& ui = card_ui();
  if (c.target_scope.empty()) return false;
  auto [entity, pipeline] = family_owner(c.ws.schema(), c.family);
  const Layout* before = effective_layout(c.ws.schema(), c.family, c.target_scope);
  Status s = check_layout(after);
  if (s && before) s = check_layout_change(c.ws.schema(), entity, pipeline, *before, after);
  if (!s) {
    ui.layout_error = error_text(s.code);
    ui.layout_error_section = section_for_error;
    return false;
  }
  ui.layout_error.clear();
  c.out.commands.push_back(PutLayout{c.family, c.target_scope, after, false});
  if (c.target_scope != c.resolved.scope) c.out.commands.push_back(SelectScope{c.env.user, c.family, c.target_scope});
  return true;
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Header and stage bar
// ---------------------------------------------------------------------------------------------------------

// One segment per stage of the item's pipeline. Stages up to the current one take the current stage's
// colour; success and failure stages keep their own colours so that they stand apart.
void draw_stage_bar(CardContext& c, float width) {
  const Item& item = c.item;
  const Pipeline* p = c.ws.schema().pipeline(item.entity, item.pipeline);
  if (!p || p->stages.empty()) return;
  const std::string current = item.get("STAGE_ID").str_or_empty();
  const int cur = p->stage_index(current);
  const Stage* cur_stage = cur >= 0 ? &p->stages[static_cast<size_t>(cur)] : nullptr;
  const float gap = px(3);
  const float h = touch_height(px(34));
  const size_t n = p->stages.size();
  const float even_w = (width - gap * static_cast<float>(n - 1)) / static_cast<float>(n);
  ImGui::PushFont(fonts().small);
  // Every stage shares the width evenly while their names fit (cut names at most by a little); when they do
  // not (a phone, a long pipeline), each stage takes its name's width and the bar scrolls sideways, the
  // current stage brought into view when the card opens or the stage changes.
  std::vector<float> seg(n, even_w);
  float widest = 0, total = 0;
  for (size_t i = 0; i < n; ++i) {
    const float tw = ImGui::CalcTextSize(p->stages[i].name.get(language()).c_str()).x + px(24);
    widest = std::max(widest, tw);
    seg[i] = std::clamp(tw, px(84), px(220));
    total += seg[i] + (i ? gap : 0);
  }
  const bool scrolls = even_w < std::min(widest, px(110)) && total > width;
  if (!scrolls) std::fill(seg.begin(), seg.end(), even_w);
  const ImVec2 bar_pos = ImGui::GetCursorScreenPos();
  if (scrolls) {
    ImGui::BeginChild("stagebar", ImVec2(width, h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
    static std::string shown;  // the item and stage last brought into view
    const std::string key = item.id + "/" + current;
    if (shown != key && cur >= 0) {
      shown = key;
      float left = 0;
      for (int i = 0; i < cur; ++i) left += seg[static_cast<size_t>(i)] + gap;
      ImGui::SetScrollX(std::max(0.0f, left - (width - seg[static_cast<size_t>(cur)]) / 2));
    }
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float seg_x = origin.x;
  for (size_t i = 0; i < n; ++i) {
    const Stage& s = p->stages[i];
    const float seg_w = seg[i];
    ImVec2 a(seg_x, origin.y);
    ImVec2 b(a.x + seg_w, a.y + h);
    seg_x = b.x + gap;
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(s.id.c_str());
    bool clicked = ImGui::InvisibleButton("stage", ImVec2(seg_w, h));
    bool hovered = ImGui::IsItemHovered() && c.can_edit_item;
    ImGui::PopID();
    const bool reached = cur >= 0 && static_cast<int>(i) <= cur &&
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
    ImGui::RenderTextEllipsis(dl, ImVec2(tx, ty), ImVec2(b.x - px(6), b.y), b.x - px(6), b.x - px(6), name.c_str(),
                              nullptr, &ts);
    ImGui::PopStyleColor();
    if (hovered) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      if (ts.x > seg_w - px(12)) ImGui::SetTooltip("%s", name.c_str());
    }
    // A scrolled bar shows a part of its stages: the node covers what is on screen, none when it is all off.
    const ImVec2 cmin = scrolls ? dl->GetClipRectMin() : a, cmax = scrolls ? dl->GetClipRectMax() : b;
    const ImVec2 na(std::max(a.x, cmin.x), a.y), nb(std::min(b.x, cmax.x), b.y);
    SemNode& node = nb.x - na.x >= px(8) ? sem_rect("stage:" + s.id, "radio", name, na, nb) : sem_discard();
    node.cut = node.cut || na.x > a.x || nb.x < b.x;
    node.checked = static_cast<int>(i) == cur ? 1 : 0;
    node.disabled = !c.can_edit_item;
    if (clicked && c.can_edit_item && s.id != current) request_stage(c, s.id);
  }
  ImGui::PopFont();
  if (scrolls) {
    ImGui::SetCursorScreenPos(ImVec2(seg_x - gap, origin.y));
    ImGui::Dummy(ImVec2(0, h));
    ImGui::EndChild();
  }
  ImGui::SetCursorScreenPos(ImVec2(bar_pos.x, bar_pos.y + h));
  ImGui::Dummy(ImVec2(width, px(2)));
}

void draw_header(CardContext& c, float width) {
  const Workspace& ws = c.ws;
  const Item& item = c.item;
  const EntityType* et = ws.schema().entity(item.entity);
  panel_begin("header", width);
  const float inner = width - px(40);

  const float row_x0 = ImGui::GetCursorScreenPos().x;
  std::string back = std::string("\xe2\x86\x90 ") + (et ? et->plural.get(language()) : tr("card.back"));
  if (link(back, "nav:back", color::kLink)) {
    c.view.screen = Screen::List;
    c.view.entity = item.entity;
    c.view.item.clear();
    c.edit.close();
    c.out.navigated = true;
  }
  const float back_right = ImGui::GetItemRectMax().x;
  const float back_y = ImGui::GetItemRectMin().y;
  const float back_mid_y = (back_y + ImGui::GetItemRectMax().y) * 0.5f;

  // Undo, redo and the "more" menu on the right of the row; on a phone the symbols alone (their accessible
  // names stay the words).
  const bool phone = is_phone();
  const std::string undo_label = phone ? "\xe2\x86\xba" : std::string("\xe2\x86\xba ") + tr("card.undo");
  const std::string redo_label = phone ? "\xe2\x86\xbb" : std::string("\xe2\x86\xbb ") + tr("card.redo");
  const ImGuiStyle& st = ImGui::GetStyle();
  // A phone has symbol buttons, the desktop labelled ones.
  auto bwidth = [&](const std::string& label) { return phone ? symbol_button_width(label.c_str()) : button_width(label); };
  const float menu_w = bwidth("\xe2\x80\xa6") + st.ItemSpacing.x;
  float bw = bwidth(undo_label) + bwidth(redo_label) + st.ItemSpacing.x + menu_w;
  // "Create on the basis of" leads the row on a wide card (a phone has it in its action bar).
  const std::string convert = phone ? std::string() : convert_label(c);
  if (!convert.empty()) bw += button_width(convert) + st.ItemSpacing.x;
  const float buttons_x = row_x0 + inner - bw;

  // The kind and pipeline between them, when there is room.
  // A lead with a client is a repeat lead (G-8): the header says so, as its layout differs.
  std::string kind = c.family == "lead:repeat" ? tr("card.repeat_lead") : et ? et->name.get(language()) : item.entity;
  // Its number, as the address names it ("Сделка № 12": what a person reads out or searches for).
  if (item.number) kind += std::string(" ") + tr("card.number") + std::to_string(item.number);
  if (const Pipeline* p = ws.schema().pipeline(item.entity, item.pipeline); p && et && et->has_pipelines)
    kind += "  \xc2\xb7  " + p->name.get(language());
  ImGui::PushFont(fonts().small);
  if (back_right + px(16) + ImGui::CalcTextSize(kind.c_str()).x <= buttons_x - px(8)) {
    ImGui::SameLine(0, px(16));
    // Centred on the link's line: a touch-sized link is taller than its text.
    ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, back_mid_y - ImGui::GetTextLineHeight() * 0.5f));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(color::kMuted), "%s", kind.c_str());
    sem_item("card:kind", "text", kind);
  }
  ImGui::PopFont();

  ImGui::SameLine();
  ImGui::SetCursorScreenPos(ImVec2(buttons_x, back_y));
  if (!convert.empty() && convert_button(c)) ImGui::SameLine();
  // Who may not edit this item has nothing here to undo (the steps on the stack were someone else's).
  const bool can_undo = c.env.can_undo && c.can_edit_item, can_redo = c.env.can_redo && c.can_edit_item;
  if (phone) {
    if (symbol_button(undo_label.c_str(), tr("card.undo"), "action:undo", can_undo)) c.out.undo = true;
    ImGui::SameLine();
    if (symbol_button(redo_label.c_str(), tr("card.redo"), "action:redo", can_redo)) c.out.redo = true;
  } else {
    if (button(undo_label, "action:undo", false, can_undo)) c.out.undo = true;
    ImGui::SameLine();
    if (button(redo_label, "action:redo", false, can_redo)) c.out.redo = true;
  }
  ImGui::SameLine();
  // The "more" menu: another pipeline, the recycle bin (and, on a phone, configuring the tabs).
  if (finger_sized() ? symbol_button("\xe2\x80\xa6", tr("card.more"), "action:more") : button("\xe2\x80\xa6", "action:more"))
    ImGui::OpenPopup("cardmore");
  if (menu_begin("cardmore")) {
    if (phone && !c.target_scope.empty()) {
      CardUi& ui = card_ui();
      const char* label = ui.configure_tabs ? tr("tab.done") : tr("tab.configure");
      if (ImGui::Selectable(label)) ui.configure_tabs = !ui.configure_tabs;
      sem_item("tabs:configure", "menuitem", label);
    }
    const bool pipelines = et && et->has_pipelines && ws.schema().pipelines_of(item.entity).size() > 1;
    if (pipelines && c.can_edit_item && submenu_begin(tr("card.change_pipeline"))) {
      for (const Pipeline* p : ws.schema().pipelines_of(item.entity)) {
        if (p->id == item.pipeline) continue;
        const std::string name = p->name.get(language());
        if (ImGui::MenuItem(name.c_str())) request_pipeline(c, p->id);
        sem_item("menu:pipeline:" + p->id, "menuitem", name);
      }
      ImGui::EndMenu();
    }
    if (pipelines && c.can_edit_item) sem_item("menu:change_pipeline", "menuitem", tr("card.change_pipeline"));
    // The card's address, to send a colleague: a phone's share sheet, the clipboard elsewhere.
    const char* share = tr(phone ? "card.share_link" : "card.copy_link");
    if (ImGui::Selectable(share)) {
      ViewState at;
      at.screen = Screen::Card;
      at.entity = item.entity;
      at.item = item.id;
      c.out.share_link = UiOutput::ShareLink{route_of(at, &ws), ws.display_name(item), phone};
    }
    sem_item("menu:share_link", "menuitem", share);
    if (can_act(ws.schema(), c.env.user, item, Action::Remove)) {
      if (ImGui::Selectable(tr("card.delete")))
        confirm("deleteitem", tr("card.delete"), tr("card.delete_q"), {DeleteItem{item.id}});
      sem_item("menu:delete", "menuitem", tr("card.delete"));
    }
    menu_end();
  }

  // The title, edited in place like any field.
  const std::string title_field = et ? et->title_field : "TITLE";
  const FieldDef* tdef = ws.schema().field(item.entity, title_field);
  if (tdef && c.edit.is(item.id, tdef->id, "card:title")) {
    ImGui::PushFont(fonts().title);
    FieldContext ctx{ws, item, *tdef, tdef->label.get(language()), c.edit, c.out, inner, "card:title", &c.env.user};
    draw_field(ctx);
    ImGui::PopFont();
  } else {
    ImGui::PushFont(fonts().title);
    std::string name = ws.display_name(item);
    if (name.empty()) name = tr("card.untitled");
    // A long title wraps inside the header, leaving room for the pencil.
    const float wrap = std::max(px(80), inner - px(28));
    ImVec2 pos = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::CalcTextSize(name.c_str(), nullptr, false, wrap);
    bool clicked = ImGui::InvisibleButton("title", ImVec2(std::min(inner, size.x + px(28)), size.y + px(6)));
    const bool editable = tdef && c.can_edit_item;
    if (ImGui::IsItemHovered() && editable) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(pos.x - px(6), pos.y),
                                                ImVec2(pos.x + size.x + px(28), pos.y + size.y + px(6)),
                                                color::kHover, px(4));
    }
    ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(pos.x, pos.y + px(3)),
                                        color::kText, name.c_str(), nullptr, wrap);
    ImGui::PopFont();
    if (ImGui::IsItemHovered() && editable)
      ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + size.x + px(8), pos.y + px(8)), color::kMuted, "\xe2\x9c\x8e");
    SemNode& n = sem_item("card:title", "heading", name);
    n.value = name;
    if (clicked && editable) begin_edit(c.edit, ws, item, *tdef, "card:title");
  }
  if (et && et->has_stages) {
    ImGui::Dummy(ImVec2(0, px(4)));
    draw_stage_bar(c, inner);
  }
  panel_end();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Tabs
// ---------------------------------------------------------------------------------------------------------

const char* tab_label(const std::string& id) {
  if (id == "main") return tr("tab.main");
  if (id == "links") return tr("tab.links");
  if (id == "products") return tr("tab.products");
  if (id == "history") return tr("tab.history");
  return id.c_str();
}

// The tab row. In "configure menu" mode hidden tabs show greyed with a toggle, and arrows move them.
void draw_tabs(CardContext& c, float width) {
  CardUi& ui = card_ui();
  const Layout& layout = current_layout(c);
  std::vector<TabState> tabs = tabs_of(layout, c.item.entity);
  // The open tab must be visible; fall back to the first visible one.
  bool open_visible = false;
  for (const auto& t : tabs) open_visible = open_visible || (t.id == c.view.tab && !t.hidden);
  if (!open_visible && !ui.configure_tabs)
    for (const auto& t : tabs)
      if (!t.hidden) {
        c.view.tab = t.id;
        break;
      }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 start = ImGui::GetCursorScreenPos();
  const float h = touch_height(px(38));
  // While a phone arranges its tabs they are a list, one under another, each with its tools on the right
  // (in a row they ran off the screen over each other); ↑ ↓ move them there.
  const bool rows = ui.configure_tabs && is_phone();
  const float tools_w = 3 * touch_height(0) + 2 * px(2);
  float x = start.x, y = start.y;
  std::optional<Layout> changed;
  ImGui::PushFont(fonts().medium);
  for (size_t i = 0; i < tabs.size(); ++i) {
    const TabState& t = tabs[i];
    if (t.hidden && !ui.configure_tabs) continue;
    const std::string label = tab_label(t.id);
    const float tab_pad = is_phone() ? px(10) : px(16);
    const float tw = rows ? width - tools_w - px(8) : ImGui::CalcTextSize(label.c_str()).x + tab_pad * 2;
    const float extra = rows ? tools_w + px(8) : ui.configure_tabs ? px(84) : 0;
    ImVec2 a(x, y), b(x + tw + extra, y + h);
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(t.id.c_str());
    bool clicked = ImGui::InvisibleButton("tab", ImVec2(tw, h));
    bool hovered = ImGui::IsItemHovered();
    // Drag a tab onto another one to move it there.
    if (ui.configure_tabs && ImGui::BeginDragDropSource(ImGuiDragDropFlags_SourceAllowNullID)) {
      ImGui::SetDragDropPayload("kt-tab", t.id.c_str(), t.id.size() + 1);
      ImGui::TextUnformatted(label.c_str());
      ImGui::EndDragDropSource();
    }
    if (ui.configure_tabs && ImGui::BeginDragDropTarget()) {
      if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("kt-tab")) {
        std::string moving(static_cast<const char*>(pl->Data));
        auto from = std::find_if(tabs.begin(), tabs.end(), [&](const TabState& x) { return x.id == moving; });
        if (from != tabs.end() && from->id != t.id) {
          TabState m = *from;
          tabs.erase(from);
          auto to = std::find_if(tabs.begin(), tabs.end(), [&](const TabState& x) { return x.id == t.id; });
          tabs.insert(to, m);
          changed = layout;
          changed->tabs = tabs;
        }
      }
      ImGui::EndDragDropTarget();
    }
    const bool active = c.view.tab == t.id;
    if (active) dl->AddRectFilled(ImVec2(a.x, b.y - px(3)), ImVec2(a.x + tw, b.y), color::kAccent);
    if (hovered) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    dl->AddText(ImVec2(a.x + tab_pad, a.y + (h - ImGui::GetTextLineHeight()) / 2),
                t.hidden ? color::rgb(0xb0b6bc) : (active ? color::kText : color::kMuted), label.c_str());
    SemNode& n = sem_rect("tab:" + t.id, "tab", label, a, ImVec2(a.x + tw, b.y));
    n.selected = active;
    n.disabled = t.hidden;
    if (clicked && !t.hidden && c.view.tab != t.id) {
      c.view.tab = t.id;
      c.edit.close();
    }
    if (ui.configure_tabs) {
      ImGui::SetCursorScreenPos(rows ? ImVec2(a.x + tw + px(8), a.y) : ImVec2(a.x + tw, a.y + px(6)));
      ImGui::PushFont(fonts().regular);
      if (icon_button(t.hidden ? "\xe2\x97\x8b" : "\xe2\x97\x8f", std::string(t.hidden ? tr("tab.show") : tr("tab.hide")) + ": " + label,
                      "tabvis:" + t.id)) {
        if (t.id == "main" && !t.hidden) {
          toast(tr("tab.main_stays"), true);
        } else {
          changed = layout;
          tabs[i].hidden = !tabs[i].hidden;
          changed->tabs = tabs;
        }
      }
      ImGui::SameLine(0, px(2));
      if (icon_button(rows ? "\xe2\x86\x91" : "\xe2\x86\x90", std::string(tr(rows ? "layout.up" : "tab.left")) + ": " + label,
                      "tableft:" + t.id, i > 0)) {
        std::swap(tabs[i], tabs[i - 1]);
        changed = layout;
        changed->tabs = tabs;
      }
      ImGui::SameLine(0, px(2));
      if (icon_button(rows ? "\xe2\x86\x93" : "\xe2\x86\x92", std::string(tr(rows ? "layout.down" : "tab.right")) + ": " + label,
                      "tabright:" + t.id, i + 1 < tabs.size())) {
        std::swap(tabs[i], tabs[i + 1]);
        changed = layout;
        changed->tabs = tabs;
      }
      ImGui::PopFont();
    }
    ImGui::PopID();
    if (rows) y = b.y + px(4);
    else x = b.x + px(4);
  }
  ImGui::PopFont();
  const float bottom = rows ? y - px(4) : start.y + h;
  // "Configure menu" on the right, for those who may change this view (on a phone, in the card's "more" menu).
  if (!c.target_scope.empty() && !is_phone()) {
    const std::string label = ui.configure_tabs ? tr("tab.done") : tr("tab.configure");
    ImGui::PushFont(fonts().small);
    float lw = ImGui::CalcTextSize(label.c_str()).x;
    ImGui::SetCursorScreenPos(ImVec2(start.x + width - lw - px(4), start.y + (h - ImGui::GetTextLineHeight()) / 2));
    if (link(label, "tabs:configure", color::kLink)) ui.configure_tabs = !ui.configure_tabs;
    ImGui::PopFont();
  }
  float end = bottom;
  if (rows) {
    // Done under the list, where the thumb is (the menu that started it is at the card's top).
    ImGui::SetCursorScreenPos(ImVec2(start.x, bottom + px(8)));
    if (button(tr("tab.done"), "tabs:done", true)) ui.configure_tabs = false;
    end = ImGui::GetItemRectMax().y + px(8);
  }
  dl->AddLine(ImVec2(start.x, end), ImVec2(start.x + width, end), color::kBorder);
  ImGui::SetCursorScreenPos(ImVec2(start.x, end + px(12)));
  if (changed) put_layout(c, *changed);
}

// The "Links" tab: what this item points at, and what points at it.
// A linked item: its name as a link that opens it, then its stage (a chip) and its amount, those the viewer
// may see, so that the tab answers "where does it stand" without opening each.
void link_line(CardContext& c, const Item& target) {
  const Workspace& ws = c.ws;
  const Schema& s = ws.schema();
  if (link(ws.display_name(target), "link:" + target.id, color::kLink)) {
    c.view.item = target.id;
    c.view.tab = "main";
    c.edit.close();
    c.out.navigated = true;
  }
  if (!can_act(s, c.env.user, target, Action::Read)) return;
  std::string said;
  const FieldDef* stage = s.field(target.entity, "STAGE_ID");
  if (stage && can_see_field(s, c.env.user, *stage)) {
    const Pipeline* p = s.pipeline(target.entity, target.pipeline);
    if (const Stage* st = p ? p->stage(target.get("STAGE_ID").str_or_empty()) : nullptr) {
      ImGui::SameLine(0, px(12));
      ImGui::PushFont(fonts().small);
      chip(st->name.get(language()), parse_color(st->color), px(180));
      ImGui::PopFont();
      said = st->name.get(language());
    }
  }
  for (const char* money : {"OPPORTUNITY", "AMOUNT"}) {
    const FieldDef* f = s.field(target.entity, money);
    if (!f || !can_see_field(s, c.env.user, *f)) continue;
    const std::string text = format_value(ws, *f, target.get(f->id), language());
    if (text.empty()) continue;
    ImGui::SameLine(0, px(12));
    ImGui::TextUnformatted(text.c_str());
    said += (said.empty() ? "" : ", ") + text;
    break;
  }
  if (!said.empty()) sem_item("linkinfo:" + target.id, "text", said);
}

void draw_links(CardContext& c, float width) {
  const Workspace& ws = c.ws;
  const Schema& s = ws.schema();
  panel_begin("links", width);
  heading(tr("links.outgoing"), "heading:links-out");
  bool any = false;
  for (const FieldDef* f : s.fields_of(c.item.entity)) {
    if (f->type != FieldType::CrmBinding || !can_see_field(s, c.env.user, *f)) continue;
    for (const auto& v : c.item.get(f->id).elements()) {
      const Item* target = ws.item(v.str_or_empty());
      if (!target || target->deleted) continue;
      any = true;
      const EntityType* et = s.entity(target->entity);
      caption(f->label.get(language()) + (et ? "  ·  " + et->name.get(language()) : ""));
      link_line(c, *target);
    }
  }
  if (!any) muted_text(tr("links.none"));
  ImGui::Dummy(ImVec2(0, px(10)));
  heading(tr("links.incoming"), "heading:links-in");
  auto incoming = ws.items_linking_to(c.item.id);
  if (incoming.empty()) muted_text(tr("links.none"));
  for (const Item* it : incoming) {
    if (!can_act(s, c.env.user, *it, Action::Read)) continue;
    const EntityType* et = s.entity(it->entity);
    caption(et ? et->name.get(language()) : it->entity);
    link_line(c, *it);
  }
  panel_end();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The card
// ---------------------------------------------------------------------------------------------------------

void draw_card(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out) {
  // A card named by its number opens once an item has that number here.
  if (view.item.empty() && !view.ref.empty())
    if (const Item* found = item_of_ref(ws, view.ref)) {
      view.item = found->id;
      view.ref.clear();
    }
  const Item* item = ws.item(view.item);
  const bool phone = is_phone();
  const float margin = phone ? px(10) : px(20);
  ImGui::SetCursorPos(ImVec2(margin, ImGui::GetCursorPosY() + margin));
  const float width = ImGui::GetContentRegionAvail().x - margin;
  if (item && item->deleted && can_act(ws.schema(), env.user, *item, Action::Read)) {
    panel_begin("inbin", width);
    heading(ws.display_name(*item), "card:title");
    ImGui::TextUnformatted(tr("card.in_bin"));
    sem_item("card:inbin", "alert", tr("card.in_bin"));
    if (button(tr("bin.restore"), "card:restore", true)) out.commands.push_back(RestoreItem{item->id});
    panel_end();
    return;
  }
  if (!item || item->deleted || !can_act(ws.schema(), env.user, *item, Action::Read)) {
    panel_begin("missing", width);
    ImGui::TextUnformatted(tr(item && !item->deleted ? "card.forbidden" : "card.not_found"));
    sem_item("card:missing", "alert", tr(item && !item->deleted ? "card.forbidden" : "card.not_found"));
    if (link(tr("card.back"), "nav:back", color::kLink)) {
      view.screen = Screen::List;
      view.item.clear();
      view.ref.clear();
      out.navigated = true;
    }
    panel_end();
    return;
  }
  CardUi& ui = card_ui();
  if (ui.item != item->id) {
    ui = CardUi{};
    ui.item = item->id;
    // Another card starts at its top: ImGui keeps the scroll of the card's columns (its child windows)
    // from the card shown before, so they are scrolled back before they are drawn.
    ImGuiWindow* page = ImGui::GetCurrentWindow();
    for (ImGuiWindow* w : GImGui->Windows)
      if (w->Flags & ImGuiWindowFlags_ChildWindow)
        for (ImGuiWindow* p = w->ParentWindow; p; p = p->ParentWindow)
          if (p == page) {
            ImGui::SetScrollY(w, 0.0f);
            break;
          }
  }
  const Schema& s = ws.schema();
  CardContext c{ws, env, view, edit, out, *item, layout_family(s, *item), {}, {}, false, false};
  c.resolved = resolve_layout(s, env.user, c.family);
  auto [entity, pipeline] = family_owner(s, c.family);
  if (can_edit_scope(s, env.user, c.family, c.resolved.scope)) c.target_scope = c.resolved.scope;
  else if (allow_own_view(s, env.user, entity, pipeline)) c.target_scope = personal_scope(env.user);
  c.can_configure = can_configure(s, env.user, item->entity);
  c.can_edit_item = can_act(s, env.user, *item, Action::Edit);
  c.esc_free = escape_unclaimed() && !edit.open();

  if (phone) {
    // One column on a phone, scrolled as a whole: the header, the actions, the tabs; the main tab holds the
    // client, the to-dos and the fields, the history tab the timeline.
    const bool opened = ui.scrolled_for != item->id;
    ui.scrolled_for = item->id;
    ImGui::SetCursorPosX(margin);
    ImGui::BeginChild("phonecard", ImVec2(width, ImGui::GetContentRegionAvail().y), false,
                      ImGuiWindowFlags_NoBackground);
    if (opened) ImGui::SetScrollY(0);
    const float inner = width - px(6);
    phase::mark("card_begin");
    draw_header(c, inner);
    phase::mark("card_header");
    ImGui::Dummy(ImVec2(0, px(4)));
    draw_action_bar(c, inner);
    ImGui::Dummy(ImVec2(0, px(4)));
    draw_tabs(c, inner);
    phase::mark("card_tabs");
    if (view.tab == "products") {
      draw_products(c, inner);
    } else if (view.tab == "links") {
      draw_links(c, inner);
    } else if (view.tab == "history") {
      draw_timeline(ws, *item, env, inner, out);
    } else {
      draw_client_block(c, inner);
      draw_todo_block(c, inner);
      phase::mark("card_client_todo");
      draw_sections(c, inner);
      draw_view_switcher(c, inner);
    }
    phase::mark("card_body");
    ImGui::Dummy(ImVec2(0, px(24)));
    ImGui::EndChild();
    phase::mark("card_end_child");
    draw_card_dialogs(c);
    draw_action_dialogs(c);
    phase::mark("card_dialogs");
    return;
  }
  draw_header(c, width);
  ImGui::Dummy(ImVec2(0, px(8)));
  ImGui::SetCursorPosX(margin);
  draw_tabs(c, width);

  const float body_h = ImGui::GetContentRegionAvail().y - margin;
  ImGui::SetCursorPosX(margin);
  if (view.tab == "products") {
    ImGui::BeginChild("products", ImVec2(width, body_h), false, ImGuiWindowFlags_NoBackground);
    draw_products(c, width - px(14));
    ImGui::EndChild();
  } else if (view.tab == "links") {
    ImGui::BeginChild("links", ImVec2(width, body_h), false, ImGuiWindowFlags_NoBackground);
    draw_links(c, width - px(14));
    ImGui::EndChild();
  } else if (view.tab == "history") {
    ImGui::BeginChild("history", ImVec2(width, body_h), false, ImGuiWindowFlags_NoBackground);
    draw_timeline(ws, *item, env, width - px(14), out);
    ImGui::EndChild();
  } else {
    const float gap = px(20);
    const float left_w = std::max(px(360), (width - gap) * 0.52f);
    const float right_w = width - gap - left_w;
    // The client sits above the fields (as in Bitrix24); the right column is the history's: the composer,
    // the planned to-dos, then what happened.
    ImGui::BeginChild("fields", ImVec2(left_w, body_h), false, ImGuiWindowFlags_NoBackground);
    draw_client_block(c, left_w - px(14));
    draw_sections(c, left_w - px(14));
    draw_view_switcher(c, left_w - px(14));
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("timeline", ImVec2(right_w, body_h), false, ImGuiWindowFlags_NoBackground);
    draw_action_bar(c, right_w - px(14), true);
    draw_composer(c, right_w - px(14));
    draw_todo_block(c, right_w - px(14));
    draw_timeline(ws, *item, env, right_w - px(14), out, false);
    ImGui::EndChild();
  }
  draw_card_dialogs(c);
  draw_action_dialogs(c);
}

}  // namespace kt::ui
