// The field sections of the card, in view mode and edit mode, with the layout editing tools (rename, move
// and delete sections; select, create, hide, move and configure fields; drag and drop with keyboard-reachable
// buttons as the alternative), and the view switcher under them.
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/format.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "ui/card_internal.hpp"
#include "ui/field_editors.hpp"
#include "ui/icons.hpp"
#include "ui/i18n.hpp"
#include "ui/phases.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

// A padlock drawn with the draw list (no font has to carry the glyph): the body and its shackle, `h` high.
void draw_lock(ImDrawList* dl, ImVec2 at, float h, ImU32 col) {
  const float w = h * 0.72f, body = h * 0.55f, r = w * 0.3f;
  const ImVec2 b0(at.x, at.y + h - body), b1(at.x + w, at.y + h);
  dl->PathArcTo(ImVec2(at.x + w / 2, b0.y), r, IM_PI, 2 * IM_PI, 8);
  dl->PathStroke(col, 0, std::max(1.0f, h * 0.12f));
  dl->AddRectFilled(b0, b1, col, h * 0.08f);
}

struct Drop {
  std::string field;    // the dragged field
  std::string section;  // target section
  int index = -1;       // insert before this element index (-1: at the end)
};

// Moves `field` to `section` at `index` (in the target section's list, before removal).
Layout move_field(const Layout& l, const std::string& field, const std::string& section, int index) {
  Layout out = l;
  LayoutElement moving{field, true, {}};
  std::string from_section;
  int from_index = -1;
  for (auto& s : out.sections)
    for (size_t i = 0; i < s.elements.size(); ++i)
      if (s.elements[i].field == field) {
        moving = s.elements[i];
        from_section = s.id;
        from_index = static_cast<int>(i);
        s.elements.erase(s.elements.begin() + static_cast<long>(i));
        break;
      }
  for (auto& s : out.sections) {
    if (s.id != section) continue;
    if (from_section == section && from_index >= 0 && index > from_index) --index;
    if (index < 0 || index > static_cast<int>(s.elements.size())) index = static_cast<int>(s.elements.size());
    s.elements.insert(s.elements.begin() + index, moving);
  }
  return out;
}

Layout without_field(const Layout& l, const std::string& field) {
  Layout out = l;
  for (auto& s : out.sections)
    s.elements.erase(std::remove_if(s.elements.begin(), s.elements.end(),
                                    [&](const LayoutElement& e) { return e.field == field; }),
                     s.elements.end());
  return out;
}

// The entity's fields by id, rebuilt when the data changes: Schema::field looks fields up one by one, and a
// card of hundreds of fields asked it for every field twice a frame.
const FieldDef* field_of(const CardContext& c, const std::string& id) {
  static struct {
    const Workspace* ws = nullptr;
    std::uint64_t version = ~0ull;
    const FieldDef* fields = nullptr;  // the schema's storage, as a guard besides the version (the app
    size_t count = 0;                  // may put a new workspace in place, counting versions from 0)
    std::string entity;
    std::unordered_map<std::string, const FieldDef*> by_id;
  } index;
  const auto& fields = c.ws.schema().fields;
  if (index.ws != &c.ws || index.version != c.ws.version() || index.fields != fields.data() ||
      index.count != fields.size() || index.entity != c.item.entity) {
    index.ws = &c.ws;
    index.version = c.ws.version();
    index.fields = fields.data();
    index.count = fields.size();
    index.entity = c.item.entity;
    index.by_id.clear();
    for (const FieldDef* f : c.ws.schema().fields_of(c.item.entity)) index.by_id.emplace(f->id, f);
  }
  auto it = index.by_id.find(id);
  return it == index.by_id.end() ? nullptr : it->second;
}

bool is_required_here(const CardContext& c, const FieldDef& f) {
  return required_for(c.ws.schema(), c.env.user, f, c.item.pipeline, c.item.get("STAGE_ID").str_or_empty());
}

