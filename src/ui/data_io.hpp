// Data in and out of the UI: the import dialog (a CSV or vCard file -> mapping of columns to fields with a
// preview -> the rows checked across frames -> rejected rows and duplicates -> confirmed rows written as
// commands, a chunk per frame), the export menu of a list (CSV of the visible columns and current filter,
// vCard of contacts, iCalendar of to-dos) and the backup / restore page of the settings.
// Nothing is written before the user confirms: checking only reads the workspace; the import's commands go
// through UiOutput like every edit, so they are journaled, synced and (merges) undoable.
#pragma once

#include <string>
#include <vector>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// The "Import / export" button of a list and its menu. `ids` are the items of the list as shown (filter and
// order applied); `columns` the field ids of its visible columns ("TITLE" = the name).
// The label of the list's import/export button (a toolbar measures it before drawing it).
std::string data_io_menu_label();
void data_io_list_menu(const Workspace& ws, const UiEnv& env, const std::string& entity,
                       const std::vector<std::string>& ids, const std::vector<std::string>& columns, UiOutput& out);

// Opens the import dialog with an entity type chosen.
void open_import_dialog(const std::string& entity);

// The import dialog; called once per frame after the screen (it works across frames while open).
void draw_data_io_dialogs(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out);

// Whether an import is checking or writing rows (frames must keep coming).
bool data_io_busy();

// The settings page "Backup": download the whole workspace; restore one with a dry run first.
void data_settings_page(const Workspace& ws, const UiEnv& env, UiOutput& out, float width);

}  // namespace kt::ui
