// The card of one item: header (title, kind, undo/redo), stage bar, field sections on the left and the
// timeline on the right. Drawn from the item's layout, one widget per field type.
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_card(const Workspace& ws, const UiEnv& env, ViewState& view, EditState& edit, UiOutput& out);

// Shows a notification for every reminder of the user's open to-dos that fell due since the last frame, and
// asks for a frame when the next one is due (card_actions.cpp).
void notify_reminders(const Workspace& ws, const UiEnv& env);

// The to-do and message forms left open with text typed in them, per item: opening another card and coming
// back finds them, and the app keeps them across a page the browser discards (App::save_drafts), as it keeps
// the comment box's text (timeline_view.hpp comment_drafts). set_form_drafts takes back what form_drafts
// gave: forms of items no longer there, of a to-do removed since or of an unknown channel are skipped.
nlohmann::json form_drafts();
void set_form_drafts(const Workspace& ws, const nlohmann::json& forms);

}  // namespace kt::ui
