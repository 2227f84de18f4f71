#include "storage/snapshot_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/json_bounded.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "storage/files.hpp"
#include "storage/journal_codec.hpp"

namespace kt::storage {

using nlohmann::json;

SnapshotStore::SnapshotStore(std::string dir, int shards) : dir_(std::move(dir)), shards_(shards) {}

std::string SnapshotStore::path(const std::string& name) const { return dir_ + "/" + name; }

std::string SnapshotStore::shard_name(int shard) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "items-%03d.json", shard);
  return buf;
}

int SnapshotStore::shard_of(const std::string& id) const {
  return static_cast<int>(crc32(id) % static_cast<std::uint32_t>(shards_));
}

namespace {
const char* kBaseFile = "base.bin";
}

bool SnapshotStore::has_base() const {
  struct stat st;
  return ::stat(path(kBaseFile).c_str(), &st) == 0;
}

bool SnapshotStore::exists() const {
  std::string ignored;
  return read_file(path("schema.json"), &ignored);
}

Status SnapshotStore::load(Workspace* ws, json* meta) const {
  std::string text;
  *meta = json::object();
  if (read_file(path("meta.json"), &text)) {
    json m = parse_json_bounded(text);
    if (m.is_discarded() || !m.is_object()) return Status::Fail("storage_damaged", "meta.json is damaged");
    *meta = std::move(m);
  }
  if (!read_file(path("schema.json"), &text)) {
    *ws = Workspace();
    return Status::Ok();
  }
  json sj = parse_json_bounded(text);
  Schema schema;
  if (sj.is_discarded()) return Status::Fail("storage_damaged", "schema.json is damaged");
  if (auto s = load_schema(sj, &schema); !s) return s;
  Workspace fresh;
  // The base is decoded from the file in chunks (100k items: ~80 MB never held whole).
  Status decoded;
  if (read_workspace(path(kBaseFile), &fresh, nullptr, &decoded)) {
    if (!decoded) return Status::Fail(decoded.code, std::string(kBaseFile) + ": " + decoded.message);
    fresh.set_schema(std::move(schema));
  } else {
    fresh = Workspace(std::move(schema));
  }
  for (int i = 0; i < shards_; ++i) {
    if (!read_file(path(shard_name(i)), &text)) continue;
    json shard = parse_json_bounded(text);
    if (shard.is_discarded() || !shard.is_object()) return Status::Fail("storage_damaged", shard_name(i) + " is damaged");
    for (const auto& [id, ij] : shard.items()) {
      if (ij.is_null()) {  // removed since the base
        fresh.remove_item(id);
        continue;
      }
      Item item;
      std::vector<TimelineEntry> tl;
      if (auto s = load_item(ij, &item, &tl); !s) return Status::Fail(s.code, shard_name(i) + ": " + s.message);
      fresh.put_item(std::move(item), &tl, false);
    }
  }
  *ws = std::move(fresh);
  return Status::Ok();
}

Status SnapshotStore::save(const json* schema, const std::vector<std::string>& items, const ItemSource& item_of,
                           const json& meta) {
  if (!make_dirs(dir_)) return Status::Fail("storage_error", "cannot create " + dir_);
  if (schema && !write_file_atomic(path("schema.json"), schema->dump()))
    return Status::Fail("storage_error", "cannot write schema.json");
  std::map<int, std::vector<std::string>> by_shard;
  for (const auto& id : items) by_shard[shard_of(id)].push_back(id);
  const bool base = !by_shard.empty() && has_base();  // a removed item must then be named, or the base's copy comes back
  for (const auto& [shard, ids] : by_shard) {
    std::string text;
    json content = json::object();
    if (read_file(path(shard_name(shard)), &text)) {
      content = parse_json_bounded(text);
      if (content.is_discarded() || !content.is_object()) content = json::object();  // rebuilt below
    }
    for (const auto& id : ids) {
      json ij = item_of(id);
      if (ij.is_null() && !base) content.erase(id);
      else content[id] = std::move(ij);
    }
    if (!write_file_atomic(path(shard_name(shard)), content.dump()))
      return Status::Fail("storage_error", "cannot write " + shard_name(shard));
  }
  return save_meta(meta);
}

Status SnapshotStore::save_all(const json& schema, const std::vector<json>& items, const json& meta) {
  if (!make_dirs(dir_)) return Status::Fail("storage_error", "cannot create " + dir_);
  std::remove(path(kBaseFile).c_str());  // every item is in the shards now
  std::vector<json> shards(static_cast<size_t>(shards_), json::object());
  for (const auto& ij : items) shards[static_cast<size_t>(shard_of(ij.at("id").get<std::string>()))][ij["id"].get<std::string>()] = ij;
  for (int i = 0; i < shards_; ++i)
    if (!write_file_atomic(path(shard_name(i)), shards[static_cast<size_t>(i)].dump()))
      return Status::Fail("storage_error", "cannot write " + shard_name(i));
  if (!write_file_atomic(path("schema.json"), schema.dump())) return Status::Fail("storage_error", "cannot write schema.json");
  return save_meta(meta);
}

Status SnapshotStore::replace_base(const std::function<bool(const std::string& path)>& write_base, const json& schema,
                                   const json& meta) {
  if (!make_dirs(dir_)) return Status::Fail("storage_error", "cannot create " + dir_);
  for (int i = 0; i < shards_; ++i) std::remove(path(shard_name(i)).c_str());
  if (!write_base(path(kBaseFile))) return Status::Fail("storage_error", std::string("cannot write ") + kBaseFile);
  if (!write_file_atomic(path("schema.json"), schema.dump())) return Status::Fail("storage_error", "cannot write schema.json");
  return save_meta(meta);
}

Status SnapshotStore::save_base(std::string_view header, std::string_view blocks, const json& schema,
                                const json& meta) {
  const std::string_view end(kBinaryBlocksEnd, sizeof kBinaryBlocksEnd);
  return replace_base([&](const std::string& file) {
    return write_file_atomic(file, std::vector<std::string_view>{header, blocks, end});
  }, schema, meta);
}

Status SnapshotStore::rebase(const Workspace& ws, const json& schema, const json& meta) {
  return replace_base([&](const std::string& file) { return write_workspace(file, ws, 0); }, schema, meta);
}

bool SnapshotStore::rebase_due(std::size_t since_base, std::size_t items) {
  return since_base >= std::max<std::size_t>(2000, items / 8);
}

Status SnapshotStore::save_meta(const json& meta) {
  if (!make_dirs(dir_)) return Status::Fail("storage_error", "cannot create " + dir_);
  if (!write_file_atomic(path("meta.json"), meta.dump())) return Status::Fail("storage_error", "cannot write meta.json");
  return Status::Ok();
}

Status SnapshotStore::clear() {
  return remove_tree(dir_) ? Status::Ok() : Status::Fail("storage_error", "cannot delete " + dir_);
}

}  // namespace kt::storage
