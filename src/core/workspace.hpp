// The domain state of one workspace: its configuration and its items with their timelines. Changed only by
// applying mutations (apply()), so that replaying the journal rebuilds exactly the same state, and the server
// applying the same mutations reaches the same state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/command.hpp"
#include "core/item.hpp"
#include "core/schema.hpp"
#include "core/string_map.hpp"
#include "core/status.hpp"

namespace kt {

constexpr int kRecycleBinDays = 30;  // deleted items are kept this long, then purged

class Workspace {
 public:
  Workspace() : schema_(default_schema()) {}
  explicit Workspace(Schema s) : schema_(std::move(s)) {}

  const Schema& schema() const { return schema_; }

  const Item* item(const std::string& id) const;
  // Ids of the items of an entity type in creation order, deleted ones included.
  const std::vector<std::string>& item_ids(const std::string& entity) const;
  // How many items of a pipeline, or of one of its stages, are out of the recycle bin.
  size_t items_in(const std::string& entity, const std::string& pipeline, const std::string* stage = nullptr) const;

  // Item numbers (Item::number). The last number handed out per entity type, purged items' included (a
  // number is never given twice). The server's order of creations decides: every replica that applies its
  // log numbers the same way; a client numbers its pending creations after what it has seen (provisional:
  // the server's number replaces it once the creation reaches it after another's).
  std::uint64_t last_number(const std::string& entity) const;
  const std::map<std::string, std::uint64_t>& last_numbers() const { return last_number_; }
  // Raises the last numbers to at least `last` (a stored state's; numbers never go down).
  void raise_last_numbers(const std::map<std::string, std::uint64_t>& last);
  // Puts the last numbers back as they were (the sync replica's rebase: pending creations number again).
  void set_last_numbers(std::map<std::string, std::uint64_t> last) { last_number_ = std::move(last); }
  // The item of an entity type with that number (deleted ones too), or nullptr.
  const Item* item_by_number(const std::string& entity, std::uint64_t number) const;
  // Items without a number (stores and backups from before numbers, or whose number another item holds)
  // get the next ones, per entity type in creation order (time, then id): the same on every machine that
  // holds the same items. Returns how many were numbered.
  size_t number_unnumbered();
  // Whether any item has no number yet.
  bool has_unnumbered() const;
  size_t item_count() const { return items_.size(); }
  // Documents stored without saying what they show (Document::uses: older versions did not record it) get
  // what `uses_of` answers for them. Returns how many were filled.
  size_t fill_document_uses(
      const std::function<std::vector<std::string>(const Item& item, const Document& d)>& uses_of);
  // Grows with every applied mutation: caches keyed by it (sorted lists, indexes) know when to rebuild.
  std::uint64_t version() const { return version_; }
  // Changes whenever items are added or removed: caches that keep Item pointers compare it, and trust their
  // pointers while it is the same. Never the same for two workspace objects.
  std::uint64_t layout_version() const { return stamp_.layout; }
  // New for every workspace object (also a copy, or the target of a move): version() and Item::rev count on
  // their own in each object, so caches keyed by them start over when this changes.
  std::uint64_t identity() const { return stamp_.identity; }
  // Timeline of an item, oldest first.
  const std::vector<TimelineEntry>& timeline(const std::string& item) const;

  // The name a person reads for an item: the title field, or "Last First" for contacts.
  std::string display_name(const Item& item) const;
  void append_display_name(std::string& out, const Item& item) const;
  // Items whose binding fields point at `id` (deals of a contact, contacts of a company, ...).
  std::vector<const Item*> items_linking_to(const std::string& id) const;
  // How many items of an entity type hold a non-empty value in a field (for the delete confirmation).
  size_t count_values(const std::string& entity, const std::string& field) const;

  // Every item a command may change (the item itself, items a binding links or unlinks, every item of an
  // entity for field deletions): the sync replica shadows them, the server marks them changed.
  std::vector<std::string> affected_items(const Command& cmd) const;

  // Checks that `value` may be stored in field `f` of `item`. Does not change anything.
  Status validate_value(const FieldDef& f, const Item& item, const Value& value) const;

  // Applies a mutation, checking the author's rights and every rule. On failure nothing changes and the
  // status says why.
  Status apply(const Mutation& m);