// The tools of a field in edit mode: ↑ ↓ and ⚙ (Configure / Hide / Show always / Move to section).
void field_tools(CardContext& c, const Layout& layout, const LayoutSection& sec, size_t index, std::optional<Layout>* change) {
  const LayoutElement& el = sec.elements[index];
  const FieldDef* f = c.ws.schema().field(c.item.entity, el.field);
  const std::string label = f ? f->label.get(language()) : el.field;
  ImGui::PushID(el.field.c_str());
  if (icon_button("\xe2\x86\x91", std::string(tr("layout.up")) + ": " + label, "fieldup:" + el.field, index > 0))
    *change = move_field(layout, el.field, sec.id, static_cast<int>(index) - 1);
  ImGui::SameLine(0, px(2));
  if (icon_button("\xe2\x86\x93", std::string(tr("layout.down")) + ": " + label, "fielddown:" + el.field,
                  index + 1 < sec.elements.size()))
    *change = move_field(layout, el.field, sec.id, static_cast<int>(index) + 2);
  ImGui::SameLine(0, px(2));
  if (icon_button("\xe2\x9a\x99", std::string(tr("layout.field_menu")) + ": " + label, "fieldmenu:" + el.field))
    ImGui::OpenPopup("fieldmenu");
  if (menu_begin("fieldmenu")) {
    if (c.can_configure && f) {
      if (ImGui::Selectable(tr("layout.configure"))) open_field_config(c, el.field, sec.id);
      sem_item("menu:configure:" + el.field, "menuitem", tr("layout.configure"));
    }
    if (ImGui::Selectable(tr("layout.hide"))) {
      if (f && required_anywhere(c.ws.schema(), *f, c.item.pipeline)) {
        card_ui().layout_error = tr("err.required_hidden");
        card_ui().layout_error_section = sec.id;
      } else {
        *change = without_field(layout, el.field);
      }
    }
    sem_item("menu:hide:" + el.field, "menuitem", tr("layout.hide"));
    bool always = el.show_always;
    if (checkbox(tr("layout.show_always"), "menu:always:" + el.field, &always)) {
      Layout l = layout;
      for (auto& s : l.sections)
        for (auto& e : s.elements)
          if (e.field == el.field) e.show_always = always;
      *change = l;
      ImGui::CloseCurrentPopup();
    }
    if (layout.sections.size() > 1 && submenu_begin(tr("layout.move_to"))) {
      for (const auto& other : layout.sections) {
        if (other.id == sec.id) continue;
        const std::string t = other.title.get(language());
        if (ImGui::MenuItem(t.c_str())) *change = move_field(layout, el.field, other.id, -1);
        sem_item("menu:moveto:" + el.field + ":" + other.id, "menuitem", t);
      }
      ImGui::EndMenu();
    }
    // The submenu's own line (after EndMenu the last item is it again): a screen reader opens it too.
    if (layout.sections.size() > 1) sem_item("menu:moveto:" + el.field, "menuitem", tr("layout.move_to"));
    menu_end();
  }
  ImGui::PopID();
}

// "Select field": the hidden fields, to add at the end of this section.
void select_field_popup(CardContext& c, const Layout& layout, const LayoutSection& sec, std::optional<Layout>* change) {
  ImGui::PushID(sec.id.c_str());
  if (link(std::string("+ ") + tr("layout.select_field"), "selectfield:" + sec.id, color::kLink))
    ImGui::OpenPopup("selectfield");
  if (menu_begin("selectfield")) {
    auto hidden = hidden_fields(c.ws.schema(), c.env.user, c.item.entity, layout);
    if (hidden.empty()) muted_text(tr("layout.no_hidden"));
    for (const FieldDef* f : hidden) {
      const std::string label = f->label.get(language());
      if (ImGui::Selectable(label.c_str())) {
        Layout l = layout;
        for (auto& s : l.sections)
          if (s.id == sec.id) s.elements.push_back({f->id, true, {}});
        *change = l;
      }
      sem_item("hidden:" + f->id, "option", label);
    }
    menu_end();
  }
  ImGui::PopID();
}

// A drop target over `rect` for payloads of `type`: while something is dragged over it, an accent line at
// `mark_y` (screen y) from `x0` to `x1` shows where it will land (with a semantics node saying so); returns
// the payload's text once it is dropped, else "".
std::string drop_target(const ImRect& rect, ImGuiID id, const char* type, float mark_y, float x0, float x1,
                        const std::string& mark_id) {
  std::string dropped;
  if (!ImGui::BeginDragDropTargetCustom(rect, id)) return dropped;
  const ImGuiDragDropFlags flags = ImGuiDragDropFlags_AcceptBeforeDelivery | ImGuiDragDropFlags_AcceptNoDrawDefaultRect;
  if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload(type, flags)) {
    if (pl->IsDelivery()) {
      dropped = static_cast<const char*>(pl->Data);
    } else {
      const float t = px(3);
      ImDrawList* dl = ImGui::GetForegroundDrawList();
      dl->AddRectFilled(ImVec2(x0, mark_y - t / 2), ImVec2(x1, mark_y + t / 2), color::kAccent, t / 2);
      dl->AddCircleFilled(ImVec2(x0, mark_y), t * 1.6f, color::kAccent);
      sem_rect_on_top(mark_id, "separator", tr("layout.lands_here"), ImVec2(x0, mark_y - t), ImVec2(x1, mark_y + t));
    }
  }
  ImGui::EndDragDropTarget();
  return dropped;
}

