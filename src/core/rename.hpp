// Renaming ids throughout a workspace. A restore into a server that already holds some of the backup's ids
// (core/io/restore.hpp) gives the backup's users, items, entity types, fields and stages new ids, and every
// place that refers to them must follow, or a deal would name another company, a to-do another person:
//   users     User::id; items' created/deleted by, Employee cells (ASSIGNED_BY_ID, custom ones), to-dos'
//             responsible, participants and author, documents' author, timeline authors, Employee values in
//             history, to-do payloads; fields' author, default (Employee) and visibility codes "U<id>";
//             personal layouts "P:<id>" and scope choices; views' and templates' codes and authors
//   items     Item::id, CrmBinding cells and their history, timeline targets (links) and conversion
//             payloads, documents' item
//   entities  EntityType::id and everything typed by it: fields, binding kinds, pipelines, required
//             rules, layout families ("smart_1:0"), views, scope choices, role rights ("smart_1:0"),
//             template targets, items, documents, conversion payloads
//   fields    (entity, field) -> id: the definition, cells, history, layouts, required rules, title field
//   stages    (entity, stage) -> id: pipelines, Stage cells, stage history, required ranges
// Renames are given by the old ids and applied at once (a swap u1 <-> u2 is fine). Ids not named stay.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/workspace.hpp"

namespace kt {

struct IdRenames {
  std::unordered_map<std::string, std::string> users;
  std::unordered_map<std::string, std::string> items;
  std::unordered_map<std::string, std::string> entities;
  std::map<std::pair<std::string, std::string>, std::string> fields;  // (old entity, old field) -> new field
  std::map<std::pair<std::string, std::string>, std::string> stages;  // (old entity, old stage) -> new stage

  bool empty() const {
    return users.empty() && items.empty() && entities.empty() && fields.empty() && stages.empty();
  }
  // The new id, or the id itself when it is not renamed.
  const std::string& user(const std::string& id) const;
  const std::string& item(const std::string& id) const;
  const std::string& entity(const std::string& id) const;
  const std::string& field(const std::string& entity, const std::string& id) const;
  const std::string& stage(const std::string& entity, const std::string& id) const;
  // "U<user>" codes renamed; department codes and "UA" as they are.
  std::string code(const std::string& c) const;
  // "deal:0", "smart_1:0", "lead:simple", "company": the entity part renamed.
  std::string family(const std::string& f) const;
  // "P:<user>" renamed; "C" and "V:<view>" as they are.
  std::string scope(const std::string& s) const;
};

// The configuration. Field and stage renames are looked up by the entity's old id.
void rename_schema(Schema& s, const IdRenames& r);
// One item and its timeline. `schema` is the configuration the item belongs to before renaming: its field
// types tell which values hold user, item or stage ids.
void rename_item(const Schema& schema, const IdRenames& r, Item& item, std::vector<TimelineEntry>& timeline);
// The whole workspace, renamed, in the same order.
Workspace rename_workspace(const Workspace& ws, const IdRenames& r);

// The entity type of a layout family ("deal:0" -> "deal", "lead:simple" -> "lead", "company" -> "company").
std::string family_entity(const std::string& family);

}  // namespace kt
