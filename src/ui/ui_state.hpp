// The UI's own state, kept apart from domain data (STYLE: three kinds of state in three types):
//   ViewState  - what is shown (screen, open item, sorting): local to this user and browser, never synced;
//   EditState  - transient widget buffers of the field being edited: never persisted;
//   UiEnv      - facts the app hands to the UI each frame (user, clock, save state);
//   UiOutput   - what the UI asks the app to do: commands to dispatch, undo/redo, navigation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/command.hpp"
#include "core/schema.hpp"

namespace kt::ui {

enum class Screen { DealList, Card };

struct ViewState {
  Screen screen = Screen::DealList;
  std::string item;  // id of the open card
  int sort_column = -1;
  bool sort_descending = false;

  bool operator==(const ViewState&) const = default;
};

// "#/deals" or "#/deal/<id>"; parse_route returns false (leaving `view` alone) for anything else.
std::string route_of(const ViewState& view);
bool parse_route(const std::string& hash, ViewState* view);

struct EditState {
  std::string item, field;  // the field being edited; empty when none
  std::string origin;       // which widget edits it (a field can be shown twice: the title in the header)
  std::string buffer;       // text of the editor
  std::string currency;     // money editors
  std::string error;        // inline error under the editor (already translated)
  std::vector<std::string> picks;  // choices made so far in a multiple-choice popup
  std::string search;       // filter text of a choice popup
  bool focus_pending = false;
  bool popup_pending = false;
  bool was_active = false;
  int frames_open = 0;

  bool open() const { return !field.empty(); }
  bool is(const std::string& i, const std::string& f) const { return item == i && field == f; }
  bool is(const std::string& i, const std::string& f, const std::string& o) const {
    return item == i && field == f && origin == o;
  }
  void close() { *this = EditState{}; }
};

enum class SaveState { Saved, Saving, MemoryOnly, Error };

struct UiEnv {
  std::string user;
  int tz_minutes = 0;
  bool can_undo = false;
  bool can_redo = false;
  SaveState save = SaveState::Saved;
  std::string storage_error;
  std::string notice;
};

struct UiOutput {
  std::vector<Command> commands;
  bool undo = false;
  bool redo = false;
  bool navigated = false;  // the view changed by a user action: add a browser history entry
  std::optional<Lang> language;
};

// Short messages at the bottom of the page (errors and confirmations).
void toast(std::string text, bool error);

}  // namespace kt::ui
