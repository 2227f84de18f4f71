// Lists: which items of an entity type a user sees, filtered, searched and sorted (SPEC §9). Pure functions
// over a const workspace plus a small cache, so that lists and kanban boards of 100,000 items stay fast:
// filtering is one pass over the entity's items with cheap predicates, the quick search looks at
// precomputed folded text, and sorting keys are computed once per sort.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/schema.hpp"
#include "core/workspace.hpp"

namespace kt {

struct Condition {
  enum class Op { Equals, Contains, Empty, NotEmpty, Between, AnyOf };
  std::string field;
  Op op = Op::Equals;
  Value value;                   // Equals, Contains (text), Between: lower bound (null = open)
  Value value2;                  // Between: upper bound (null = open)
  std::vector<std::string> any;  // AnyOf: option, stage, user or item ids
  bool operator==(const Condition&) const = default;
};

struct Query {
  std::string entity;
  std::string pipeline;  // "" = every pipeline
  std::vector<Condition> conditions;
  std::string text;      // quick search: title, client, phone, e-mail; the number ("12", "№12")
  std::string sort_field;  // "" = newest first; "TITLE" sorts by the item's name
  bool descending = false;
  bool operator==(const Query&) const = default;
};

void to_json(nlohmann::json& j, const Condition& c);
void from_json(const nlohmann::json& j, Condition& c);
void to_json(nlohmann::json& j, const Query& q);
void from_json(const nlohmann::json& j, Query& q);

// Whether one item passes the conditions (not the text search).
bool matches(const Workspace& ws, const Item& item, const std::vector<Condition>& conditions);

// Runs queries, keeping what makes the next run cheap: the folded search text of every item (refreshed for
// items that changed) and the last result (returned as is while the workspace and the query are the same).
class QueryCache {
 public:
  // The ids of the matching items the user may read, in order. The reference stays valid until the next run.
  const std::vector<std::string>& run(const Workspace& ws, const Query& q, const std::string& user);
  // Grows each time run() computed a new result (views that group the result, like a kanban, cache on it).
  std::uint64_t generation() const { return generation_; }
  // Makes the search texts of at most `max_rows` items of `entity` whose text is missing or stale, going on
  // where the last call stopped: idle time after start does it in slices, so that the first search does not
  // fold 100,000 texts while the user waits. True once every item of the entity has its text.
  bool warm(const Workspace& ws, const std::string& entity, size_t max_rows);

 private:
  // The folded search text of every item of one entity type, row i for item_ids(entity)[i]. A row's text is
  // made again when its item's rev moves on; the item pointers are found again when items are added or
  // removed (Workspace::layout_version()).
  struct Row {
    const Item* item = nullptr;
    std::uint64_t rev = ~0ull;  // the item's rev the text was made for; ~0 = not made yet
    std::uint32_t off = 0, len = 0;  // the text in Index::text
    // Whether the item passed the filter (not deleted, pipeline, conditions) of Index::filter, for its rev
    // `passed_rev` (~0 = not known): typing in the search box keeps the filter, so items are not looked at
    // again.
    std::uint64_t passed_rev = ~0ull;
    bool passed = false;
    // The items its client fields point at (Index::clients[clients_off..+clients_n]), for its rev
    // `clients_rev`: a search finds an item by its client's name without looking ids up every time.
    std::uint64_t clients_rev = ~0ull;
    std::uint32_t clients_off = 0;
    std::uint16_t clients_n = 0;
  };
  struct Index {
    std::uint64_t layout = ~0ull;
    size_t warm_next = 0;  // where warm() goes on
    std::string title_field;  // the entity's title field the texts were made with
    std::vector<std::string> ids;
    std::vector<Row> rows;
    std::string text;  // the texts of every row, one after another (replaced ones stay until compaction)
    size_t live = 0;   // bytes of `text` that rows point at
    std::string filter_pipeline;
    std::vector<Condition> filter;
    std::vector<const Item*> clients;  // see Row::clients_off; made again when items come or go
  };
  Index& index(const Workspace& ws, const std::string& entity);
  void check_identity(const Workspace& ws);
  void refresh(const Workspace& ws, Index& x, Row& r);
  void resolve_clients(const Workspace& ws, Index& x, Row& r);
  std::unordered_map<std::string, Index> indexes_;
  std::string scratch_;
  std::uint64_t version_ = ~0ull;
  std::uint64_t layout_ = ~0ull;
  std::uint64_t identity_ = ~0ull;
  Query query_;
  std::string user_;
  std::vector<std::string> result_;
  std::uint64_t generation_ = 0;
};

}  // namespace kt
