// One widget per field type, looked up from the field's type: shows the value, and edits it in place.
// Editing follows the card's rule: a click opens the editor, leaving it (Enter, a click elsewhere) saves,
// Esc cancels; a value that does not parse or validate stays in the editor with an inline error and
// changes nothing.
#pragma once

#include <string>

#include "core/schema.hpp"
#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

struct FieldContext {
  const Workspace& ws;
  const Item& item;
  const FieldDef& def;
  std::string label;  // the layout's label override or the field's own label
  EditState& edit;
  UiOutput& out;
  float width;  // available width in pixels
  std::string origin = {};  // semantics id of this widget; empty = field_sem_id(item, def)
  const std::string* user = nullptr;  // who edits: required rules depend on what he may see
};

// Draws the label and the value of one field, or its editor while it is being edited.
void draw_field(FieldContext& ctx);

// Opens the editor of a field (refused while another editor shows an error). Returns false if refused.
bool begin_edit(EditState& edit, const Workspace& ws, const Item& item, const FieldDef& def,
                const std::string& origin);

// Commits the open editor the way Enter does (text parsed and validated; a multiple choice's picks), without
// drawing: for when the page goes away with an editor open. The commands go to `out`. Returns false when the
// value does not parse or validate: the editor then stays open with its error.
bool commit_editor(const Workspace& ws, EditState& edit, const std::string& user, UiOutput& out);

// Semantics id of a field's value widget: "field:<item>:<field>".
std::string field_sem_id(const Item& item, const FieldDef& def);

// True for the types edited by choosing from a list rather than by typing.
bool is_choice_type(FieldType t);
// The on-screen keyboard for typing a value of the type (SemNode::keyboard): digits for numbers and amounts,
// a phone's keypad, an e-mail's or an address's keys; nullptr for letters.
const char* keyboard_for(FieldType t);

}  // namespace kt::ui