  // What apply() would answer to `author`'s change of configuration, changing nothing: a form asks before it
  // closes, so that a refusal is said in the form, over what the person typed, and not in a toast after the
  // form has gone.
  Status check(const std::string& author, const PutUser& c) const;
  Status check(const std::string& author, const PutDepartment& c) const;
  Status check(const std::string& author, const PutRole& c) const;
  Status check(const std::string& author, const PutPipeline& c) const;
  Status check(const std::string& author, const PutView& c) const;
  Status check(const std::string& author, const PutEntityType& c) const;
  Status check(const std::string& author, const PutTemplate& c) const;
  Status check(const std::string& author, const PutNumerator& c) const;

  // Replica operations: state that arrives whole (a sync pull, a snapshot, a backup), not as commands.
  // put_item replaces the item and, when `timeline` is given, its timeline (or merges entries by id when
  // `merge_timeline`), keeping entries ordered by server version with local ones last.
  void put_item(Item item, const std::vector<TimelineEntry>* timeline, bool merge_timeline);
  // The same, taking the timeline's entries instead of copying them.
  void put_item(Item item, std::vector<TimelineEntry>&& timeline, bool merge_timeline);
  // Changes of an item this workspace holds (a pull page's, ItemChanges): takes `changed`'s identity
  // (pipeline, deletion) and cells, drops the fields `changes` erased, takes its to-dos, products and
  // documents when `changes.lists`, and merges its entries into the timeline. Both are taken apart. False,
  // changing nothing, when there is no such item (or it is of another entity type).
  bool patch_item(Item&& changed, ItemChanges&& changes);
  // The same with the timeline in its stored form (core/snapshot_binary.hpp), decoded on first use: a
  // loaded workspace then holds a few bytes per entry instead of every entry of every item decoded (at 100k
  // deals the decoded timelines were the largest part of the heap, and a user opens a few cards).
  void put_item(Item item, PackedTimeline timeline);
  // The stored form of an item's timeline while it has not been decoded (nullptr once it has, or when
  // there is none): writing the workspace back copies it as it is.
  const PackedTimeline* packed_timeline(const std::string& item) const;
  // Decodes every packed timeline now: a workspace shared by threads (the server's) must never decode
  // lazily inside a const accessor.
  void unpack_all();
  void remove_item(const std::string& id);
  void set_schema(Schema s);
  // Marks entries confirmed: every entry produced by mutation `client:seq` gets server version `ver`.
  void confirm_entries(const std::string& item, const std::string& mutation_id, std::uint64_t ver);
  // Gives every entry no server has confirmed yet (ver 0) the version `ver`: a restore on the server
  // (sync/server_state.hpp) confirms a whole workspace at once.
  void confirm_unconfirmed(std::uint64_t ver);
  // The server stamps new entries with their version: with tracking on, take_new_entries returns the
  // entries appended since it was last called.
  void track_new_entries(bool on) { track_new_ = on; }
  std::vector<TimelineEntry*> take_new_entries();

 private:
  // Item commands (workspace.cpp).
  Status apply_create(const Mutation& m, const CreateItem& c);
  Status apply_set(const Mutation& m, const SetField& c);
  Status apply_move(const Mutation& m, const MoveStage& c);
  Status check_writable(const Mutation& m, const Item& it, const std::string& field, const Value& v,
                        const FieldDef** def) const;
  struct Slot;
  // `it` is an item of this workspace; the Slot overloads are the same without looking the item up again.
  void write_cell(const Mutation& m, Item& it, const FieldDef& f, const Value& v, int* entry);
  void write_cell(const Mutation& m, Slot& s, const FieldDef& f, const Value& v, int* entry);
  // Appends an entry to an item's timeline (the item exists) and returns it, for the caller to complete.
  TimelineEntry& add_timeline(const Mutation& m, const std::string& item, TimelineKind kind, std::string field,
                              Value old_value, Value new_value, int* entry);
  TimelineEntry& add_timeline(const Mutation& m, Slot& s, TimelineKind kind, std::string field, Value old_value,
                              Value new_value, int* entry);

  // Timeline and recycle-bin commands (workspace_items.cpp).
  Status apply_item(const Mutation& m, const ChangePipeline& c);
  Status apply_item(const Mutation& m, const AddComment& c);
  Status apply_item(const Mutation& m, const EditComment& c);
  Status apply_item(const Mutation& m, const PinEntry& c);
  Status apply_item(const Mutation& m, const SetNote& c);
  Status apply_item(const Mutation& m, const DeleteItem& c);
  Status apply_item(const Mutation& m, const RestoreItem& c);
  Status apply_item(const Mutation& m, const PurgeItem& c);
  // To-dos, communications, products (workspace_activities.cpp).
  Status apply_item(const Mutation& m, const PutTodo& c);
  Status apply_item(const Mutation& m, const CompleteTodo& c);
  Status apply_item(const Mutation& m, const RemoveTodo& c);
  Status apply_item(const Mutation& m, const LogCommunication& c);
  Status apply_item(const Mutation& m, const SetProducts& c);
  // Conversion (convert.cpp).
  Status apply_item(const Mutation& m, const Convert& c);
  // Documents (workspace_documents.cpp).
  Status apply_item(const Mutation& m, const GenerateDocument& c);
  Status apply_config(const Mutation& m, const PutTemplate& c);
  Status apply_config(const Mutation& m, const PutNumerator& c);
  Status apply_config(const Mutation& m, const SetMyCompany& c);
  Item* editable_item(const Mutation& m, const std::string& id, Status* why);
  TimelineEntry* entry_mut(const std::string& item, const std::string& entry);
  void record_links(const Mutation& m, const Item& it, const FieldDef& f, const Value& before, const Value& after);

