// Card layouts and views (inventory 1A, 1B): which layout family an item belongs to, which layout a user
// sees (V-2), who may edit which scope (V-4, V-8), tabs (V-14), the checks that protect required fields
// (L-7, L-8), and the Bitrix24 crm.item.details.configuration JSON shape (L-1, L-2).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/item.hpp"
#include "core/schema.hpp"
#include "core/status.hpp"

namespace kt {

// "deal:<pipeline>", "invoice:<pipeline>", "smart_1:<pipeline>" for entities with pipelines;
// "lead:simple" / "lead:repeat" (a lead with a contact or company is a repeat lead, G-8); else the entity.
std::string layout_family(const Schema& s, const Item& item);
std::string layout_family(const Schema& s, const std::string& entity, const std::string& pipeline,
                          bool repeat_lead = false);
// The entity type and pipeline a family belongs to ("deal:1" -> deal, 1; "lead:repeat" -> lead, 0).
std::pair<std::string, std::string> family_owner(const Schema& s, const std::string& family);

struct ResolvedLayout {
  std::string scope;      // the scope the user sees: "C", "P:<user>", "V:<view>"
  const Layout* layout;   // never null for a known family
  bool stored = false;    // false when it is the built-in default (or inherited)
};

// V-2: the scope the user selected if still valid (a view that exists and is assigned to the user; a
// personal scope only with the "own card view" right), else personal when the user has a stored personal
// layout and the right, else common; common without a stored layout is the built-in default.
ResolvedLayout resolve_layout(const Schema& s, const std::string& user, const std::string& family);
// The layout a scope shows (falling back as a user of that scope would see it).
const Layout* effective_layout(const Schema& s, const std::string& family, const std::string& scope);

// V-4: personal scope by its owner (with the own-view right) or an administrator; common scope and views
// by whoever may configure the entity type.
bool can_edit_scope(const Schema& s, const std::string& user, const std::string& family, const std::string& scope);
// The named views of a family a user may pick: assigned to him, or all of them for administrators (V-9).
std::vector<const View*> views_for(const Schema& s, const std::string& user, const std::string& family);

// The tabs an entity type's card has, in default order: "main", "links", "history".
std::vector<std::string> default_tabs(const std::string& entity);
// The layout's tab order with hidden flags; tabs the layout does not know are appended, visible.
std::vector<TabState> tabs_of(const Layout& l, const std::string& entity);

// L-3: in view mode a field shows when it has a value or "show always" is set; edit mode shows every field.
bool shown_in_view_mode(const LayoutElement& e, const Value& v);
// L-9: the fields a user may add to a layout with "Select field": the entity's fields he can see that the
// layout does not hold (fields of a deleted section come back here, L-7).
std::vector<const FieldDef*> hidden_fields(const Schema& s, const std::string& user, const std::string& entity,
                                           const Layout& l);

// Structure checks of a layout: section ids unique and non-empty, titles non-empty, a field at most once.
Status check_layout(const Layout& l);
// L-7/L-8: going from `before` to `after` must not drop a field required in this pipeline; a dropped
// section that held one gives the section message.
Status check_layout_change(const Schema& s, const std::string& entity, const std::string& pipeline,
                           const Layout& before, const Layout& after);

// The Bitrix24 shape: [{name, title, type: "section", elements: [{name, optionFlags, options, title?}]}].
nlohmann::json export_layout(const Layout& l, Lang lang);
// Reads that shape with the validation of L-2 (error messages as the reference product words them);
// unknown element keys are dropped. Tabs are not part of the shape: `out` gets `keep_tabs`.
Status import_layout(const nlohmann::json& data, Layout* out, const std::vector<TabState>& keep_tabs = {});

}  // namespace kt