// The handle that drags a field or a section in the layout editor, named for screen readers.
void drag_handle(const std::string& id, const std::string& name, const char* type, const std::string& payload,
                 const std::string& shown) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
  ImGui::TextUnformatted(icon::kDrag);
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
  sem_item(id, "button", name);
  if (ImGui::BeginDragDropSource(ImGuiDragDropFlags_SourceAllowNullID)) {
    ImGui::SetDragDropPayload(type, payload.c_str(), payload.size() + 1);
    ImGui::TextUnformatted(shown.c_str());
    ImGui::EndDragDropSource();
  }
}

void draw_section(CardContext& c, const Layout& layout, size_t si, float width, std::optional<Layout>* change,
                  std::optional<Drop>* drop) {
  CardUi& ui = card_ui();
  const LayoutSection& sec = layout.sections[si];
  const bool editing = ui.editing_sections.count(sec.id) > 0;
  const bool tools = editing && !c.target_scope.empty();
  const Schema& s = c.ws.schema();

  // Which fields show: in view mode only filled ones or "show always" (L-3); edit mode shows all. Fields the
  // user may not see, and fields that no longer exist (L-12), never show.
  auto known = ui.shown.find(sec.id);
  if (known == ui.shown.end() || known->second.editing != editing) {
    CardUi::Shown fresh{editing, {}};
    for (size_t i = 0; i < sec.elements.size(); ++i) {
      const FieldDef* f = field_of(c, sec.elements[i].field);
      if (!f || !can_see_field(s, c.env.user, *f)) continue;
      if (!editing && !shown_in_view_mode(sec.elements[i], c.item.get(f->id))) continue;
      fresh.elements.push_back(i);
    }
    known = ui.shown.insert_or_assign(sec.id, std::move(fresh)).first;
  }
  const std::vector<size_t>& shown = known->second.elements;

  const ImVec2 panel_top = ImGui::GetCursorScreenPos();
  panel_begin(sec.id.c_str(), width);
  const float inner = width - px(40);
  const std::string title = sec.title.get(language());
  // Header: title (or its rename box), the section tools, and Edit/Done on the right.
  if (ui.renaming_section == sec.id) {
    ImGui::SetNextItemWidth(inner * 0.6f);
    if (ui.rename_focus) {
      ImGui::SetKeyboardFocusHere();
      ui.rename_focus = false;
    }
    ImGui::PushID(sec.id.c_str());
    bool enter = ImGui::InputText("##rename", &ui.rename_buffer, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::PopID();
    sem_item("rename:" + sec.id, "textbox", tr("layout.section_name"), ui.rename_buffer);
    bool esc = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
    if (esc) ui.renaming_section.clear();
    else if (enter || (ImGui::IsItemDeactivated() && !ImGui::IsItemActive())) {
      if (ui.rename_buffer.find_first_not_of(' ') == std::string::npos) {
        ui.layout_error = tr("err.section_title_empty");
        ui.layout_error_section = sec.id;
      } else {
        Layout l = layout;
        l.sections[si].title = {ui.rename_buffer, ui.rename_buffer};
        *change = l;
      }
      ui.renaming_section.clear();
    }
  } else {
    // In edit mode a section is dragged by its handle (as the article's card does) onto another section,
    // before which it lands. Where controls are finger-sized the title is in the middle of a line as high
    // as its Edit link. A phone has no handle: a finger's drag scrolls the page, and ↑ ↓ move a section there.
    if (finger_sized()) ImGui::AlignTextToFramePadding();
    if (tools && !is_phone()) {
      drag_handle("secdrag:" + sec.id, std::string(tr("layout.drag_section")) + ": " + title, "kt-section", sec.id, title);
      ImGui::SameLine(0, px(6));
    }
    heading(title, "section:" + sec.id);
  }
  {
    // The section's header takes a dragged section; the line above the panel shows where it lands.
    const ImRect head(panel_top, ImVec2(panel_top.x + width, ImGui::GetItemRectMax().y + px(4)));
    const std::string moving = drop_target(head, ImGui::GetID("dropsection"), "kt-section", panel_top.y - px(7),
                                           panel_top.x + px(4), panel_top.x + width - px(4), "dropmark:section:" + sec.id);
    if (!moving.empty() && moving != sec.id) {  // the layout is copied only for a drop
      Layout l = layout;
      auto from = std::find_if(l.sections.begin(), l.sections.end(), [&](const LayoutSection& x) { return x.id == moving; });
      if (from != l.sections.end()) {
        LayoutSection m = *from;
        l.sections.erase(from);
        auto to = std::find_if(l.sections.begin(), l.sections.end(), [&](const LayoutSection& x) { return x.id == sec.id; });
        l.sections.insert(to, m);
        *change = l;
      }
    }
  }
  if (tools) {
    ImGui::SameLine(0, px(8));
    if (icon_button("\xe2\x9c\x8e", std::string(tr("layout.rename")) + ": " + title, "secrename:" + sec.id)) {
      ui.renaming_section = sec.id;
      ui.rename_buffer = title;
      ui.rename_focus = true;
    }
    ImGui::SameLine(0, px(2));
    if (icon_button("\xe2\x86\x91", std::string(tr("layout.up")) + ": " + title, "secup:" + sec.id, si > 0)) {
      Layout l = layout;
      std::swap(l.sections[si], l.sections[si - 1]);
      *change = l;
    }
    ImGui::SameLine(0, px(2));
    if (icon_button("\xe2\x86\x93", std::string(tr("layout.down")) + ": " + title, "secdown:" + sec.id,
                    si + 1 < layout.sections.size())) {
      Layout l = layout;
      std::swap(l.sections[si], l.sections[si + 1]);
      *change = l;
    }
    ImGui::SameLine(0, px(2));
    if (icon_button("\xe2\x9c\x95", std::string(tr("layout.delete_section")) + ": " + title, "secdelete:" + sec.id)) {
      // L-7: refused while a required field is inside; otherwise confirmed.
      bool has_required = false;
      for (const auto& e : sec.elements)
        if (const FieldDef* f = s.field(c.item.entity, e.field))
          has_required = has_required || required_anywhere(s, *f, c.item.pipeline);
      if (has_required) {
        ui.layout_error = tr("err.section_has_required");
        ui.layout_error_section = sec.id;
      } else {
        Layout l = layout;
        l.sections.erase(l.sections.begin() + static_cast<long>(si));
        confirm("delsection", tr("layout.delete_section"), tr("layout.delete_section_q"),
                {PutLayout{c.family, c.target_scope, l, false}});
      }
    }
  }
  {
    const std::string toggle = editing ? tr("layout.done") : tr("layout.edit");
    ImGui::PushFont(fonts().small);
    float tw = ImGui::CalcTextSize(toggle.c_str()).x;
    ImGui::SameLine(0, 0);
    ImGui::SetCursorPosX(ImGui::GetCursorStartPos().x + px(20) + inner - tw);
    if (!is_phone()) ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(2));
    if (link(toggle, "secedit:" + sec.id, color::kLink)) {
      if (editing) ui.editing_sections.erase(sec.id);
      else ui.editing_sections.insert(sec.id);
      c.edit.close();
    }
    ImGui::PopFont();
  }
  ImGui::Dummy(ImVec2(0, px(2)));
  if (!ui.layout_error.empty() && ui.layout_error_section == sec.id) error_text_line(ui.layout_error, "layouterror:" + sec.id);

  // ↑ ↓ ⚙ beside each field (field_tools): a phone's are three finger-sized squares.
  const float tools_w = !tools ? 0 : is_phone() ? 3 * touch_height(0) + 2 * px(2) : px(96);
  for (size_t i : shown) {
    const LayoutElement& el = sec.elements[i];
    // A row out of view that was measured in this state takes its place without being drawn (never the
    // row being edited, nor rows with the layout tools, which are drop targets).
    const float row_y = ImGui::GetCursorPosY();
    const bool measurable = !tools && !(c.edit.item == c.item.id && c.edit.field == el.field);
    if (measurable) {
      auto known = ui.row_advance.find(el.field);
      if (known != ui.row_advance.end() && !ImGui::IsRectVisible(ImVec2(inner, known->second))) {
        ImGui::Dummy(ImVec2(0, known->second - ImGui::GetStyle().ItemSpacing.y));
        phase::count("rows_skipped");
        continue;
      }
    }
    const FieldDef* f = field_of(c, el.field);
    ImGui::PushID(el.field.c_str());
    ImVec2 row0 = ImGui::GetCursorScreenPos();
    const bool handle = tools && !is_phone();  // a phone moves fields with ↑ ↓ and ⚙'s "Переместить в раздел"
    if (handle) {
      drag_handle("drag:" + el.field, std::string(tr("layout.drag")) + ": " + f->label.get(language()), "kt-field",
                  el.field, f->label.get(language()));
      ImGui::SameLine();
    }
    ImGui::BeginGroup();
    const ImVec2 label_at = ImGui::GetCursorScreenPos();
    std::string label = el.title.empty() ? f->label.get(language()) : el.title;
    if (is_required_here(c, *f)) label += " *";
    if (c.can_edit_item) {
      FieldContext ctx{c.ws, c.item, *f, label, c.edit, c.out, width - px(40) - tools_w - (handle ? px(22) : 0), {},
                       &c.env.user};
      draw_field(ctx);
    } else {
      // Read-only: the value as text.
      caption(label);
      const std::string text = format_value(c.ws, *f, c.item.get(f->id), language());
      ImGui::TextUnformatted(text.empty() ? "—" : text.c_str());
      sem_item(field_sem_id(c.item, *f), "text", label, text);
    }
    if (!f->help.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", f->help.get(language()).c_str());
    // Who configures the field sees that its visibility is limited: a lock after its label.
    if (c.can_configure && !f->visible_to.empty()) {
      ImGui::PushFont(fonts().small);
      const float lh = ImGui::GetFontSize();
      const ImVec2 at(label_at.x + ImGui::CalcTextSize(label.c_str()).x + px(6), label_at.y + lh * 0.1f);
      ImGui::PopFont();
      const ImVec2 to(at.x + lh * 0.6f, at.y + lh * 0.8f);
      draw_lock(ImGui::GetWindowDrawList(), at, lh * 0.8f, color::kMuted);
      if (ImGui::IsRectVisible(at, to)) sem_rect("fieldlock:" + f->id, "img", tr("field.restricted_lock"), at, to);
    }
    ImGui::EndGroup();
    const float group_bottom = ImGui::GetItemRectMax().y;
    if (tools) {
      ImGui::SameLine();
      ImGui::SetCursorPosX(ImGui::GetCursorStartPos().x + px(20) + inner - tools_w + px(8));
      field_tools(c, layout, sec, i, change);
      // Dropping a field on this row puts it before this one: the line over the row says so.
      ImVec2 row1(row0.x + inner, std::max(group_bottom, ImGui::GetItemRectMax().y));
      const std::string moving = drop_target(ImRect(row0, row1), ImGui::GetID("droprow"), "kt-field", row0.y - px(3),
                                             row0.x, row1.x, "dropmark:field:" + el.field);
      if (!moving.empty()) *drop = Drop{moving, sec.id, static_cast<int>(i)};
    }
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0, px(2)));
    if (measurable) ui.row_advance[el.field] = ImGui::GetCursorPosY() - row_y;
    phase::count("rows_drawn");
  }
  if (shown.empty()) muted_text(tr("layout.section_empty"));
  if (tools) {
    // Dropping on the section's free area puts the field at its end.
    ImVec2 a = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(inner, px(6)));
    const std::string moving = drop_target(ImRect(a, ImVec2(a.x + inner, a.y + px(30))), ImGui::GetID("dropend"),
                                           "kt-field", a.y, a.x, a.x + inner, "dropmark:end:" + sec.id);
    if (!moving.empty()) *drop = Drop{moving, sec.id, -1};
    select_field_popup(c, layout, sec, change);
    if (c.can_configure) {
      ImGui::SameLine(0, px(20));
      if (link(std::string("+ ") + tr("layout.create_field"), "createfield:" + sec.id, color::kLink))
        open_create_field(c, sec.id);
    }
  }
  panel_end();
}

}  // namespace

