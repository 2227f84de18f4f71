// Items (deals, leads, contacts, ...) and their timeline entries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hlc.hpp"
#include "core/value.hpp"

namespace kt {

// One field value with the clock of the write that produced it (per-field last-writer-wins).
struct Cell {
  Value value;
  Hlc hlc;
};

// A universal to-do ("дело", inventory §4) bound to an item.
struct Activity {
  std::string id;
  std::string subject;      // empty = a default title
  std::string description;
  std::int64_t deadline_ms = 0;  // UTC
  std::string responsible;       // user id
  std::vector<int> reminders;    // minutes before the deadline (0 = at the deadline)
  std::string color;             // "#rrggbb"; empty = default
  std::vector<std::string> participants;  // user ids
  std::string location;
  bool completed = false;
  std::int64_t completed_ms = 0;
  std::string created_by;
  std::int64_t created_ms = 0;
  bool operator==(const Activity&) const = default;
};

// One product row of a deal, quote or invoice (G-6). Money in minor units of the item's currency.
struct ProductRow {
  std::string id;
  std::string name;
  std::int64_t price = 0;   // per unit, as entered (with or without tax, see tax_included)
  double quantity = 1;
  std::string unit = "шт";
  double discount_percent = 0;  // 0..100
  double tax_rate = 0;          // percent: 0, 10, 20
  bool tax_included = true;     // the price includes the tax
  bool operator==(const ProductRow&) const = default;
};

// The sum of a row after discount, with the tax added when the price does not include it.
std::int64_t row_total(const ProductRow& r);
std::int64_t row_tax(const ProductRow& r);

// A generated document as stored (and synced) for an item.
struct Document {
  std::string id;
  std::string template_id;
  std::string number;
  std::string title;  // "Счёт на оплату № СЧ-2026-0001"
  std::string html;   // the complete standalone page
  std::int64_t created_ms = 0;
  std::string created_by;
  std::string entity;
  std::string item_id;
  // What of the workspace the page shows (documents.hpp DocContext::deps): "F:entity.FIELD" for a field's
  // value, "I:id" for a related item's. The document goes only to users who may see all of it.
  std::vector<std::string> uses;
  bool operator==(const Document&) const = default;
};

struct Item {
  std::string id;
  std::string entity;    // entity type id
  std::string pipeline;  // pipeline id for entities with pipelines; "" otherwise
  // The number people read and share ("Сделка №12", #/deal/12): per entity type, 1, 2, 3, … in the order
  // creations are applied (Workspace::apply), never reused; 0 = none yet (a store from before numbers).
  std::uint64_t number = 0;
  static constexpr std::uint64_t kMaxNumber = 1ull << 50;  // larger ones in a file or a page are refused
  std::int64_t created_ms = 0;
  std::string created_by;  // user id
  std::uint64_t rev = 0;         // workspace version of the last change (caches compare it)
  bool deleted = false;          // in the recycle bin
  std::int64_t deleted_ms = 0;   // when it went there (purged 30 days later)
  std::string deleted_by;

  // Field values sorted by field id: compact for 100k items and cheap to look up.
  std::vector<std::pair<std::string, Cell>> fields;
  std::vector<Activity> activities;  // to-dos, open and done
  std::vector<ProductRow> products;
  std::vector<Document> documents;  // generated from templates, oldest first

  size_t open_todos() const;
  bool has_overdue_todo(std::int64_t now_ms) const;
  const Activity* activity(const std::string& id) const;

  // The value of a field, or a null value when the item has none.
  const Value& get(const std::string& field) const;
  const Cell* cell(const std::string& field) const;
  Cell& cell_for_write(const std::string& field);
  void erase(const std::string& field);
};

// The item number `text` is: decimal digits only, 1 to Item::kMaxNumber; 0 for anything else (routes
// "#/deal/12", the quick search "№ 12").
std::uint64_t item_number_of(std::string_view text);

enum class TimelineKind {
  Created,          // the item was created
  FieldChanged,     // old value -> new value of one field
  StageChanged,     // old stage -> new stage
  Overridden,       // a concurrent edit of the same field lost (the losing value is kept here)
  Comment,          // a comment: text, editable and deletable by its author
  Linked,           // another item now points at this one (target = that item)
  Unlinked,         // ... no longer does
  PipelineChanged,  // old pipeline -> new pipeline (values are pipeline ids)
  Deleted,          // moved to the recycle bin
  Restored,         // restored from the recycle bin
  TodoPlanned,      // a to-do was planned (payload: subject, deadline)
  TodoCompleted,    // a to-do was done
  Communication,    // a call, e-mail, SMS or messenger contact (payload: channel, direction, address, outcome, duration)
  Conversion,       // created from, or converted into, other items (payload: the items)
  Document,         // a document was generated (payload: document id, number, title)
};
constexpr int kTimelineKinds = 15;

const char* timeline_kind_name(TimelineKind k);
bool timeline_kind_from_name(const std::string& name, TimelineKind* out);

struct TimelineEntry {
  std::string id;  // stable: derived from the mutation that produced it
  std::string item;
  TimelineKind kind = TimelineKind::Created;
  std::string author;  // user id
  std::int64_t time_ms = 0;
  std::string field;
  Value old_value;
  Value new_value;
  std::uint64_t ver = 0;  // server version that confirmed it; 0 while only local
  std::string text;       // comment text
  std::string target;     // the other item of a link or unlink
  std::string note;       // a note added to the entry (T-5)
  bool pinned = false;    // shown on top as well (T-4: at most 7 per item)
  bool removed = false;   // a deleted comment (kept so that the history stays ordered; never shown)
  std::int64_t edited_ms = 0;  // when the comment text was last edited
  std::string payload;         // details of to-do, communication, conversion and document entries (JSON)
};

// A link entry (Linked/Unlinked) names a binding field of the item that links here (its target), a field of
// that item's entity type; every other entry with a field names a field of its own item.
inline bool is_link_entry(const TimelineEntry& e) {
  return e.kind == TimelineKind::Linked || e.kind == TimelineKind::Unlinked;
}

// An item's timeline as encode_workspace stores it (core/snapshot_binary.hpp): the bytes of `count`
// entries, kept undecoded until the timeline is first used (Workspace::put_item).
struct PackedTimeline {
  std::uint32_t count = 0;
  std::uint64_t last_ver = 0;  // the server version of the last entry: later entries may be appended as bytes
  std::string bytes;
  // Entries appended after `bytes` (append_packed: a pull page's, taken as they came). A stored timeline's
  // bytes are exactly as large as they need to be, so growing them copied them whole for every entry
  // appended, which cost more than the rest of merging an item's changes. The timeline is `bytes`, then this.
  std::string more;
};

// An item's changes after a version (a pull page's: core/snapshot_binary.hpp ItemBlockWriter::add_changes):
// the item that comes with them holds only the changed cells, and its lists only when `lists`; its new
// timeline entries are checked and kept as the page holds them (most of them are appended to a packed
// timeline as they are: Workspace::patch_item; unpack_timeline decodes them).
struct ItemChanges {
  std::vector<std::string> erased;  // fields the item no longer has
  bool lists = false;               // the item's to-dos, products and documents came (replace them)
  PackedTimeline entries;
  std::uint64_t first_ver = 0;      // the first entry's version (entries.last_ver: the last one's)
};

}  // namespace kt
