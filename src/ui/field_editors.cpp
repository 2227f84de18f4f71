#include "ui/field_editors.hpp"

#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/format.hpp"
#include "core/links.hpp"
#include "core/text.hpp"
#include "core/required.hpp"
#include "ui/date_picker.hpp"
#include "ui/focus.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

bool key_pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), false); }

FieldDef single_of(const FieldDef& f) {
  FieldDef s = f;
  s.multiple = false;
  return s;
}

// Validates and emits the edit; keeps the editor open with an inline error when the value is refused
// (including emptying a field required where the item stands, R-4).
void commit(FieldContext& c, const Value& v) {
  if (auto s = c.ws.validate_value(c.def, c.item, v); !s) {
    c.edit.error = error_text(s.code);
    return;
  }
  if (v.empty() && !c.item.get(c.def.id).empty() && c.user &&
      required_for(c.ws.schema(), *c.user, c.def, c.item.pipeline, c.item.get("STAGE_ID").str_or_empty())) {
    c.edit.error = error_text("required");
    return;
  }
  if (!(v == c.item.get(c.def.id))) c.out.commands.push_back(SetField{c.item.id, c.def.id, v, {}});
  c.edit.close();
}

void commit_text(FieldContext& c) {
  Value v;
  if (auto s = parse_editor_text(c.def, c.edit.buffer, c.edit.currency, &v); !s) {
    c.edit.error = error_text(s.code);
    return;
  }
  commit(c, v);
}

struct Choice {
  std::string id;
  std::string label;
  ImU32 color = 0;  // stage colour, 0 for none
};

std::vector<Choice> choices_for(const FieldContext& c) {
  std::vector<Choice> out;
  const Lang lang = language();
  switch (c.def.type) {
    case FieldType::List:
    case FieldType::CrmDirectory:
      for (const auto& o : c.ws.schema().options_of(c.def)) out.push_back({o.id, o.label.get(lang)});
      break;
    case FieldType::Stage:
      if (const Pipeline* p = c.ws.schema().pipeline(c.item.entity, c.item.pipeline))
        for (const auto& s : p->stages) out.push_back({s.id, s.name.get(lang), parse_color(s.color)});
      break;
    case FieldType::Employee:
      for (const auto& u : c.ws.schema().users) out.push_back({u.id, u.name});
      break;
    case FieldType::Boolean:
      out.push_back({"1", tr("editor.yes")});
      out.push_back({"0", tr("editor.no")});
      break;
    case FieldType::CrmBinding:
      for (const auto& kind : c.def.binding_kinds) {
        const EntityType* et = c.ws.schema().entity(kind);
        for (const auto& id : c.ws.item_ids(kind)) {
          const Item* it = c.ws.item(id);
          if (!it || it->deleted) continue;
          out.push_back({id, c.ws.display_name(*it) + (et ? "  · " + et->name.get(lang) : "")});
        }
      }
      break;
    default: break;
  }
  return out;
}

// A single date or date-time is picked in the calendar popup (whose text box also takes a typed date).
bool calendar_type(const FieldDef& f) {
  return (f.type == FieldType::Date || f.type == FieldType::DateTime) && !f.multiple;
}

Value choice_value(const FieldDef& f, const std::string& id) {
  if (f.type == FieldType::Boolean) return Value(id == "1");
  return Value(id);
}


// ---------------------------------------------------------------------------------------------------------
// [SECTION] Editors
// ---------------------------------------------------------------------------------------------------------

// The "editor group" rule: the edit is saved when focus leaves all of the editor's widgets after having
// been in one of them; Esc inside any of them cancels.
void finish_group(FieldContext& c, bool any_active, bool escaped) {
  EditState& e = c.edit;
  if (escaped) {
    e.close();
    return;
  }
  if (e.was_active && !any_active) commit_text(c);
  e.was_active = any_active;
  ++e.frames_open;
}

