// Items (deals, leads, contacts, ...) and their timeline entries.
#pragma once

#include <cstdint>
#include <string>
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

struct Item {
  std::string id;
  std::string entity;    // entity type id
  std::string pipeline;  // pipeline id for entities with pipelines; "" otherwise
  std::int64_t created_ms = 0;
  std::string created_by;  // user id
  std::uint64_t rev = 0;         // workspace version of the last change (caches compare it)
  bool deleted = false;          // in the recycle bin
  std::int64_t deleted_ms = 0;   // when it went there (purged 30 days later)
  std::string deleted_by;

  // Field values sorted by field id: compact for 100k items and cheap to look up.
  std::vector<std::pair<std::string, Cell>> fields;

  // The value of a field, or a null value when the item has none.
  const Value& get(const std::string& field) const;
  const Cell* cell(const std::string& field) const;
  Cell& cell_for_write(const std::string& field);
  void erase(const std::string& field);
};

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
};
constexpr int kTimelineKinds = 10;

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
};

}  // namespace kt