void draw_sections(CardContext& c, float width) {
  const Layout& layout = current_layout(c);
  // The measured rows hold for this state only.
  CardUi& ui = card_ui();
  const std::string rows_key = std::to_string(reinterpret_cast<std::uintptr_t>(&c.ws)) + "|" +
                               std::to_string(c.ws.version()) + "|" + std::to_string(width) + "|" +
                               std::to_string(ImGui::GetFontSize()) + "|" + std::to_string(static_cast<int>(language())) +
                               "|" + c.env.user + "|" + c.resolved.scope + "|" + c.edit.item + "|" + c.edit.field + "|" +
                               c.edit.origin;
  if (rows_key != ui.rows_key) {
    ui.rows_key = rows_key;
    ui.row_advance.clear();
    ui.shown.clear();
    phase::count("rows_key_changed");
  }
  phase::mark("sections_key");
  std::optional<Layout> change;
  std::optional<Drop> drop;
  for (size_t i = 0; i < layout.sections.size(); ++i) {
    draw_section(c, layout, i, width, &change, &drop);
    ImGui::Dummy(ImVec2(0, px(12)));
    phase::mark("section");
  }
  if (!c.target_scope.empty()) {
    if (link(std::string("+ ") + tr("layout.create_section"), "createsection", color::kLink)) {
      Layout l = layout;
      std::string id = c.env.new_id ? c.env.new_id("sec") : "sec" + std::to_string(l.sections.size());
      l.sections.push_back({id, {tr("layout.new_section"), tr("layout.new_section")}, {}});
      change = l;
      card_ui().editing_sections.insert(id);
      card_ui().renaming_section = id;
      card_ui().rename_buffer = tr("layout.new_section");
      card_ui().rename_focus = true;
    }
    ImGui::Dummy(ImVec2(0, px(8)));
  }
  if (drop) change = move_field(layout, drop->field, drop->section, drop->index);
  if (change) put_layout(c, *change);
}