void text_editor(FieldContext& c) {
  EditState& e = c.edit;
  const bool multiline = c.def.multiline;
  if (e.focus_pending) {
    ImGui::SetKeyboardFocusHere();
    e.focus_pending = false;
  }
  ImGuiInputTextFlags flags = ImGuiInputTextFlags_AutoSelectAll;
  if (e.error.size()) ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(color::kError));
  else ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(color::kAccent));
  bool escaped = false;
  if (multiline) {
    ImGui::InputTextMultiline("##edit", &e.buffer, ImVec2(c.width, ImGui::GetTextLineHeight() * 5 + ImGui::GetStyle().FramePadding.y * 2),
                              flags);
  } else {
    ImGui::SetNextItemWidth(c.width);
    ImGui::InputText("##edit", &e.buffer, flags);
  }
  ImGui::PopStyleColor();
  bool active = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivated() && key_pressed(ImGuiKey_Escape)) escaped = true;
  SemNode& n = sem_item(c.origin, "textbox", c.label, e.buffer);
  n.invalid = !e.error.empty();
  n.description = e.error;
  n.keyboard = keyboard_for(c.def.type);
  n.multiline = multiline;
  finish_group(c, active, escaped);
}

void money_editor(FieldContext& c) {
  EditState& e = c.edit;
  if (e.focus_pending) {
    ImGui::SetKeyboardFocusHere();
    e.focus_pending = false;
  }
  const float cur_w = px(90);
  bool escaped = false;
  ImGui::PushStyleColor(ImGuiCol_Border,
                        ImGui::ColorConvertU32ToFloat4(e.error.empty() ? color::kAccent : color::kError));
  ImGui::SetNextItemWidth(c.width - cur_w - ImGui::GetStyle().ItemSpacing.x);
  ImGui::InputText("##amount", &e.buffer, ImGuiInputTextFlags_AutoSelectAll);
  ImGui::PopStyleColor();
  const ImVec2 group_min = ImGui::GetItemRectMin();
  bool any_active = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivated() && key_pressed(ImGuiKey_Escape)) escaped = true;
  SemNode& n = sem_item(c.origin, "textbox", c.label, e.buffer);
  n.invalid = !e.error.empty();
  n.description = e.error;
  n.keyboard = keyboard_for(FieldType::Money);

  ImGui::SameLine();
  ImGui::SetNextItemWidth(cur_w);
  const bool list_open = ImGui::BeginCombo("##currency", e.currency.c_str());
  if (list_open) {
    any_active = true;
    for (const auto& code : known_currencies()) {
      bool sel = code == e.currency;
      if (ImGui::Selectable(code.c_str(), sel)) e.currency = code;
      sem_item("option:" + c.def.id + ":" + code, "option", code).selected = sel;
    }
    ImGui::EndCombo();
  }
  any_active = any_active || ImGui::IsItemActive();
  const ImVec2 group_max = ImGui::GetItemRectMax();
  SemNode& cn = sem_item(c.origin + ":currency", "combobox",
                         c.label + " — " + tr("editor.currency"), e.currency);
  cn.expanded = list_open ? 1 : 0;
  // Esc on the open currency list closes the list only (as on a <select>): the editor keeps the focus, the
  // amount is not saved. Then Esc cancels, Enter saves, and so does a click elsewhere.
  if (list_open && escape_for_popups()) e.held = true;
  else if (list_open || any_active) e.held = false;
  if (e.held) {
    if (escape_unclaimed()) escaped = true;
    else if (!key_pressed(ImGuiKey_Enter) && !key_pressed(ImGuiKey_KeyPadEnter) && !tab_pressed() &&
             !(ImGui::IsMouseClicked(0) && !ImGui::IsMouseHoveringRect(group_min, group_max)))
      any_active = true;
    else e.held = false;
  }
  finish_group(c, any_active, escaped);
}

// Editors made of several widgets (one row per value of a multiple field; the file picker) save when the
// user clicks outside them or presses Enter, and cancel on Esc.
bool clicked_outside(ImVec2 min, ImVec2 max) {
  return ImGui::IsMouseClicked(0) && !ImGui::IsMouseHoveringRect(min, max) && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
}

void commit_rows(FieldContext& c) {
  EditState& e = c.edit;
  FieldDef one = single_of(c.def);
  Value::List list;
  for (const auto& row : e.rows) {
    Value v;
    if (auto s = parse_input(one, row, e.currency, &v); !s) {
      e.error = error_text(s.code);
      return;
    }
    if (!v.is_null()) list.push_back(std::move(v));
  }
  commit(c, list.empty() ? Value() : Value(std::move(list)));
}