  // Config commands (workspace_config.cpp).
  Status apply_config(const Mutation& m, const PutField& c);
  Status apply_config(const Mutation& m, const DeleteField& c);
  Status apply_config(const Mutation& m, const SetRequired& c);
  Status apply_config(const Mutation& m, const PutLayout& c);
  Status apply_config(const Mutation& m, const PutView& c);
  Status apply_config(const Mutation& m, const SelectScope& c);
  Status apply_config(const Mutation& m, const ForceCommonScope& c);
  Status apply_config(const Mutation& m, const PutEntityType& c);
  Status apply_config(const Mutation& m, const PutPipeline& c);
  Status apply_config(const Mutation& m, const PutUser& c);
  Status apply_config(const Mutation& m, const PutDepartment& c);
  Status apply_config(const Mutation& m, const PutRole& c);
  void apply_auto_views(const std::string& user);

  // Schema::field for the apply paths without scanning every field: positions in schema_.fields by field
  // id, each checked on use (so a schema change can make a hint useless, never wrong).
  const FieldDef* field_def(const std::string& entity, const std::string& id);

  // identity and layout, drawn from one process-wide counter: new on construction, copy and move (for both
  // objects of a move), layout also on bump().
  struct Stamp {
    std::uint64_t identity = next(), layout = next();
    Stamp() = default;
    Stamp(const Stamp&) {}
    Stamp(Stamp&& o) noexcept { o.renew(); }
    Stamp& operator=(const Stamp&) { return renew(); }
    Stamp& operator=(Stamp&& o) noexcept { o.renew(); return renew(); }
    Stamp& renew() { identity = next(), layout = next(); return *this; }
    void bump() { layout = next(); }
    static std::uint64_t next();
  };

  // An item and its timeline, in one node of one map: a field edit (a merge applies 100,000 of them) finds
  // both with one lookup, and they sit together in memory. The timeline is mutable for lazy decoding.
  struct Slot {
    Item item;
    mutable std::vector<TimelineEntry> timeline;
    // The stored form of the timeline while it has not been decoded (count > 0; `timeline` is then empty).
    mutable PackedTimeline packed;
  };
  Slot* slot(const std::string& id) {
    auto it = items_.find(id);
    return it == items_.end() ? nullptr : &it->second;
  }
  const Slot* slot(const std::string& id) const {
    auto it = items_.find(id);
    return it == items_.end() ? nullptr : &it->second;
  }
  // Decodes a slot's packed timeline (before any use of it); cheap when nothing is packed. May run in const
  // accessors: only a workspace decoded from a stored base (the app's, one thread) has packed timelines.
  std::vector<TimelineEntry>& unpacked(const Slot& s) const {
    if (s.packed.count) unpack_slow(s);
    return s.timeline;
  }
  void unpack_slow(const Slot& s) const;
  // Merges entries that arrived (a pull's) into the slot's timeline, by id.
  void merge_timeline(Slot& s, std::vector<TimelineEntry>& entries);
  void drop_packed(Slot& s);
  // Inserts or replaces the item (a replica operation), keeping its timeline; returns its slot.
  Slot& put_slot(Item item);

  Schema schema_;
  std::uint64_t version_ = 0;
  Stamp stamp_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> field_hints_;
  StringMap<Slot> items_;  // core/string_map.hpp: a lookup waits for memory once, not three times
  std::unordered_map<std::string, std::vector<std::string>> ids_by_entity_;
  std::map<std::string, std::uint64_t> last_number_;  // per entity type (last_number())
  mutable size_t packed_count_ = 0;  // slots whose timeline is still packed
  bool track_new_ = false;
  std::vector<std::pair<std::string, size_t>> new_entries_;  // (item, index) appended since take_new_entries
};

}  // namespace kt
