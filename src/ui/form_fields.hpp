// Field editors for forms (create dialog, fill-in prompt of a stage move, default values): they edit a
// buffer and produce a validated value on submit, instead of saving on the spot like the card's editors.
#pragma once

#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::ui {

// A form's picks taken back from a drafts file (App::load_drafts) are at most this many.
constexpr size_t kMaxDraftPicks = 200;

struct FormValue {
  std::string text;
  std::string currency = "RUB";
  std::vector<std::string> picks;  // option / user / item ids for choice types
  bool flag = false;               // yes/no
  std::string error;               // shown under the control after a failed submit
};

void form_init(const Workspace& ws, const FieldDef& f, const Value& v, FormValue* out);
// Draws the labelled control; `required` adds the red asterisk.
void form_field(const Workspace& ws, const FieldDef& f, const std::string& label, bool required, FormValue* v,
                float width, const std::string& sem_id);
// Parses and validates the buffer against `context` (an item of the field's entity). Sets v->error.
Status form_value(const Workspace& ws, const Item& context, const FieldDef& f, FormValue* v, Value* out);

}  // namespace kt::ui
