// The timeline of an item: newest first, one entry per event, virtualised so that long histories scroll
// smoothly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/workspace.hpp"
#include "ui/ui_state.hpp"

namespace kt::ui {

// The composer (new comment), filters and search, pinned entries, then the history newest first.
// The history of an item; with `composer`, the comment box above it (the History tab; the main tab's
// right column has draw_composer() of the card, which holds the same box).
void draw_timeline(const Workspace& ws, const Item& item, const UiEnv& env, float width, UiOutput& out,
                   bool composer = true);
// The box a comment is written in and its "Send" button.
void draw_comment_box(const Workspace& ws, const Item& item, const UiEnv& env, float width, UiOutput& out);

// Comments written and not sent, by item: a card's box keeps its text while other cards are open, and the
// app keeps them across a page closed or discarded by the browser (App::save_drafts). At most
// kMaxCommentDrafts items keep one; setting "" forgets an item's.
constexpr size_t kMaxCommentDrafts = 50;
std::vector<std::pair<std::string, std::string>> comment_drafts();
void set_comment_draft(const std::string& item, const std::string& text);

// The entries a user may read, oldest first: changes of fields he may not see are left out.
std::vector<const TimelineEntry*> visible_timeline(const Workspace& ws, const Item& item, const std::string& user);

// The one-line summary of an entry ("Stage changed: New → In progress"), as shown and as exported.
std::string timeline_title(const Workspace& ws, const Item& item, const TimelineEntry& e);
std::string timeline_detail(const Workspace& ws, const Item& item, const TimelineEntry& e);

}  // namespace kt::ui
