// Who may see and do what: access codes, field visibility (inventory 1D), entity rights by role (SPEC §10),
// "allow own card view" (V-8) and the configuration right. Pure functions over the schema; the UI uses them
// to mirror, the workspace and the server to enforce.
#pragma once

#include <string>
#include <vector>

#include "core/item.hpp"
#include "core/schema.hpp"

namespace kt {

// A workspace without users is being set up: whoever acts is treated as its administrator.
bool is_admin(const Schema& s, const std::string& user);

// "U<id>", "D<dept>" (own department), "DR<dept>" for the own department and every ancestor (so that a
// code DR<x> matches members of x and of all its sub-departments, V-9).
std::vector<std::string> access_codes(const Schema& s, const std::string& user);
bool matches_codes(const Schema& s, const std::string& user, const std::vector<std::string>& codes);
// The department ids under `dept`, itself included.
std::vector<std::string> department_subtree(const Schema& s, const std::string& dept);

// F-2: administrators always; otherwise when the field has no list or one of the user's codes is in it.
bool can_see_field(const Schema& s, const std::string& user, const FieldDef& f);

// The union of the user's roles for an entity type (and pipeline, when a role names it).
EntityRights rights_for(const Schema& s, const std::string& user, const std::string& entity,
                        const std::string& pipeline = {});

enum class Action { Read, Add, Edit, Remove };
// Whether the user may act on this item: level All, Department (the responsible person is in the user's
// department or below), Own (the user is responsible, or created an item without a responsible person).
bool can_act(const Schema& s, const std::string& user, const Item& item, Action a);
bool can_add(const Schema& s, const std::string& user, const std::string& entity, const std::string& pipeline);

// can_act for one user and action over many items (lists of 100,000): the same answers, with the user's
// rights worked out once per entity type and pipeline instead of once per item. Valid while the schema is
// unchanged.
class ActCheck {
 public:
  ActCheck(const Schema& s, const std::string& user, Action a);
  bool operator()(const Item& item);

 private:
  const Schema& s_;
  std::string user_;
  Action action_;
  bool admin_ = false;
  // The level for the last (entity, pipeline) seen: items of a list share them.
  std::string entity_, pipeline_;
  bool have_level_ = false;
  Level level_ = Level::None;
  // Department level: the user's department subtree, and the answer per owner already looked at.
  bool subtree_done_ = false;
  std::vector<std::string> subtree_;
  std::vector<std::pair<std::string, bool>> owners_;
};

bool can_configure(const Schema& s, const std::string& user, const std::string& entity);
bool allow_own_view(const Schema& s, const std::string& user, const std::string& entity,
                    const std::string& pipeline);

}  // namespace kt