void rows_editor(FieldContext& c) {
  EditState& e = c.edit;
  if (e.rows.empty()) e.rows.emplace_back();
  ImGui::BeginGroup();
  bool enter = false, escaped = false;
  int remove = -1;
  for (size_t i = 0; i < e.rows.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (e.focus_pending && i + 1 == e.rows.size()) {
      ImGui::SetKeyboardFocusHere();
      e.focus_pending = false;
    }
    ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(e.error.empty() ? color::kAccent : color::kError));
    ImGui::SetNextItemWidth(c.width - px(34));
    ImGui::InputText("##row", &e.rows[i]);
    ImGui::PopStyleColor();
    if (ImGui::IsItemDeactivated()) {
      if (key_pressed(ImGuiKey_Escape)) escaped = true;
      else if (key_pressed(ImGuiKey_Enter) || key_pressed(ImGuiKey_KeyPadEnter)) enter = true;
    }
    SemNode& n = sem_item(c.origin + ":" + std::to_string(i), "textbox", c.label + " " + std::to_string(i + 1), e.rows[i]);
    n.invalid = !e.error.empty();
    n.keyboard = keyboard_for(c.def.type);
    ImGui::SameLine(0, px(4));
    if (icon_button("\xe2\x9c\x95", std::string(tr("card.remove_value")) + " " + std::to_string(i + 1),
                    c.origin + ":remove:" + std::to_string(i)))
      remove = static_cast<int>(i);
    ImGui::PopID();
  }
  if (link(std::string("+ ") + tr("card.add_value"), c.origin + ":add", color::kLink)) {
    e.rows.emplace_back();
    e.focus_pending = true;
  }
  ImGui::EndGroup();
  ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  if (remove >= 0) e.rows.erase(e.rows.begin() + remove);
  if (escaped) e.close();
  else if (enter || (e.frames_open > 1 && clicked_outside(min, max))) commit_rows(c);
  ++e.frames_open;
}

void file_editor(FieldContext& c) {
  EditState& e = c.edit;
  const std::string purpose = "field:" + c.item.id + ":" + c.def.id;
  if (auto f = take_file(purpose)) {
    FileRef ref{f->id, f->name, f->mime, f->size};
    Value v(ref);
    if (c.def.multiple) {
      Value::List l = c.item.get(c.def.id).elements();
      l.push_back(v);
      v = Value(std::move(l));
    }
    commit(c, v);
    return;
  }
  ImGui::BeginGroup();
  if (button(tr("card.pick_file"), c.origin + ":pick", true)) c.out.pick_file = std::make_pair(purpose, std::string("*/*"));
  ImGui::SameLine();
  if (button(tr("dialog.cancel"), c.origin + ":cancel")) e.close();
  if (!c.item.get(c.def.id).is_null()) {
    ImGui::SameLine();
    if (button(tr("card.clear"), c.origin + ":clear")) commit(c, Value());
  }
  ImGui::EndGroup();
  ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
  if (e.open() && key_pressed(ImGuiKey_Escape)) e.close();
  else if (e.open() && e.frames_open > 1 && clicked_outside(min, max) && e.error.empty()) e.close();
  ++e.frames_open;
}