void draw_view_switcher(CardContext& c, float width) {
  const Schema& s = c.ws.schema();
  auto [entity, pipeline] = family_owner(s, c.family);
  std::vector<std::string> labels{tr("views.common")};
  std::vector<std::string> scopes{common_scope()};
  if (allow_own_view(s, c.env.user, entity, pipeline)) {
    labels.push_back(tr("views.mine"));
    scopes.push_back(personal_scope(c.env.user));
  }
  for (const View* v : views_for(s, c.env.user, c.family)) {
    labels.push_back(v->name);
    scopes.push_back(view_scope(v->id));
  }
  int index = static_cast<int>(std::find(scopes.begin(), scopes.end(), c.resolved.scope) - scopes.begin());
  if (index >= static_cast<int>(scopes.size())) index = 0;
  ImGui::Dummy(ImVec2(0, px(4)));
  if (combo(tr("views.label"), "views:switch", labels, &index, std::min(width, px(300))) && index >= 0)
    c.out.commands.push_back(SelectScope{c.env.user, c.family, scopes[static_cast<size_t>(index)]});
  ImGui::PushFont(fonts().small);
  // The links wrap when the width ends (a phone's links are wider: finger-sized).
  FlowRow row(ImGui::GetCursorScreenPos().x + width, ImGui::GetCursorPosX(), px(14));
  auto action = [&](const char* label, const char* id) {
    row.next(link_width(label));
    return link(label, id, color::kLink);
  };
  const bool stored = s.stored_layout(c.family, c.resolved.scope) != nullptr;
  const bool view_scope_shown = c.resolved.scope.rfind("V:", 0) == 0;
  if (stored && !view_scope_shown && can_edit_scope(s, c.env.user, c.family, c.resolved.scope) &&
      action(tr("views.reset"), "views:reset"))
    confirm("reset", tr("views.reset"), tr("views.reset_q"), {PutLayout{c.family, c.resolved.scope, {}, true}});
  if (c.can_configure) {
    if (action(tr("views.force"), "views:force"))
      confirm("force", tr("views.force"), tr("views.force_q"), {ForceCommonScope{c.family}});
    if (action(tr("views.manage"), "views:manage")) open_views_dialog(c);
  }
  if (action(tr("views.export"), "views:export")) {
    c.out.download = UiOutput::Download{"layout-" + c.family + ".json", "application/json",
                                        export_layout(current_layout(c), language()).dump(2)};
  }
  if (!c.target_scope.empty() && action(tr("views.import"), "views:import")) {
    card_ui().import = CardUi::Import{true, {}, {}};
  }
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, px(16)));
}

}  // namespace kt::ui
