#include "core/workspace.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "core/calendar.hpp"
#include "core/required.hpp"
#include "core/rights.hpp"
#include "core/snapshot_binary.hpp"

namespace kt {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Item and timeline helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

const Value kNull;
const std::vector<std::string> kNoIds;
const std::vector<TimelineEntry> kNoEntries;

auto field_less = [](const std::pair<std::string, Cell>& p, const std::string& k) { return p.first < k; };

}  // namespace

const Value& Item::get(const std::string& field) const {
  const Cell* c = cell(field);
  return c ? c->value : kNull;
}

const Cell* Item::cell(const std::string& field) const {
  // Most items hold a dozen fields: one pass comparing lengths (and the last letter, "UF_CRM_..." ids share
  // their start) beats a binary search of full string comparisons; cards with hundreds of fields search.
  if (fields.size() <= 16) {
    const size_t n = field.size();
    if (n == 0) {
      for (const auto& p : fields)
        if (p.first.empty()) return &p.second;
      return nullptr;
    }
    const char last = field[n - 1];
    for (const auto& p : fields)
      if (p.first.size() == n && p.first[n - 1] == last && std::memcmp(p.first.data(), field.data(), n) == 0)
        return &p.second;
    return nullptr;
  }
  auto it = std::lower_bound(fields.begin(), fields.end(), field, field_less);
  return it != fields.end() && it->first == field ? &it->second : nullptr;
}

Cell& Item::cell_for_write(const std::string& field) {
  // Found as cell() finds it: a merge writes 100,000 cells of items not in the cache, and a binary search
  // waited for memory at every step, where one pass reads ahead.
  if (const Cell* c = std::as_const(*this).cell(field)) return const_cast<Cell&>(*c);
  auto it = std::lower_bound(fields.begin(), fields.end(), field, field_less);
  if (it == fields.end() || it->first != field) it = fields.insert(it, {field, Cell{}});
  return it->second;
}

void Item::erase(const std::string& field) {
  auto it = std::lower_bound(fields.begin(), fields.end(), field, field_less);
  if (it != fields.end() && it->first == field) fields.erase(it);
}

namespace {
constexpr const char* kKindNames[kTimelineKinds] = {
    "created",  "field_changed", "stage_changed", "overridden",    "comment",
    "linked",   "unlinked",      "pipeline_changed", "deleted",    "restored",
    "todo_planned", "todo_completed", "communication", "conversion", "document"};
}  // namespace

const char* timeline_kind_name(TimelineKind k) {
  int i = static_cast<int>(k);
  return i >= 0 && i < kTimelineKinds ? kKindNames[i] : "unknown";
}