// A popup with the choices of a list, stage, employee, yes/no or binding field.
// The popup opens under the field, or above it when the field is low on the screen.
void choice_popup(FieldContext& c, ImVec2 below, float field_top) {
  EditState& e = c.edit;
  const std::string popup_id = "choose##" + c.def.id;
  if (e.popup_pending) {
    ImGui::OpenPopup(popup_id.c_str());
    e.popup_pending = false;
  }
  const bool above = below.y > ImGui::GetIO().DisplaySize.y * 0.6f;
  if (above) ImGui::SetNextWindowPos(ImVec2(below.x, field_top - px(2)), ImGuiCond_Always, ImVec2(0, 1));
  else ImGui::SetNextWindowPos(below);
  // A phone's choices are a finger's height each (menu_begin): the list may take more of the screen.
  ImGui::SetNextWindowSizeConstraints(ImVec2(std::max(c.width, px(260)), 0),
                                      ImVec2(std::max(c.width, px(420)), is_phone() ? ImGui::GetIO().DisplaySize.y * 0.6f : px(360)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(px(8), px(8)));
  const bool multi = c.def.multiple;
  if (menu_begin(popup_id.c_str())) {
    std::vector<Choice> choices = choices_for(c);
    const bool searchable = choices.size() > 8 || c.def.type == FieldType::CrmBinding;
    if (searchable) {
      if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
      ImGui::SetNextItemWidth(-1);
      ImGui::InputTextWithHint("##search", tr("card.search"), &e.search);
      sem_item("search:" + c.def.id, "searchbox", tr("card.search"), e.search);
    }
    const Value current = c.item.get(c.def.id);
    if (!multi && c.def.type != FieldType::Stage && c.def.type != FieldType::Boolean) {
      if (ImGui::Selectable(tr("card.none"), current.is_null()))
        commit(c, Value()), ImGui::CloseCurrentPopup();
      sem_item("option:" + c.def.id + ":", "option", tr("card.none")).selected = current.is_null();
    }
    for (const auto& ch : choices) {
      if (!contains_folded(ch.label, e.search)) continue;
      ImGui::PushID(ch.id.c_str());
      if (multi) {
        bool on = std::find(e.picks.begin(), e.picks.end(), ch.id) != e.picks.end();
        if (checkbox(ch.label + "##pick", "option:" + c.def.id + ":" + ch.id, &on)) {
          if (on) e.picks.push_back(ch.id);
          else e.picks.erase(std::remove(e.picks.begin(), e.picks.end(), ch.id), e.picks.end());
        }
      } else {
        bool sel = current == choice_value(c.def, ch.id);
        ImVec2 p = ImGui::GetCursorScreenPos();
        if (ch.color) ImGui::Indent(px(16));
        if (ImGui::Selectable(ch.label.c_str(), sel)) {
          commit(c, choice_value(c.def, ch.id));
          ImGui::CloseCurrentPopup();
        }
        if (ch.color) {
          ImGui::Unindent(px(16));
          float h = ImGui::GetTextLineHeight();
          ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + px(6), p.y + h / 2), px(5), ch.color);
        }
        sem_item("option:" + c.def.id + ":" + ch.id, "option", ch.label).selected = sel;
      }
      ImGui::PopID();
    }
    if (multi) {
      ImGui::Separator();
      if (button(tr("card.done"), "done:" + c.def.id, true)) ImGui::CloseCurrentPopup();
    }
    if (key_pressed(ImGuiKey_Escape)) {
      e.picks.clear();
      e.close();
      ImGui::CloseCurrentPopup();
    }
    menu_end();
  } else if (e.is(c.item.id, c.def.id, c.origin) && !e.popup_pending) {
    // The popup was closed (a click outside, or "Done"): a multiple choice is saved now.
    if (multi) {
      Value::List list;
      for (const auto& id : e.picks) list.push_back(choice_value(c.def, id));
      commit(c, list.empty() ? Value() : Value(std::move(list)));
    } else {
      e.close();
    }
  }
  ImGui::PopStyleVar();
}

