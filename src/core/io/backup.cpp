#include "core/io/backup.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/fnv.hpp"
#include "core/json_bounded.hpp"
#include "core/snapshot.hpp"

namespace kt::io {

using nlohmann::json;

std::string backup_checksum(const json& workspace) {
  // Invalid UTF-8 is replaced rather than thrown on, the same way when writing and when checking.
  return backup_checksum_of_text(workspace.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string backup_checksum_of_text(std::string_view text) {
  return "fnv1a64:" + hex16(fnv1a(Fnv1a::kStart, text));
}

namespace {

json counts_json(const RestoreReport& r) {
  json kinds = json::object();
  for (const auto& k : r.kinds) kinds[k.entity] = k.items;
  return json{{"items", r.items}, {"byKind", kinds}, {"users", r.users}, {"customFields", r.custom_fields},
              {"timelineEntries", r.timeline_entries}};
}

}  // namespace

RestoreReport describe(const Workspace& ws) {
  RestoreReport r;
  const Schema& s = ws.schema();
  for (const auto& et : s.entities) {
    RestoreReport::Kind k{et.id, et.plural, 0, 0};
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it) continue;
      ++k.items;
      if (it->deleted) ++k.deleted;
      r.todos += it->activities.size();
      r.product_rows += it->products.size();
      for (const auto& e : ws.timeline(id)) {
        ++r.timeline_entries;
        if (e.kind == TimelineKind::Comment && !e.removed) ++r.comments;
      }
    }
    r.items += k.items;
    if (!et.system) ++r.entity_types;
    r.kinds.push_back(std::move(k));
  }
  r.users = s.users.size();
  r.departments = s.departments.size();
  r.roles = s.roles.size();
  r.pipelines = s.pipelines.size();
  for (const auto& f : s.fields)
    if (!f.system) ++r.custom_fields;
  r.layouts = s.layouts.size();
  r.views = s.views.size();
  return r;
}

std::string make_backup(const Workspace& ws, const std::string& created_by, std::int64_t now_ms) {
  json workspace = snapshot_json(ws, nullptr);
  json j;
  j["format"] = kBackupFormat;
  j["version"] = kBackupVersion;
  j["created"] = now_ms;
  j["createdBy"] = created_by;
  j["counts"] = counts_json(describe(ws));
  j["checksum"] = backup_checksum(workspace);
  j["workspace"] = std::move(workspace);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status read_backup(std::string_view text, std::int64_t now_ms, Workspace* out, RestoreReport* report) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::Fail("backup_empty", "the file is empty");
  if (text.substr(start, 3) == "\xEF\xBB\xBF") start += 3;
  Status why;
  json j = parse_json_bounded(text.substr(start), &why);
  if (j.is_discarded() && why.code == "too_deep")
    return Status::Fail("backup_foreign", "this is not a Kartoteka backup: " + why.message);
  if (j.is_discarded())
    return Status::Fail("backup_not_json", "the file is not JSON: it is damaged (cut short?) or not a backup");
  if (!j.is_object() || !j.contains("format") || j["format"] != kBackupFormat)
    return Status::Fail("backup_foreign", "this is not a Kartoteka backup (no \"format\": \"kartoteka-backup\")");
  if (!j.contains("version") || !j["version"].is_number_integer())
    return Status::Fail("backup_damaged", "the backup has no version");
  if (j["version"].get<int>() > kBackupVersion)
    return Status::Fail("backup_newer", "the backup is from a newer version of Kartoteka (format " +
                                            std::to_string(j["version"].get<int>()) + ")");
  if (!j.contains("workspace") || !j["workspace"].is_object())
    return Status::Fail("backup_damaged", "the backup holds no workspace");
  if (!j.contains("checksum") || !j["checksum"].is_string() || j["checksum"].get<std::string>() != backup_checksum(j["workspace"]))
    return Status::Fail("backup_damaged", "the checksum does not match: the file was damaged or edited");

  Workspace ws;
  if (Status s = load_snapshot(j["workspace"], &ws); !s)
    return Status::Fail("backup_invalid", "the backup does not read: " + s.message);
  // Items of entities with stages stand in a pipeline of their entity.
  for (const auto& et : ws.schema().entities) {
    if (!et.has_stages) continue;
    for (const auto& id : ws.item_ids(et.id))
      if (const Item* it = ws.item(id); it && !ws.schema().pipeline(et.id, it->pipeline))
        return Status::Fail("backup_invalid", "item " + id + " is in an unknown pipeline " + it->pipeline);
  }
  // Clocks ahead of this machine's now (a backup from a machine whose clock ran fast) are moved back to now,
  // so that every edit made after the restore wins over the restored values.
  std::vector<Item> ahead;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      bool late = false;
      for (const auto& [fid, cell] : it->fields) late = late || cell.hlc.wall > now_ms;
      if (!late) continue;
      Item copy = *it;
      for (auto& [fid, cell] : copy.fields)
        if (cell.hlc.wall > now_ms) cell.hlc = Hlc{now_ms, 0, cell.hlc.node};
      ahead.push_back(std::move(copy));
    }
  for (auto& it : ahead) ws.put_item(std::move(it), nullptr, false);

  RestoreReport r = describe(ws);
  if (j.contains("created") && j["created"].is_number_integer()) r.created_ms = j["created"].get<std::int64_t>();
  if (j.contains("createdBy") && j["createdBy"].is_string()) r.created_by = j["createdBy"].get<std::string>();
  *out = std::move(ws);
  *report = std::move(r);
  return Status::Ok();
}

}  // namespace kt::io
