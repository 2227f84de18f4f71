// Keyboard focus like a DOM form, for ImGui 1.86 without its navigation (which would hijack mouse clicks):
//
//   - Tab / Shift+Tab move between the focusable widgets of the topmost dialog, or of the page when no dialog
//     is open, in the order they are drawn (reading order). ImGui's own tabbing (text fields only, one child
//     window at a time) is switched off. A text field that gets the focus is activated (typing goes to it);
//     a button, checkbox, drop-down or a card's choice field shows a focus ring, and Enter or Space acts on
//     it (Up/Down change a drop-down's choice). The focused widget's semantics node says `focused`.
//   - Enter in a dialog (in a single-line field, or with Ctrl in a multi-line one, or with no widget focused)
//     presses its primary button, as Enter submits a form.
//   - Esc closes the topmost popup: a drop-down or menu first (focus_end_frame), then a modal dialog
//     (dialog_begin). While the keyboard help is open, Esc is the help's.
//
// Widgets take part through the helpers below; a widget that does not is simply skipped by Tab.
#pragma once

#include <imgui.h>

#include <string>

struct ImGuiWindow;

namespace kt::ui {

struct SemNode;

enum class FocusKind {
  Text,    // a text field: focusing it activates it
  Button,  // Enter or Space presses it
  Toggle,  // a checkbox: Space or Enter toggles it
  Choice,  // a drop-down or a card's choice field: Enter or Space opens it, Up/Down change it
  Field,   // a card's text field shown as its value: focusing it opens its editor
};

// Once, after the platform backend is set up: switches ImGui's own Tab handling off.
void focus_install();
// Every frame: begin right after ImGui::NewFrame(), end after the UI is drawn (before ImGui::Render()).
void focus_begin_frame();
void focus_end_frame();

// Before drawing a focusable widget: true once when it is to take the focus now (Tab reached it). A text
// field then calls ImGui::SetKeyboardFocusHere(); a card field opens its editor.
bool focus_take(const std::string& id);
// After drawing a focusable widget (the last ImGui item): registers it in the tab order. `current` says the
// widget holds the focus by itself (an active text field, a card field being edited). Draws the focus ring
// and marks `node` focused when it has the keyboard focus. Returns true when Enter or Space acts on it.
bool focus_item(const std::string& id, FocusKind kind, SemNode& node, bool current = false);
// For a drop-down with the focus ring: -1 or +1 when Up or Down was pressed this frame, else 0.
int focus_step(const std::string& id);

// Esc was pressed in this frame and belongs to popups and dialogs (not to the keyboard help).
bool escape_for_popups();
// The browser's Back (a phone's back button) while a popup was open: in the next frame it closes the
// topmost popup (a dialog, a menu, the sections sheet) as Esc does (app/main_web.cpp).
void focus_request_back();
// The screen changed under the widgets, between frames (a route from the browser: Back, Forward, an
// address): the widget that had the keyboard lets it go, as a text field does when its page goes away. A
// text field active on both screens under the same id would otherwise carry what was typed into the other
// screen's (a list's search into the list before).
void focus_leave_screen();
// Tab or Shift+Tab was pressed in this frame (the focus moves on at the frame's end).
bool tab_pressed();
// Esc was pressed in this frame with no popup open when the frame began (a form in place may fold).
bool escape_unclaimed();
// Esc was pressed in this frame and the popup `popup_id` was the topmost one when the frame began.
bool escape_closes(ImGuiID popup_id);
// Enter submits the dialog whose window is `root` (the primary button asks, once per frame).
bool focus_take_submit(ImGuiWindow* root);

}  // namespace kt::ui
