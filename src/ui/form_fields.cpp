#include "ui/form_fields.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>

#include "core/format.hpp"
#include "ui/date_picker.hpp"
#include "ui/field_editors.hpp"
#include "ui/i18n.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace kt::ui {

namespace {

struct Choice {
  std::string id, label;
};

std::vector<Choice> choices(const Workspace& ws, const FieldDef& f) {
  std::vector<Choice> out;
  const Lang lang = language();
  switch (f.type) {
    case FieldType::List:
    case FieldType::CrmDirectory:
      for (const auto& o : ws.schema().options_of(f)) out.push_back({o.id, o.label.get(lang)});
      break;
    case FieldType::Employee:
      for (const auto& u : ws.schema().users)
        if (u.active) out.push_back({u.id, u.name});
      break;
    case FieldType::CrmBinding:
      for (const auto& kind : f.binding_kinds)
        for (const auto& id : ws.item_ids(kind))
          if (const Item* it = ws.item(id); it && !it->deleted) out.push_back({id, ws.display_name(*it)});
      break;
    default: break;
  }
  return out;
}

}  // namespace

void form_init(const Workspace& ws, const FieldDef& f, const Value& v, FormValue* out) {
  *out = FormValue{};
  if (f.type == FieldType::Boolean) {
    out->flag = v.is_bool() && v.as_bool();
  } else if (is_choice_type(f.type)) {
    for (const auto& e : v.elements()) out->picks.push_back(e.str_or_empty());
  } else if (f.multiple) {
    out->text = editable_lines(f, v, language());
  } else {
    out->text = editable_text(f, v, language());
    if (v.is_money()) out->currency = v.as_money().currency;
  }
}

void form_field(const Workspace& ws, const FieldDef& f, const std::string& label, bool required, FormValue* v,
                float width, const std::string& sem_id) {
  ImGui::PushID(sem_id.c_str());
  const std::string shown = required ? label + " *" : label;
  if (f.type == FieldType::Boolean) {
    checkbox(shown, sem_id, &v->flag);
  } else if (is_choice_type(f.type)) {
    auto list = choices(ws, f);
    if (f.multiple) {
      caption(shown);
      ImGui::BeginChild("picks", ImVec2(width, std::min(px(160), px(28) * static_cast<float>(list.size()) + px(8))), true);
      for (const auto& c : list) {
        bool on = std::find(v->picks.begin(), v->picks.end(), c.id) != v->picks.end();
        if (checkbox(c.label, sem_id + ":" + c.id, &on)) {
          if (on) v->picks.push_back(c.id);
          else v->picks.erase(std::remove(v->picks.begin(), v->picks.end(), c.id), v->picks.end());
        }
      }
      ImGui::EndChild();
    } else {
      std::vector<std::string> labels{tr("card.none")};
      int index = 0;
      for (size_t i = 0; i < list.size(); ++i) {
        labels.push_back(list[i].label);
        if (!v->picks.empty() && v->picks[0] == list[i].id) index = static_cast<int>(i) + 1;
      }
      if (combo(shown, sem_id, labels, &index, width)) {
        v->picks.clear();
        if (index > 0) v->picks.push_back(list[static_cast<size_t>(index) - 1].id);
      }
    }
  } else if (f.type == FieldType::Money) {
    caption(shown);
    ImGui::SetNextItemWidth(width - px(100));
    ImGui::InputText("##amount", &v->text);
    sem_item(sem_id, "textbox", label, v->text).keyboard = keyboard_for(f.type);
    ImGui::SameLine();
    const auto& currencies = known_currencies();
    int index = static_cast<int>(std::find(currencies.begin(), currencies.end(), v->currency) - currencies.begin());
    if (combo("", sem_id + ":currency", currencies, &index, px(90), label + ", " + tr("field.currency")) &&
        index < static_cast<int>(currencies.size()))
      v->currency = currencies[static_cast<size_t>(index)];
  } else if ((f.type == FieldType::Date || f.type == FieldType::DateTime) && !f.multiple) {
    // Picked in the calendar (which also takes a typed date); a bad typed date leaves the value as it was.
    caption(shown);
    date_field(label, sem_id, &v->text, &v->error, f.type == FieldType::DateTime, !required, width);
  } else {
    const bool lines = f.multiline || f.multiple;
    const char* hint = f.type == FieldType::Date       ? tr("date.hint_date")
                       : f.type == FieldType::DateTime ? tr("date.hint_datetime")
                                                       : nullptr;
    text_input(shown, sem_id, &v->text, width, hint, lines);
    // One value: its keyboard. Several, one per line: letters, whose keyboard has the Enter a line needs (a
    // phone's keypad may have none).
    if (!f.multiple) sem_last(sem_id).keyboard = keyboard_for(f.type);
    if (f.multiple) muted_text(tr("form.one_per_line"));
  }
  if (!v->error.empty()) error_text_line(v->error, sem_id + ":error");
  ImGui::PopID();
}

Status form_value(const Workspace& ws, const Item& context, const FieldDef& f, FormValue* v, Value* out) {
  Value result;
  if (f.type == FieldType::Boolean) {
    result = Value(v->flag);
  } else if (is_choice_type(f.type)) {
    if (f.multiple) {
      Value::List l;
      for (const auto& p : v->picks) l.push_back(Value(p));
      if (!l.empty()) result = Value(std::move(l));
    } else if (!v->picks.empty()) {
      result = Value(v->picks[0]);
    }
  } else if (f.multiple) {
    FieldDef one = f;
    one.multiple = false;
    Value::List l;
    size_t start = 0;
    while (start <= v->text.size()) {
      size_t nl = v->text.find('\n', start);
      std::string line = v->text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      Value e;
      if (Status s = parse_input(one, line, v->currency, &e); !s) {
        v->error = error_text(s.code);
        return s;
      }
      if (!e.is_null()) l.push_back(std::move(e));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    if (!l.empty()) result = Value(std::move(l));
  } else if (Status s = parse_input(f, v->text, v->currency, &result); !s) {
    v->error = error_text(s.code);
    return s;
  }
  if (Status s = ws.validate_value(f, context, result); !s) {
    v->error = error_text(s.code);
    return s;
  }
  v->error.clear();
  *out = std::move(result);
  return Status::Ok();
}

}  // namespace kt::ui
