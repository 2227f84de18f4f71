// Whole-state JSON: the configuration, items with their cells and timelines, as one document or piece by
// piece. Used by the sync protocol (pull pages and patches), local snapshots and backups. Projection for a
// user happens here: pass `for_user` and nothing that user may not see is written (fields restricted from
// him, their places in layouts, items he may not read, other people's personal layouts and scope choices,
// views not assigned to him). See src/server/PROTOCOL.md for the shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt {

constexpr int kSnapshotFormat = 1;

void to_json(nlohmann::json& j, const TimelineEntry& e);
void from_json(const nlohmann::json& j, TimelineEntry& e);

// The schema as JSON, projected for `for_user` when given (nullptr = everything).
nlohmann::json schema_json(const Schema& s, const std::string* for_user);
Status load_schema(const nlohmann::json& j, Schema* out);

// One item with its timeline entries of server version > timeline_from (0 = all), projected for
// `for_user` when given. The caller checks that the user may read the item at all.
nlohmann::json item_json(const Workspace& ws, const Item& item, const std::string* for_user,
                         std::uint64_t timeline_from = 0);
// The same for an item held outside a workspace (a replica's confirmed copy) with its own timeline.
nlohmann::json item_json(const Schema& s, const Item& item, const std::vector<TimelineEntry>& timeline,
                         const std::string* for_user, std::uint64_t timeline_from = 0);
Status load_item(const nlohmann::json& j, Item* item, std::vector<TimelineEntry>* timeline);
// The same straight from JSON text, without a DOM (pull pages of whole items are large): reads one item
// from `r` exactly as load_item reads it. Returns false when the reader failed or the item does not load
// as it is; the caller then uses load_item on the DOM, which gives the reason. `timeline_from` tells
// whether the item has "timelineFrom" (its timeline holds only later entries).
class JsonReader;
bool read_item(JsonReader& r, Item* item, std::vector<TimelineEntry>* timeline, bool* timeline_from);

// Everything: {"format", "schema", "items": [...]}; projected when `for_user` is given.
nlohmann::json snapshot_json(const Workspace& ws, const std::string* for_user);
// Replaces `ws` with the snapshot's state. On failure `ws` is unchanged and the status says what is wrong.
Status load_snapshot(const nlohmann::json& j, Workspace* ws);

}  // namespace kt
