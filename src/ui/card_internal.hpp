// Internal to the card: the state shared by its parts (card.cpp: header, stage bar, tabs; card_sections.cpp:
// field sections and layout editing; card_dialogs.cpp: the dialogs) and the functions they call on each other.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/layouts.hpp"
#include "core/workspace.hpp"
#include "ui/form_fields.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// What a card needs to know every frame about the layout it shows and who may change it.
struct CardContext {
  const Workspace& ws;
  const UiEnv& env;
  ViewState& view;
  EditState& edit;
  UiOutput& out;
  const Item& item;
  std::string family;
  ResolvedLayout resolved;
  // Where layout edits go: the scope shown if the user may edit it, else his personal copy (when he may
  // have one); empty when he may not change the layout at all.
  std::string target_scope;
  bool can_configure = false;  // fields, required rules, views of this entity type
  bool can_edit_item = false;
  // Esc was pressed with no popup open and no card field being edited: it folds what the card shows open.
  bool esc_free = false;
};

// Transient state of the open card (reset when another item opens).
struct CardUi {
  std::string item;
  std::set<std::string> editing_sections;  // sections in edit mode
  bool configure_tabs = false;
  std::string renaming_section;
  std::string rename_buffer;
  bool rename_focus = false;
  std::string layout_error;  // inline message of a refused layout change
  std::string layout_error_section;
  std::string scrolled_for;  // the item the phone's one-column card was last scrolled to the top for

  // How far each field's row moved the cursor when last drawn (view mode), so that rows out of view are
  // skipped by their height rather than drawn: a card of hundreds of fields drew every one each frame.
  // Valid for one state of the data, width, font, user and open editor (`rows_key`).
  std::string rows_key;
  std::unordered_map<std::string, float> row_advance;
  // Per section (by id): which of its elements show (indexes), for the same state (`rows_key`) and the
  // section's edit mode; worked out over all its fields, not in every frame.
  struct Shown {
    bool editing = false;
    std::vector<size_t> elements;
  };
  std::unordered_map<std::string, Shown> shown;

  struct FieldConfig {
    bool open = false;
    std::string field;
    std::string section;  // where the field sits in the layout ("" when it is not in it)
    FieldDef def;
    bool show_always = true;
    int required_mode = 0;  // 0 optional, 1 always, 2 on stages
    // Per pipeline: process range [start, finish] and failure range, as indexes into its stages (-1 none).
    std::map<std::string, std::pair<int, int>> process, junk;
    bool restricted = false;
    std::set<std::string> codes;
    FormValue default_value;
    std::string error;
  } config;

  struct CreateField {
    bool open = false;
    std::string section;
    int type = 0;
    std::string name_ru, name_en;
    bool multiple = false, required = false, show_always = true, multiline = false;
    std::vector<ListOption> options{{"o1", {}}, {"o2", {}}};
    Value default_value;  // the option chosen for new items, if any
    std::set<std::string> kinds;
    int directory = 0;
    int precision = 2;
    std::string error;
  } create;

  struct Views {
    bool open = false;
    std::string editing;  // view id being edited, "" for a new one
    std::string name;
    std::set<std::string> codes;
    bool auto_apply = false;
    std::string error;
    std::string deleting;  // view id whose deletion is being asked
  } views;

  struct Confirm {
    bool open = false;
    std::string title, text, id;
    std::vector<Command> commands;  // issued on "Yes"
  } confirm;

  struct Import {
    bool open = false;
    std::string text;
    std::string error;
  } import;
};

CardUi& card_ui();

// Dispatches a layout change to the target scope (making it the user's selection when it is a new
// personal copy). Returns false, with card_ui().layout_error set, when the change breaks a rule.
bool put_layout(CardContext& c, const Layout& after, const std::string& section_for_error = {});
const Layout& current_layout(const CardContext& c);

// card_sections.cpp
void draw_sections(CardContext& c, float width);
void draw_view_switcher(CardContext& c, float width);

// card_actions.cpp: the action bar, the client block, planned to-dos, product rows, and their dialogs.
// `composer`: the card shows draw_composer() too, which offers the to-do and the document itself.
void draw_action_bar(CardContext& c, float width, bool composer = false);
void draw_composer(CardContext& c, float width);
// "Create on the basis of" (convert), where the card offers it: its label (empty when not) and the button.
std::string convert_label(const CardContext& c);
bool convert_button(CardContext& c);
void draw_client_block(CardContext& c, float width);
void draw_todo_block(CardContext& c, float width);
void draw_products(CardContext& c, float width);
void draw_action_dialogs(CardContext& c);

// card_dialogs.cpp
void request_stage(CardContext& c, const std::string& stage);
void request_pipeline(CardContext& c, const std::string& pipeline);
void open_field_config(CardContext& c, const std::string& field, const std::string& section);
void open_create_field(CardContext& c, const std::string& section);
void open_views_dialog(CardContext& c);
void confirm(const std::string& id, const std::string& title, const std::string& text, std::vector<Command> commands);
void draw_card_dialogs(CardContext& c);

}  // namespace kt::ui