bool timeline_kind_from_name(const std::string& name, TimelineKind* out) {
  for (int i = 0; i < kTimelineKinds; ++i)
    if (name == kKindNames[i]) return *out = static_cast<TimelineKind>(i), true;
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Queries
// ---------------------------------------------------------------------------------------------------------

const Item* Workspace::item(const std::string& id) const {
  const Slot* s = slot(id);
  return s ? &s->item : nullptr;
}

const std::vector<std::string>& Workspace::item_ids(const std::string& entity) const {
  auto it = ids_by_entity_.find(entity);
  return it == ids_by_entity_.end() ? kNoIds : it->second;
}

std::uint64_t Workspace::last_number(const std::string& entity) const {
  auto it = last_number_.find(entity);
  return it == last_number_.end() ? 0 : it->second;
}

void Workspace::raise_last_numbers(const std::map<std::string, std::uint64_t>& last) {
  for (const auto& [entity, n] : last) {
    std::uint64_t& mine = last_number_[entity];
    mine = std::max(mine, n);
  }
}

std::uint64_t item_number_of(std::string_view text) {
  if (text.empty() || text.size() > 15) return 0;
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n <= Item::kMaxNumber ? n : 0;
}

const Item* Workspace::item_by_number(const std::string& entity, std::uint64_t number) const {
  if (number == 0) return nullptr;
  for (const auto& id : item_ids(entity))  // a route is opened now and then: a scan is enough
    if (const Slot* s = slot(id); s && s->item.number == number) return &s->item;
  return nullptr;
}

bool Workspace::has_unnumbered() const {
  for (const auto& [id, s] : items_)
    if (s.item.number == 0) return true;
  return false;
}

size_t Workspace::number_unnumbered() {
  size_t numbered = 0;
  for (const auto& [entity, ids] : ids_by_entity_) {
    std::unordered_set<std::uint64_t> taken;
    std::vector<Item*> todo;
    for (const auto& id : ids)
      if (Slot* s = slot(id); s && (s->item.number == 0 || !taken.insert(s->item.number).second))
        todo.push_back(&s->item);
    if (todo.empty()) continue;
    std::sort(todo.begin(), todo.end(), [](const Item* a, const Item* b) {
      return a->created_ms != b->created_ms ? a->created_ms < b->created_ms : a->id < b->id;
    });
    std::uint64_t& last = last_number_[entity];
    for (Item* it : todo) {
      it->number = ++last;
      it->rev = ++version_;
    }
    numbered += todo.size();
  }
  return numbered;
}

const std::vector<TimelineEntry>& Workspace::timeline(const std::string& item) const {
  const Slot* s = slot(item);
  return s ? unpacked(*s) : kNoEntries;
}

std::uint64_t Workspace::Stamp::next() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

std::string Workspace::display_name(const Item& item) const {
  std::string out;
  append_display_name(out, item);
  return out;
}

void Workspace::append_display_name(std::string& out, const Item& item) const {
  static const std::string kLast = "LAST_NAME", kFirst = "NAME", kTitle = "TITLE";
  if (item.entity == "contact") {
    const std::string& last = item.get(kLast).str_or_empty();
    const std::string& first = item.get(kFirst).str_or_empty();
    out += last;
    if (!last.empty() && !first.empty()) out += ' ';
    if (last.empty() || !first.empty()) out += first;
    return;
  }
  const EntityType* et = schema_.entity(item.entity);
  out += item.get(et ? et->title_field : kTitle).str_or_empty();
}

const FieldDef* Workspace::field_def(const std::string& entity, const std::string& id) {
  const auto& fields = schema_.fields;
  auto hint = field_hints_.find(id);
  if (hint != field_hints_.end())
    for (std::uint32_t i : hint->second)
      if (i < fields.size() && fields[i].entity == entity && fields[i].id == id) return &fields[i];
  const FieldDef* f = schema_.field(entity, id);
  if (!f) return nullptr;  // unknown ids leave no hint (a client cannot grow the map with made-up ids)
  auto& hints = field_hints_[id];
  hints.erase(std::remove_if(hints.begin(), hints.end(),
                             [&](std::uint32_t i) { return i >= fields.size() || fields[i].id != id; }),
              hints.end());
  hints.push_back(static_cast<std::uint32_t>(f - fields.data()));
  return f;
}

std::vector<const Item*> Workspace::items_linking_to(const std::string& id) const {
  std::vector<const Item*> out;
  for (const auto& [iid, s] : items_) {
    const Item& it = s.item;
    if (it.deleted || iid == id) continue;
    for (const auto& [fid, cell] : it.fields) {
      const FieldDef* f = schema_.field(it.entity, fid);
      if (!f || f->type != FieldType::CrmBinding) continue;
      bool hit = false;
      for (const auto& v : cell.value.elements()) hit = hit || v.str_or_empty() == id;
      if (hit) {
        out.push_back(&it);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Item* a, const Item* b) { return a->created_ms < b->created_ms; });
  return out;
}

size_t Workspace::count_values(const std::string& entity, const std::string& field) const {
  size_t n = 0;
  for (const auto& id : item_ids(entity)) {
    const Item* it = item(id);
    if (it && !it->deleted && !it->get(field).empty()) ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Validation
// ---------------------------------------------------------------------------------------------------------

namespace {

bool looks_like_email(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size()) return false;
  if (s.find('@', at + 1) != std::string::npos) return false;
  auto dot = s.find('.', at + 2);
  if (dot == std::string::npos || dot + 1 >= s.size()) return false;
  return s.find_first_of(" \t\r\n,;") == std::string::npos;
}

bool looks_like_phone(const std::string& s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
      return false;
  }
  return digits >= 5 && digits <= 15;
}

bool looks_like_url(const std::string& s) {
  if (s.find_first_of(" \t\r\n") != std::string::npos) return false;
  auto starts = [&s](const char* p) { return s.rfind(p, 0) == 0; };
  std::string host = s;
  if (starts("http://")) host = s.substr(7);
  else if (starts("https://")) host = s.substr(8);
  else if (s.find("://") != std::string::npos) return false;
  return host.find('.') != std::string::npos && host.front() != '.' && host.size() >= 3;
}

bool is_currency_code(const std::string& c) {
  return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

constexpr size_t kMaxText = 65536;

}  // namespace

Status Workspace::validate_value(const FieldDef& f, const Item& item, const Value& value) const {
  if (value.is_null()) return Status::Ok();
  if (f.multiple) {
    if (!value.is_list()) return Status::Fail("not_a_list", "field " + f.id + " holds several values", f.id);
    for (const auto& e : value.as_list()) {
      if (e.is_list() || e.is_null())
        return Status::Fail("invalid_value", "field " + f.id + ": nested or empty element", f.id);
      FieldDef single = f;
      single.multiple = false;
      if (auto s = validate_value(single, item, e); !s) return s;
    }
    return Status::Ok();
  }
  if (value.is_list()) return Status::Fail("not_multiple", "field " + f.id + " holds one value", f.id);

  // `what` is the text, or a function making it: the message of a dynamic text is made only for a value that
  // fails (a merge validates 100,000 values).
  auto want = [&](bool ok, const char* code, const auto& what) -> Status {
    if (ok) return Status::Ok();
    if constexpr (std::is_invocable_v<decltype(what)>) return Status::Fail(code, "field " + f.id + ": " + what(), f.id);
    else return Status::Fail(code, "field " + f.id + ": " + what, f.id);
  };
  switch (f.type) {
    case FieldType::String:
    case FieldType::Address:
      if (!value.is_string()) return want(false, "invalid_value", "expected text");
      return want(value.as_string().size() <= kMaxText, "too_long", "text longer than 64 KB");
    case FieldType::Link:
      return want(value.is_string() && looks_like_url(value.as_string()), "invalid_url",
                  "expected a web address");
    case FieldType::Phone:
      return want(value.is_string() && looks_like_phone(value.as_string()), "invalid_phone",
                  "expected a phone number");
    case FieldType::Email:
      return want(value.is_string() && looks_like_email(value.as_string()), "invalid_email",
                  "expected an e-mail address");
    case FieldType::Integer: return want(value.is_int(), "invalid_integer", "expected a whole number");
    case FieldType::Number:
      return want(value.is_double() || value.is_int(), "invalid_number", "expected a number");
    case FieldType::Boolean: return want(value.is_bool(), "invalid_value", "expected yes or no");
    case FieldType::Date: {
      Date d;
      return want(value.is_string() && parse_iso_date(value.as_string(), &d), "invalid_date",
                  "expected a date");
    }
    case FieldType::DateTime: {
      DateTime t;
      return want(value.is_string() && parse_iso_datetime(value.as_string(), &t), "invalid_datetime",
                  "expected a date and time");
    }
    case FieldType::List:
    case FieldType::CrmDirectory: {
      bool ok = false;
      if (value.is_string())
        for (const auto& o : schema_.options_of(f)) ok = ok || o.id == value.as_string();
      return want(ok, "unknown_option", [&] { return "no such option: " + value.str_or_empty(); });
    }
    case FieldType::Money:
      if (!value.is_money()) return want(false, "invalid_money", "expected an amount");
      return want(is_currency_code(value.as_money().currency), "invalid_currency",
                  [&] { return "unknown currency " + value.as_money().currency; });
    case FieldType::File:
      if (!value.is_file() || value.as_file().id.empty()) return want(false, "invalid_value", "expected a file");
      return want(value.as_file().size <= f.max_file_size, "file_too_large",
                  [&] { return "the file is larger than " + std::to_string(f.max_file_size) + " bytes"; });
    case FieldType::Employee:
      return want(value.is_string() && schema_.user(value.as_string()) != nullptr, "unknown_user",
                  [&] { return "no such user: " + value.str_or_empty(); });
    case FieldType::CrmBinding: {
      if (!value.is_string()) return want(false, "invalid_value", "expected an item");
      const Item* target = this->item(value.as_string());
      if (!target || target->deleted)
        return want(false, "unknown_item", [&] { return "no such item: " + value.as_string(); });
      bool kind_ok = f.binding_kinds.empty() ||
                     std::find(f.binding_kinds.begin(), f.binding_kinds.end(), target->entity) !=
                         f.binding_kinds.end();
      return want(kind_ok, "wrong_kind", [&] { return "cannot link a " + target->entity; });
    }
    case FieldType::Stage: {
      const Pipeline* p = schema_.pipeline(item.entity, item.pipeline);
      return want(value.is_string() && p && p->stage(value.as_string()), "unknown_stage",
                  [&] { return "no such stage: " + value.str_or_empty(); });
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Applying mutations
// ---------------------------------------------------------------------------------------------------------

Status Workspace::apply(const Mutation& m) {
  ++version_;  // also on failure: cheap, and a cache rebuilt once too often is harmless
  return std::visit(
      [&](const auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateItem>) return apply_create(m, c);
        else if constexpr (std::is_same_v<T, SetField>) return apply_set(m, c);
        else if constexpr (std::is_same_v<T, MoveStage>) return apply_move(m, c);
        else if constexpr (std::is_same_v<T, ChangePipeline> || std::is_same_v<T, AddComment> ||
                           std::is_same_v<T, EditComment> || std::is_same_v<T, PinEntry> ||
                           std::is_same_v<T, SetNote> || std::is_same_v<T, DeleteItem> ||
                           std::is_same_v<T, RestoreItem> || std::is_same_v<T, PurgeItem> ||
                           std::is_same_v<T, PutTodo> || std::is_same_v<T, CompleteTodo> ||
                           std::is_same_v<T, RemoveTodo> || std::is_same_v<T, LogCommunication> ||
                           std::is_same_v<T, SetProducts> || std::is_same_v<T, Convert> ||
                           std::is_same_v<T, GenerateDocument>)
          return apply_item(m, c);
        else return apply_config(m, c);
      },
      m.cmd);
}

TimelineEntry& Workspace::add_timeline(const Mutation& m, const std::string& item, TimelineKind kind,
                                       std::string field, Value old_value, Value new_value, int* entry) {
  return add_timeline(m, items_.at(item), kind, std::move(field), std::move(old_value), std::move(new_value), entry);
}

TimelineEntry& Workspace::add_timeline(const Mutation& m, Slot& s, TimelineKind kind, std::string field,
                                       Value old_value, Value new_value, int* entry) {
  const std::string& item = s.item.id;
  auto& tl = unpacked(s);
  // client:seq names the mutation on every replica; a mutation with several entries numbers the rest.
  // The id is made in place (one string: ids are longer than what wasm32 keeps inside a string); its first
  // `base` characters are always client:seq.
  char seq[24];
  std::string id = m.client;
  id += ':';
  id.append(seq, std::to_chars(seq, seq + sizeof seq, m.seq).ptr);
  const size_t base = id.size();
  auto number = [&](int n) {
    id.resize(base);
    id += ':';
    id += std::to_string(n);
  };
  if (entry && (*entry)++ > 0) number(*entry - 1);
  // Several steps of one mutation may write to one timeline (a conversion links a company from the new
  // contact and the new deal): the entries of a mutation are last in the timeline; keep their ids unique.
  auto of_this_mutation = [&](const std::string& x) {  // base, or base + ":" + n
    return x.size() >= base && x.compare(0, base, id, 0, base) == 0 && (x.size() == base || x[base] == ':');
  };
  auto taken = [&](const std::string& x) {
    for (auto r = tl.rbegin(); r != tl.rend() && of_this_mutation(r->id); ++r)
      if (r->id == x) return true;
    return false;
  };
  for (int n = 1; taken(id); ++n) number(n);
  // Made in place: an entry is large (strings and two values), moving it is not free.
  TimelineEntry& e = tl.emplace_back();
  e.id = std::move(id);
  e.item = item;
  e.kind = kind;
  e.author = m.author;
  e.time_ms = m.time_ms;
  e.field = std::move(field);
  e.old_value = std::move(old_value);
  e.new_value = std::move(new_value);
  if (track_new_) new_entries_.emplace_back(item, tl.size() - 1);
  return e;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Replica operations
// ---------------------------------------------------------------------------------------------------------

namespace {

// Entries replace those of the same id or are added: moved from a mutable `entries`, copied from a const one.
template <typename Entries>
void merge_entries(std::vector<TimelineEntry>& tl, Entries& entries) {
  for (auto& e : entries) {
    auto same = std::find_if(tl.begin(), tl.end(), [&](const TimelineEntry& x) { return x.id == e.id; });
    if constexpr (std::is_const_v<Entries>) {
      if (same != tl.end()) *same = e;
      else tl.push_back(e);
    } else {
      if (same != tl.end()) *same = std::move(e);
      else tl.push_back(std::move(e));
    }
  }
  // Confirmed entries in server order, then local ones in the order they were made. Entries after the
  // cursor mostly come in that order already.
  auto order = [](const TimelineEntry& a, const TimelineEntry& b) {
    if ((a.ver == 0) != (b.ver == 0)) return b.ver == 0;
    return a.ver < b.ver;
  };
  if (!std::is_sorted(tl.begin(), tl.end(), order)) std::stable_sort(tl.begin(), tl.end(), order);
}

}  // namespace

void Workspace::put_item(Item item, std::vector<TimelineEntry>&& timeline, bool merge_timeline) {
  Slot& s = put_slot(std::move(item));
  if (merge_timeline) return this->merge_timeline(s, timeline);
  drop_packed(s);
  s.timeline = std::move(timeline);
}

bool Workspace::patch_item(Item&& changed, ItemChanges&& changes) {
  auto found = items_.find(changed.id);
  if (found == items_.end() || found->second.item.entity != changed.entity) return false;
  Slot& s = found->second;
  Item& it = s.item;
  it.pipeline = std::move(changed.pipeline);
  if (changed.number) {
    it.number = changed.number;
    std::uint64_t& last = last_number_[it.entity];
    last = std::max(last, it.number);
  }
  it.created_ms = changed.created_ms;
  it.created_by = std::move(changed.created_by);
  it.deleted = changed.deleted;
  it.deleted_ms = changed.deleted_ms;
  it.deleted_by = std::move(changed.deleted_by);
  for (auto& [fid, cell] : changed.fields) it.cell_for_write(fid) = std::move(cell);
  for (const auto& fid : changes.erased) it.erase(fid);
  if (changes.lists) {
    it.activities = std::move(changed.activities);
    it.products = std::move(changed.products);
    it.documents = std::move(changed.documents);
  }
  it.rev = ++version_;
  // A timeline still packed since the start takes entries after it as they came: decoding it, to add one
  // entry, cost more than the rest of merging an item's changes.
  PackedTimeline& entries = changes.entries;
  if (!entries.count || (s.packed.count && append_packed(&s.packed, std::move(entries), changes.first_ver)))
    return true;
  std::vector<TimelineEntry> decoded;
  unpack_timeline(entries, it.id, &decoded);  // checked when the page was read
  merge_entries(unpacked(s), decoded);
  return true;
}

void Workspace::merge_timeline(Slot& s, std::vector<TimelineEntry>& entries) {
  if (s.packed.count && append_packed(&s.packed, entries)) return;  // as patch_item
  merge_entries(unpacked(s), entries);
}

void Workspace::put_item(Item item, PackedTimeline timeline) {
  Slot& s = put_slot(std::move(item));
  std::vector<TimelineEntry>().swap(s.timeline);
  drop_packed(s);
  if (timeline.count) {
    s.packed = std::move(timeline);
    ++packed_count_;
  }
}

const PackedTimeline* Workspace::packed_timeline(const std::string& item) const {
  if (!packed_count_) return nullptr;
  const Slot* s = slot(item);
  return s && s->packed.count ? &s->packed : nullptr;
}

void Workspace::unpack_all() {
  // In the order the items were made, so that their timelines lie in memory in that order (as when they
  // were loaded decoded).
  for (const auto& [entity, ids] : ids_by_entity_) {
    if (!packed_count_) return;
    for (const auto& id : ids) unpacked(items_.at(id));
  }
}

void Workspace::unpack_slow(const Slot& s) const {
  s.timeline.clear();
  // Checked when it was stored: cannot fail short of memory damage.
  unpack_timeline(s.packed, s.item.id, &s.timeline);
  s.packed = PackedTimeline();
  --packed_count_;
}

void Workspace::drop_packed(Slot& s) {
  if (!s.packed.count) return;
  s.packed = PackedTimeline();
  --packed_count_;
}

Workspace::Slot& Workspace::put_slot(Item item) {
  ++version_;
  item.rev = version_;
  if (item.number) {
    std::uint64_t& last = last_number_[item.entity];
    last = std::max(last, item.number);
  }
  auto found = items_.find(item.id);
  if (found == items_.end()) {
    ids_by_entity_[item.entity].push_back(item.id);
    std::string id = item.id;
    found = items_.emplace(std::move(id), Slot{std::move(item), {}, {}}).first;
    stamp_.bump();
  } else {
    found->second.item = std::move(item);
  }
  return found->second;
}

void Workspace::put_item(Item item, const std::vector<TimelineEntry>* timeline, bool merge_timeline) {
  Slot& s = put_slot(std::move(item));
  if (!timeline) return;
  if (!merge_timeline) {
    drop_packed(s);
    s.timeline = *timeline;
    return;
  }
  merge_entries(unpacked(s), *timeline);
}

void Workspace::remove_item(const std::string& id) {
  auto found = items_.find(id);
  if (found == items_.end()) return;
  ++version_;
  auto& ids = ids_by_entity_[found->second.item.entity];
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  drop_packed(found->second);
  items_.erase(found);
  stamp_.bump();
}

void Workspace::set_schema(Schema s) {
  ++version_;
  schema_ = std::move(s);
}

void Workspace::confirm_entries(const std::string& item, const std::string& mutation_id, std::uint64_t ver) {
  const Slot* s = slot(item);
  if (!s) return;
  for (auto& e : unpacked(*s))
    if (e.id == mutation_id || e.id.rfind(mutation_id + ":", 0) == 0) e.ver = ver;
}

void Workspace::confirm_unconfirmed(std::uint64_t ver) {
  for (auto& [id, s] : items_)
    for (auto& e : unpacked(s))
      if (e.ver == 0) e.ver = ver;
}

std::vector<TimelineEntry*> Workspace::take_new_entries() {
  std::vector<TimelineEntry*> out;
  for (const auto& [item, index] : new_entries_) {
    const Slot* s = slot(item);
    if (s && index < s->timeline.size()) out.push_back(&s->timeline[index]);
  }
  new_entries_.clear();
  return out;
}

void Workspace::write_cell(const Mutation& m, Item& it, const FieldDef& f, const Value& v, int* entry) {
  write_cell(m, items_.at(it.id), f, v, entry);
}

// Writes one cell by last-writer-wins and records it: a change, a stage move, or a losing concurrent write.
void Workspace::write_cell(const Mutation& m, Slot& s, const FieldDef& f, const Value& v, int* entry) {
  Item& it = s.item;
  auto pos = std::lower_bound(it.fields.begin(), it.fields.end(), f.id, field_less);
  Cell* current = pos != it.fields.end() && pos->first == f.id ? &pos->second : nullptr;
  if (current && m.hlc < current->hlc) {
    add_timeline(m, s, TimelineKind::Overridden, f.id, current->value, v, entry);
    return;
  }
  if (current ? current->value == v : v.is_null()) return;
  // The old value moves into the timeline entry; the cell takes a copy of the new one. A cleared field keeps
  // its cell: the clock of the clearing write must still win over older writes.
  Value old_value;
  if (current) {
    old_value = std::move(current->value);
    current->value = v;
    current->hlc = m.hlc;
  } else {
    it.fields.insert(pos, {f.id, Cell{v, m.hlc}});
  }
  it.rev = version_;
  if (f.type == FieldType::CrmBinding) record_links(m, it, f, old_value, v);
  add_timeline(m, s, f.type == FieldType::Stage ? TimelineKind::StageChanged : TimelineKind::FieldChanged, f.id,
               std::move(old_value), v, entry);
}

// The items a binding now points at, or no longer does, record it in their own timelines.
void Workspace::record_links(const Mutation& m, const Item& it, const FieldDef& f, const Value& before,
                             const Value& after) {
  auto ids = [](const Value& v) {
    std::vector<std::string> out;
    for (const auto& e : v.elements())
      if (!e.str_or_empty().empty()) out.push_back(e.str_or_empty());
    return out;
  };
  const auto was = ids(before), now = ids(after);
  for (const auto& id : now)
    if (std::find(was.begin(), was.end(), id) == was.end())
      if (Slot* other = slot(id)) add_timeline(m, *other, TimelineKind::Linked, f.id, {}, {}, nullptr).target = it.id;
  for (const auto& id : was)
    if (std::find(now.begin(), now.end(), id) == now.end())
      if (Slot* other = slot(id)) add_timeline(m, *other, TimelineKind::Unlinked, f.id, {}, {}, nullptr).target = it.id;
}

Status Workspace::check_writable(const Mutation& m, const Item& it, const std::string& field, const Value& v,
                                 const FieldDef** def) const {
  const FieldDef* f = schema_.field(it.entity, field);
  // A field the author may not see is, to him, a field that does not exist (F-2).
  if (!f || !can_see_field(schema_, m.author, *f))
    return Status::Fail("unknown_field", "no such field: " + field, field);
  if (auto s = validate_value(*f, it, v); !s) return s;
  *def = f;
  return Status::Ok();
}

namespace {

Status required_missing(std::vector<std::string> missing) {
  Status s = Status::Fail("required_missing", "required fields are empty", missing.front());
  for (const auto& f : missing) s.message += " " + f;
  s.missing = std::move(missing);
  return s;
}

}  // namespace

Status Workspace::apply_create(const Mutation& m, const CreateItem& c) {
  if (c.item.empty()) return Status::Fail("invalid_id", "item id is empty");
  if (items_.count(c.item)) return Status::Fail("item_exists", "item " + c.item + " already exists");
  const EntityType* et = schema_.entity(c.entity);
  if (!et) return Status::Fail("unknown_entity", "no such entity type: " + c.entity);

  Item it;
  it.id = c.item;
  it.entity = c.entity;
  it.created_ms = m.time_ms;
  it.created_by = m.author;
  const Pipeline* pipeline = nullptr;
  if (et->has_stages) {
    pipeline = c.pipeline.empty() ? schema_.default_pipeline(c.entity) : schema_.pipeline(c.entity, c.pipeline);
    if (!pipeline) return Status::Fail("unknown_pipeline", "no such pipeline: " + c.pipeline);
    it.pipeline = pipeline->id;
  } else if (!c.pipeline.empty()) {
    return Status::Fail("unknown_pipeline", c.entity + " has no pipelines");
  }
  if (!can_add(schema_, m.author, c.entity, it.pipeline))
    return Status::Fail("forbidden", "you may not create items of this kind");

  // Defaults first, then the given values (validated against the item as it will be).
  for (const auto& f : schema_.fields)
    if (f.entity == c.entity && !f.default_value.is_null()) it.cell_for_write(f.id) = Cell{f.default_value, m.hlc};
  if (pipeline && !pipeline->stages.empty())
    it.cell_for_write("STAGE_ID") = Cell{Value(pipeline->stages.front().id), m.hlc};
  for (const auto& [fid, v] : c.fields) {
    const FieldDef* f = nullptr;
    if (auto s = check_writable(m, it, fid, v, &f); !s) return s;
    it.cell_for_write(fid) = Cell{v, m.hlc};
  }
  auto missing = missing_required(schema_, m.author, it, it.get("STAGE_ID").str_or_empty());
  if (!missing.empty()) return required_missing(std::move(missing));

  ids_by_entity_[c.entity].push_back(c.item);
  it.rev = version_;
  it.number = ++last_number_[c.entity];
  Slot& made = items_.emplace(c.item, Slot{std::move(it), {}, {}}).first->second;
  stamp_.bump();
  add_timeline(m, made, TimelineKind::Created, {}, {}, {}, nullptr);
  const Item& created = made.item;
  for (const auto& [fid, v] : c.fields)
    if (const FieldDef* f = schema_.field(c.entity, fid); f && f->type == FieldType::CrmBinding)
      record_links(m, created, *f, Value(), v);
  return Status::Ok();
}

Status Workspace::apply_set(const Mutation& m, const SetField& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (it.deleted) return Status::Fail("item_deleted", "item " + c.item + " is deleted");
  const FieldDef* f = field_def(it.entity, c.field);
  if (f && f->type == FieldType::Stage) return apply_move(m, MoveStage{c.item, c.value.str_or_empty(), {}});
  if (!can_act(schema_, m.author, it, Action::Edit))
    return Status::Fail("forbidden", "you may not edit this item");
  // check_writable, with the definition already found.
  if (!f || !can_see_field(schema_, m.author, *f))
    return Status::Fail("unknown_field", "no such field: " + c.field, c.field);
  if (auto s = validate_value(*f, it, c.value); !s) return s;
  // Emptying a field required where the item stands is refused; editing other fields of an item that
  // already breaks a rule is not.
  if (c.value.empty() && required_for(schema_, m.author, *f, it.pipeline, it.get("STAGE_ID").str_or_empty()))
    return Status::Fail("required", "field " + c.field + " is required", c.field);
  write_cell(m, found->second, *f, c.value, nullptr);
  return Status::Ok();
}

Status Workspace::apply_move(const Mutation& m, const MoveStage& c) {
  auto found = items_.find(c.item);
  if (found == items_.end()) return Status::Fail("unknown_item", "no such item: " + c.item);
  Item& it = found->second.item;
  if (it.deleted) return Status::Fail("item_deleted", "item " + c.item + " is deleted");
  if (!can_act(schema_, m.author, it, Action::Edit))
    return Status::Fail("forbidden", "you may not edit this item");
  const Pipeline* p = schema_.pipeline(it.entity, it.pipeline);
  if (!p || !p->stage(c.stage)) return Status::Fail("unknown_stage", "no such stage: " + c.stage, "STAGE_ID");
  std::vector<const FieldDef*> defs;
  for (const auto& [fid, v] : c.fills) {
    const FieldDef* f = nullptr;
    if (auto s = check_writable(m, it, fid, v, &f); !s) return s;
    if (f->type == FieldType::Stage) return Status::Fail("invalid_value", "the stage is not a fill", fid);
    defs.push_back(f);
  }
  auto missing = missing_required(schema_, m.author, it, c.stage, c.fills);
  if (!missing.empty()) return required_missing(std::move(missing));

  int entry = 0;
  for (size_t i = 0; i < c.fills.size(); ++i) write_cell(m, found->second, *defs[i], c.fills[i].second, &entry);
  write_cell(m, found->second, *schema_.field(it.entity, "STAGE_ID"), Value(c.stage), &entry);
  return Status::Ok();
}

}  // namespace kt
