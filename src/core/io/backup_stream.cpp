#include "core/io/backup_stream.hpp"

#include <cstdio>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/snapshot.hpp"

namespace kt::io {

using nlohmann::json;

namespace {

// Above this, a workspace whose bytes do not hash to the checksum is not parsed into a DOM to be printed
// the way make_backup printed it (a file reformatted by hand still checks out below it): that costs ten
// times the text in memory.
constexpr size_t kReformattedMax = 64u << 20;

bool json_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Structure of a text already checked to be JSON (open() reads the whole file with core/json_reader once):
// where a value ends, without checking it again. A second checking pass over a 136 MB file cost a second.
const char* value_end(const char* p, const char* end) {
  while (p < end && json_ws(*p)) ++p;
  if (p >= end) return end;
  if (*p == '"' || *p == '{' || *p == '[') {
    int depth = 0;
    bool in_string = false;
    for (; p < end; ++p) {
      const char c = *p;
      if (in_string) {
        if (c == '\\') ++p;
        else if (c == '"') {
          in_string = false;
          if (depth == 0) return p + 1;  // the value was a string
        }
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) return p + 1;
    }
    return end;
  }
  while (p < end && *p != ',' && *p != '}' && *p != ']' && !json_ws(*p)) ++p;
  return p;
}

// The elements of an array (checked JSON), each as its text.
template <class F>
void each_element(std::string_view array, F f) {
  const char* p = array.data() + 1;  // past '['
  const char* end = array.data() + array.size();
  for (;;) {
    while (p < end && (json_ws(*p) || *p == ',')) ++p;
    if (p >= end || *p == ']') return;
    const char* e = value_end(p, end);
    if (!f(std::string_view(p, static_cast<size_t>(e - p)))) return;
    p = e;
  }
}

// The members of an object (checked JSON): its key as written between the quotes, and the value's text.
template <class F>
void each_member(std::string_view object, F f) {
  const char* p = object.data() + 1;  // past '{'
  const char* end = object.data() + object.size();
  for (;;) {
    while (p < end && (json_ws(*p) || *p == ',')) ++p;
    if (p >= end || *p != '"') return;
    const char* k = value_end(p, end);
    const std::string_view key(p + 1, static_cast<size_t>(k - p - 2));
    p = k;
    while (p < end && (json_ws(*p) || *p == ':')) ++p;
    const char* v = value_end(p, end);
    f(key, std::string_view(p, static_cast<size_t>(v - p)));
    p = v;
  }
}

Status invalid(const std::string& why) { return Status::Fail("backup_invalid", "the backup does not read: " + why); }

void count(RestoreReport& r, const Schema& s, const Item& it, const std::vector<TimelineEntry>& tl) {
  for (auto& k : r.kinds)
    if (k.entity == it.entity) {
      ++k.items;
      if (it.deleted) ++k.deleted;
      break;
    }
  ++r.items;
  r.todos += it.activities.size();
  r.product_rows += it.products.size();
  for (const auto& e : tl) {
    ++r.timeline_entries;
    if (e.kind == TimelineKind::Comment && !e.removed) ++r.comments;
  }
}

}  // namespace

int json_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

Status BackupStream::open(std::string_view text, std::int64_t now_ms) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::Fail("backup_empty", "the file is empty");
  if (text.substr(start, 3) == "\xEF\xBB\xBF") start += 3;
  text = text.substr(start);
  if (json_depth(text, kBackupMaxDepth) > kBackupMaxDepth)
    return Status::Fail("backup_too_deep", "the file nests deeper than " + std::to_string(kBackupMaxDepth) +
                                               " levels: it is not a backup");
  const Status not_json =
      Status::Fail("backup_not_json", "the file is not JSON: it is damaged (cut short?) or not a backup");
  const Status foreign =
      Status::Fail("backup_foreign", "this is not a Kartoteka backup (no \"format\": \"kartoteka-backup\")");

  // The envelope: members are remembered as text spans (a repeated key: the last one, as nlohmann keeps).
  JsonReader r(text);
  if (r.peek() != '{') return r.skip() && r.at_end() ? foreign : not_json;
  std::string_view format, version, checksum, workspace, created, created_by;
  r.begin_object();
  std::string key;
  for (bool first = true; r.member(first, key); first = false) {
    std::string_view* slot = key == "format"      ? &format
                             : key == "version"   ? &version
                             : key == "checksum"  ? &checksum
                             : key == "workspace" ? &workspace
                             : key == "created"   ? &created
                             : key == "createdBy" ? &created_by
                                                  : nullptr;
    std::string_view ignored;
    if (!r.raw(slot ? *slot : ignored)) return not_json;
  }
  if (!r.ok() || !r.at_end()) return not_json;

  auto parsed = [](std::string_view v) { return v.empty() ? json() : json::parse(v, nullptr, false); };
  const json format_j = parsed(format);
  if (!format_j.is_string() || format_j != kBackupFormat) return foreign;
  const json version_j = parsed(version);
  if (!version_j.is_number_integer()) return Status::Fail("backup_damaged", "the backup has no version");
  if (version_j.get<std::int64_t>() > kBackupVersion)
    return Status::Fail("backup_newer", "the backup is from a newer version of Kartoteka (format " +
                                            std::to_string(version_j.get<std::int64_t>()) + ")");
  if (workspace.empty() || workspace.front() != '{')
    return Status::Fail("backup_damaged", "the backup holds no workspace");
  const json checksum_j = parsed(checksum);
  const Status damaged = Status::Fail("backup_damaged", "the checksum does not match: the file was damaged or edited");
  if (!checksum_j.is_string()) return damaged;
  // make_backup printed the workspace with the same printer it hashed: an untouched file hashes as it is.
  if (backup_checksum_of_text(workspace) != checksum_j.get<std::string>()) {
    if (workspace.size() > kReformattedMax) return damaged;
    const json dom = json::parse(workspace, nullptr, false);
    if (dom.is_discarded() || backup_checksum(dom) != checksum_j.get<std::string>()) return damaged;
  }

