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

}  // namespace kt::ui
