// The recycle bin: deleted items of every kind the user may read, with when and by whom they were deleted
// and how long they stay; restore, or (administrators) delete for good.
#pragma once

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

void draw_recycle_bin(const Workspace& ws, const UiEnv& env, ViewState& view, UiOutput& out);

}  // namespace kt::ui