  // The workspace: {"format", "schema", "items"} as load_snapshot reads it (a repeated key: the last).
  std::string_view ws_format, schema, items;
  each_member(workspace, [&](std::string_view key, std::string_view value) {
    if (key == "format") ws_format = value;
    else if (key == "schema") schema = value;
    else if (key == "items") items = value;
  });
  if (schema.empty() || items.empty() || items.front() != '[') return invalid("this is not a Kartoteka snapshot");
  const json ws_format_j = parsed(ws_format);
  const std::int64_t f = ws_format_j.is_number_integer() ? ws_format_j.get<std::int64_t>() : 0;
  if (f != kSnapshotFormat) return invalid("snapshot format " + std::to_string(f) + " is not supported");
  Schema s;
  if (Status st = load_schema(parsed(schema), &s); !st) return invalid(st.message);

  schema_ = std::move(s);
  items_ = items;
  now_ms_ = now_ms;
  const json created_j = parsed(created), created_by_j = parsed(created_by);
  created_ms_ = created_j.is_number_integer() ? created_j.get<std::int64_t>() : 0;
  created_by_ = created_by_j.is_string() ? created_by_j.get<std::string>() : std::string();
  return Status::Ok();
}

Status BackupStream::item_ids(std::vector<std::pair<std::string, std::string>>* out) const {
  Status result;
  each_element(items_, [&](std::string_view text) {
    std::string id, entity;
    if (!text.empty() && text.front() == '{')
      each_member(text, [&](std::string_view key, std::string_view value) {
        if (key == "id" || key == "entity") {
          JsonReader r(value);
          std::string& to = key == "id" ? id : entity;
          if (!r.string(to)) to.clear();
        }
      });
    if (id.empty() || entity.empty()) {
      result = invalid("an item has no id or entity type");
      return false;
    }
    out->emplace_back(std::move(id), std::move(entity));
    return true;
  });
  return result;
}

Status BackupStream::items(const ItemSink& each, RestoreReport* report) const {
  if (report) {
    *report = RestoreReport{};
    for (const auto& et : schema_.entities) {
      report->kinds.push_back(RestoreReport::Kind{et.id, et.plural, 0, 0});
      if (!et.system) ++report->entity_types;
    }
    report->users = schema_.users.size();
    report->departments = schema_.departments.size();
    report->roles = schema_.roles.size();
    report->pipelines = schema_.pipelines.size();
    for (const auto& fd : schema_.fields)
      if (!fd.system) ++report->custom_fields;
    report->layouts = schema_.layouts.size();
    report->views = schema_.views.size();
    report->created_ms = created_ms_;
    report->created_by = created_by_;
  }
  std::unordered_set<std::string> seen;
  Status result;
  each_element(items_, [&](std::string_view text) {
    result = item(text, seen, each, report);
    return result.ok();
  });
  return result;
}

Status BackupStream::item(std::string_view text, std::unordered_set<std::string>& seen, const ItemSink& each,
                          RestoreReport* report) const {
  Item item;
  std::vector<TimelineEntry> tl;
  JsonReader one(text);
  bool partial = false;
  if (!read_item(one, &item, &tl, &partial) || !one.at_end()) {
    // The DOM path gives the precise reason (and reads what the fast path leaves to it).
    item = Item();
    tl.clear();
    if (Status s = load_item(json::parse(text, nullptr, false), &item, &tl); !s) return invalid(s.message);
  }
  const EntityType* et = schema_.entity(item.entity);
  if (!et) return invalid("item " + item.id + " has an unknown entity type " + item.entity);
  if (!seen.insert(item.id).second) return invalid("item " + item.id + " appears twice");
  if (et->has_stages && !schema_.pipeline(et->id, item.pipeline))
    return Status::Fail("backup_invalid", "item " + item.id + " is in an unknown pipeline " + item.pipeline);
  // As read_backup: a clock ahead of now (the backup's machine ran fast) comes back to now, so that every
  // edit after the restore wins over the restored value.
  for (auto& [fid, cell] : item.fields)
    if (cell.hlc.wall > now_ms_) cell.hlc = Hlc{now_ms_, 0, cell.hlc.node};
  if (report) count(*report, schema_, item, tl);
  return each(std::move(item), std::move(tl));
}

Status read_backup_stream(std::string_view text, std::int64_t now_ms, Workspace* out, RestoreReport* report) {
  BackupStream in;
  if (Status s = in.open(text, now_ms); !s) return s;
  Workspace ws(in.schema());
  RestoreReport r;
  Status s = in.items(
      [&](Item&& item, std::vector<TimelineEntry>&& tl) {
        ws.put_item(std::move(item), std::move(tl), false);
        return Status::Ok();
      },
      &r);
  if (!s) return s;
  *out = std::move(ws);
  *report = std::move(r);
  return Status::Ok();
}

}  // namespace kt::io