// The calendar of a date field. Leaving it saves what was picked or typed, as leaving a text editor does; a
// value that does not parse or validate keeps the calendar open with its error; Esc cancels.
void date_editor(FieldContext& c, ImVec2 below, float field_top) {
  EditState& e = c.edit;
  const DatePopup p{c.origin, c.label, c.def.type == FieldType::DateTime, true};
  switch (date_popup(p, &e.buffer, &e.error, &e.popup_pending, below, field_top)) {
    case DateAction::Commit:
    case DateAction::DismissChanged:
      commit_text(c);
      if (e.is(c.item.id, c.def.id, c.origin)) e.popup_pending = true;
      break;
    case DateAction::Dismiss:
      if (e.error.empty()) e.close();
      else e.popup_pending = true;
      break;
    case DateAction::Escape: e.close(); break;
    case DateAction::None: break;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Public
// ---------------------------------------------------------------------------------------------------------

std::string field_sem_id(const Item& item, const FieldDef& def) { return "field:" + item.id + ":" + def.id; }

const char* keyboard_for(FieldType t) {
  switch (t) {
    case FieldType::Integer: return "numeric";
    case FieldType::Number:
    case FieldType::Money: return "decimal";
    case FieldType::Phone: return "tel";
    case FieldType::Email: return "email";
    case FieldType::Link: return "url";
    default: return nullptr;
  }
}

bool is_choice_type(FieldType t) {
  return t == FieldType::List || t == FieldType::CrmDirectory || t == FieldType::Stage ||
         t == FieldType::Employee || t == FieldType::Boolean || t == FieldType::CrmBinding;
}

bool begin_edit(EditState& e, const Workspace& ws, const Item& item, const FieldDef& def,
                const std::string& origin) {
  if (e.open() && !e.error.empty() && !e.is(item.id, def.id, origin)) return false;
  e.close();
  e.item = item.id;
  e.field = def.id;
  e.origin = origin;
  const Value& v = item.get(def.id);
  if (is_choice_type(def.type)) {
    e.popup_pending = true;
    for (const auto& x : v.elements())
      if (x.is_string()) e.picks.push_back(x.as_string());
  } else if (calendar_type(def)) {
    e.buffer = editor_text(def, v, language());
    e.popup_pending = true;
  } else {
    e.buffer = editor_text(def, v, language());
    e.currency = v.is_money() ? v.as_money().currency : known_currencies().front();
    e.focus_pending = true;
    if (def.multiple && def.type != FieldType::File) {
      FieldDef one = single_of(def);
      for (const auto& x : v.elements()) e.rows.push_back(editable_text(one, x, language()));
    }
  }
  return true;
}

bool commit_editor(const Workspace& ws, EditState& e, const std::string& user, UiOutput& out) {
  if (!e.open()) return true;
  const Item* item = ws.item(e.item);
  const FieldDef* def = item ? ws.schema().field(item->entity, e.field) : nullptr;
  if (!item || !def) {
    e.close();
    return true;
  }
  FieldContext c{ws, *item, *def, def->label.get(language()), e, out, 0, e.origin, &user};
  if (is_choice_type(def->type)) {
    // A single choice is saved when picked: nothing is pending. A multiple one is saved when its popup closes.
    if (!def->multiple) {
      e.close();
      return true;
    }
    Value::List list;
    for (const auto& id : e.picks) list.push_back(choice_value(*def, id));
    commit(c, list.empty() ? Value() : Value(std::move(list)));
  } else if (def->type == FieldType::File) {
    e.close();  // a file is saved when picked
    return true;
  } else if (def->multiple) {
    commit_rows(c);
  } else {
    commit_text(c);
  }
  return !e.open();
}

void draw_field(FieldContext& c) {
  if (c.origin.empty()) c.origin = field_sem_id(c.item, c.def);
  ImGui::PushID(c.def.id.c_str());
  const Lang lang = language();
  EditState& e = c.edit;
  const bool editing = e.is(c.item.id, c.def.id, c.origin);

  ImGui::PushFont(fonts().small);
  label_text(c.label, color::kLabel);
  ImGui::PopFont();

  const bool calendar = calendar_type(c.def);
  if (editing && !is_choice_type(c.def.type) && !calendar) {
    if (c.def.type == FieldType::File) file_editor(c);
    else if (c.def.multiple) rows_editor(c);
    else if (c.def.type == FieldType::Money) money_editor(c);
    else text_editor(c);
    if (e.is(c.item.id, c.def.id, c.origin)) {
      ImGui::PushFont(fonts().small);
      if (!e.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + c.width);
        ImGui::TextUnformatted(e.error.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        sem_item("error:" + c.def.id, "alert", e.error);
      } else {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
        if (c.def.type != FieldType::File)
          ImGui::TextUnformatted(tr(c.def.multiline ? "card.save_hint_multiline" : "card.save_hint"));
        ImGui::PopStyleColor();
      }
      ImGui::PopFont();
      SemNode in_order;  // the editor's own node says it is focused
      focus_item(c.origin, FocusKind::Field, in_order, true);
    }
    ImGui::PopID();
    return;
  }

  // The value, as a clickable area. Linked items, files and web links are links of their own, with a
  // pencil to edit the field.
  const Value& v = c.item.get(c.def.id);
  const std::string text = format_value(c.ws, c.def, v, lang);
  const bool empty = text.empty();
  const std::string shown = empty ? tr("card.empty_value") : text;
  const bool linky = !empty && (c.def.type == FieldType::CrmBinding || c.def.type == FieldType::File ||
                                c.def.type == FieldType::Link);
  const std::string role = is_choice_type(c.def.type) || calendar ? "combobox" : "textbox";
  bool clicked = false;
  // Tab reached this field: a typed one opens its editor as a focused input takes typing (the field edited
  // so far is saved first); a choice (a list, a calendar) shows the focus ring, and Enter opens it.
  const bool choice = is_choice_type(c.def.type) || calendar;
  bool tabbed_in = false;
  if (!linky && !choice && focus_take(c.origin)) {
    static const std::string kNobody;
    tabbed_in = commit_editor(c.ws, e, c.user ? *c.user : kNobody, c.out);
  }
  ImVec2 pos = ImGui::GetCursorScreenPos();
  float h = 0;
  if (linky) {
    ImGui::BeginGroup();
    int i = 0;
    for (const auto& x : v.elements()) {
      std::string name;
      if (c.def.type == FieldType::CrmBinding) {
        const Item* target = c.ws.item(x.str_or_empty());
        name = target ? c.ws.display_name(*target) : x.str_or_empty();
      } else if (c.def.type == FieldType::File) {
        name = x.is_file() ? x.as_file().name : "";
      } else {
        name = x.str_or_empty();
      }
      ImGui::SetCursorPosY(ImGui::GetCursorPosY() + px(2));
      const std::string href = c.def.type == FieldType::Link ? web_href(x.str_or_empty()) : std::string();
      if (link(name, c.origin + ":open:" + std::to_string(i++), color::kLink, href)) {
        if (c.def.type == FieldType::CrmBinding) c.out.open_item = x.str_or_empty();
        else if (c.def.type == FieldType::File && x.is_file()) c.out.open_file = x.as_file();
        else if (!href.empty()) c.out.open_url = href;
      }
    }
    ImGui::EndGroup();
    h = ImGui::GetItemRectSize().y + px(4);
    // The links are the controls here (and the pencil after them): the field itself is only their group.
    sem_item(c.origin, "group", c.label, text);
    ImGui::SameLine();
    // The pencil ends at the field's width (a phone's is a finger's square).
    const float pencil = std::max(px(40), touch_height(0) + ImGui::GetStyle().ItemSpacing.x);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, c.width - ImGui::GetItemRectSize().x - pencil));
    clicked = icon_button("\xe2\x9c\x8e", std::string(tr("card.edit_field")) + ": " + c.label, c.origin + ":edit");
  } else {
    float wrap = c.width - px(16);
    // On a phone at least as high as a finger needs (touch_height), the text in its middle.
    const float text_h = ImGui::CalcTextSize(shown.c_str(), nullptr, false, wrap).y;
    h = touch_height(text_h + px(8));
    const float top = (h - text_h) / 2;
    clicked = ImGui::InvisibleButton("value", ImVec2(c.width, h));
    bool hovered = ImGui::IsItemHovered();
    SemNode& n = sem_item(c.origin, role, c.label, text);
    if (choice) n.expanded = editing ? 1 : 0;
    if (calendar && editing) {
      n.invalid = !e.error.empty();
      n.description = e.error;
    }
    if (focus_item(c.origin, choice ? FocusKind::Choice : FocusKind::Field, n, editing) && !editing) clicked = true;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (hovered || editing) {
      dl->AddRectFilled(ImVec2(pos.x - px(6), pos.y), ImVec2(pos.x + c.width, pos.y + h), color::kHover, px(4));
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      ImGui::PushFont(fonts().small);
      if (calendar) {
        draw_calendar_icon(dl, ImVec2(pos.x + c.width - px(20), pos.y + top), ImGui::GetFontSize(),
                           editing ? color::kAccentDark : color::kMuted);
      } else {
        const char* pencil = is_choice_type(c.def.type) ? "\xe2\x96\xbc" : "\xe2\x9c\x8e";  // ▼ / ✎
        dl->AddText(ImVec2(pos.x + c.width - px(18), pos.y + top), color::kMuted, pencil);
      }
      ImGui::PopFont();
    }
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(pos.x, pos.y + top),
                empty ? color::kMuted : color::kText, shown.c_str(), nullptr, wrap);
  }
  if (clicked || tabbed_in) begin_edit(e, c.ws, c.item, c.def, c.origin);
  if (is_choice_type(c.def.type) && e.is(c.item.id, c.def.id, c.origin))
    choice_popup(c, ImVec2(pos.x - px(6), pos.y + h + px(2)), pos.y);
  if (calendar && e.is(c.item.id, c.def.id, c.origin)) date_editor(c, ImVec2(pos.x - px(6), pos.y + h + px(2)), pos.y);
  ImGui::PopID();
}

}  // namespace kt::ui
