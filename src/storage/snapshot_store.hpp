// The confirmed server state on the client, in the persisted mount: the schema in one file and the items
// spread over a fixed number of shard files by a hash of their id. Saving after a pull rewrites only the
// shards that hold changed items, so that a browser persist copies a few hundred kilobytes, not the whole
// workspace (IDBFS writes whole files). A small meta file holds the sync cursor and acknowledgements.
//
// After a snapshot pulled in binary, the items are in base.bin (core/snapshot_binary.hpp, the pages' item
// blocks as they came) and the shards hold only items changed after it: an item there replaces the base's,
// and a null entry (a tombstone) removes it. schema.json, written with every schema change, wins over the
// base's schema. Stores of earlier builds (shards only, no base) load as before.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::storage {

class SnapshotStore {
 public:
  explicit SnapshotStore(std::string dir, int shards = 64);

  const std::string& dir() const { return dir_; }
  bool exists() const;

  // Reads everything into `ws` (replacing it) and the meta document. An empty folder gives the default
  // schema, no items and an empty meta. A damaged file fails with its name; `ws` is then unchanged.
  Status load(Workspace* ws, nlohmann::json* meta) const;

  // Writes the schema (if `schema` is set), the shards holding `items` (ids of items that changed or were
  // removed: `item_of` gives each one's JSON, or null when it is gone), and the meta document.
  using ItemSource = std::function<nlohmann::json(const std::string& id)>;
  Status save(const nlohmann::json* schema, const std::vector<std::string>& items, const ItemSource& item_of,
              const nlohmann::json& meta);
  // Replaces everything: the schema and all items (after a snapshot reset).
  Status save_all(const nlohmann::json& schema, const std::vector<nlohmann::json>& items, const nlohmann::json& meta);
  Status save_meta(const nlohmann::json& meta);
  // Starts the store over from a binary snapshot: base.bin = header + blocks + the end mark (written
  // piece by piece, never joined in memory), the schema and the meta; every shard is deleted.
  Status save_base(std::string_view header, std::string_view blocks, const nlohmann::json& schema,
                   const nlohmann::json& meta);
  bool has_base() const;
  // Starts the store over from `ws`, which must hold exactly the confirmed state (no pending edits): it
  // becomes the base file (the local store's format, written in pieces) and every shard is deleted. The
  // shards otherwise keep every item changed since the base, a save rewrites whole shards, and a start
  // parses them all as JSON. In the browser every file of it reaches IndexedDB in one transaction
  // (web/glue.js), so a reload sees the old store or the new one, never a new base under old shards.
  Status rebase(const Workspace& ws, const nlohmann::json& schema, const nlohmann::json& meta);

  // Deletes the folder's files (logout).
  Status clear();

  int shard_of(const std::string& id) const;

  // Whether a store whose shards hold `since_base` item writes since its base (of a workspace of `items`
  // items) is due to start over from a new base: past an eighth of the workspace, and at least 2,000 (a
  // base of 100k deals is ~90 MB to write; a shard of ~30 items is ~30 KB).
  static bool rebase_due(std::size_t since_base, std::size_t items);

 private:
  std::string path(const std::string& name) const;
  std::string shard_name(int shard) const;
  // Deletes every shard, writes the base file with `write_base(path)`, the schema and the meta.
  Status replace_base(const std::function<bool(const std::string& path)>& write_base, const nlohmann::json& schema,
                      const nlohmann::json& meta);

  std::string dir_;
  int shards_;
};

}  // namespace kt::storage
