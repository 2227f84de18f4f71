// The client's replica of the server state: the confirmed state (what the server has sent) with the
// user's pending mutations applied on top. When new server state arrives, the items (and the schema) that
// pending mutations touched are put back to their confirmed state, the server state is applied, and the
// pending mutations are applied again (a rebase), so that the screen always shows "server + my unsent
// edits" and converges with the server once those edits arrive there.
//
// A pending mutation that does not apply on top of the new server state (the item was deleted meanwhile,
// the user lost the right to edit it) is held: it stays pending and is still sent, only its effect is not
// shown. The server decides: it rejects it (and the user is told then), or applies it when its state allows
// (the client's copy was older). Dropping it here instead would leave a hole in the client's sequence
// numbers, and the server would answer every later push with 409 for ever.
//
// Only what pending mutations touch is shadowed, not the whole workspace: memory stays close to one copy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/command.hpp"
#include "core/snapshot_binary.hpp"
#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt::sync {

// One page of a pull, already parsed.
struct PullPage {
  bool reset = false;  // the first page of a snapshot: everything confirmed is replaced
  bool more = false;
  // The last page of a snapshot, even when `more` is set because items changed while it was paged (those
  // follow as ordinary changes).
  bool snapshot_done = false;
  std::optional<Schema> schema;
  // An item (core/snapshot_binary.hpp BlockItem): whole, or with `changes` (binary pages) its changes after
  // the cursor: `item` holds the changed cells (and its lists only when changes->lists), changes->entries
  // the new timeline entries, packed, and `timeline` nothing.
  struct ItemState : BlockItem {
    bool whole_timeline = true;  // false: the timeline holds entries after the cursor only
  };
  std::vector<ItemState> items;
  std::vector<std::string> removed;
  // A binary page's header lists the items whose timeline in the block holds only the entries after the
  // cursor (a JSON page marks each such item with "timelineFrom").
  std::vector<std::string> partial_timelines;
  std::map<std::string, std::uint64_t> last_mutation_ids;  // per client: applied on the server up to
  std::string cursor;
  // A binary page (pulled with "format": "binary"): `items` are decoded from `block`, which a snapshot's
  // pages keep as it came for the connected store's base file (core/snapshot_binary.hpp); empty when any
  // item is not whole (a page of changes never becomes part of a base).
  bool binary = false;
  std::string block;
};

// Parses the JSON body of a pull (PROTOCOL.md). Fails, changing nothing, on a malformed body.
Status parse_pull(const std::string& body, PullPage* out);

class Replica {
 public:
  explicit Replica(Workspace& ws) : ws_(ws) {}

  // Before a local command is applied: remember the confirmed state of what it touches.
  void before_local(const Command& cmd);
  // After a local mutation was applied: it is pending until the server acknowledges it.
  void add_pending(const Mutation& m);
  // Mutations loaded from the journal at start that the server has not acknowledged yet: applied on top
  // of the loaded confirmed state by the caller, and remembered here.
  void restore_pending(std::vector<Mutation> pending);

  const std::vector<Mutation>& pending() const { return pending_; }
  // Drops pending mutations the server has applied (its lastMutationIds).
  void acknowledge(const std::map<std::string, std::uint64_t>& last_mutation_ids);

  // A pending mutation that did not apply on the state a rebase produced (it stays pending: see above).
  struct Held {
    Mutation mutation;
    Status status;  // why it does not apply on top of the server state
  };
  // Whether a page fits the confirmed state: an item's changes name an item it holds (of that entity type),
  // and a snapshot's page holds whole items only. A page that does not fit is not applied: the client
  // starts over with a snapshot.
  Status check(const PullPage& page) const;
  // Applies one pull page (not a reset; see begin_snapshot for those; checked) and rebases the pending
  // mutations.
  std::vector<Held> apply(PullPage page);
  // A reset arrives in pages: collect them in a fresh workspace, then swap it in and rebase.
  void begin_snapshot();
  void add_snapshot_page(PullPage page);
  std::vector<Held> finish_snapshot();
  bool in_snapshot() const { return snapshot_.has_value(); }
  // Whether the workspace holds exactly the confirmed state: no pending edit on it, nothing shadowed, no
  // snapshot half-received.
  bool confirmed_is_current() const { return pending_.empty() && shadows_.empty() && !schema_shadow_ && !in_snapshot(); }

  // Forgets a pending mutation the server rejected (by client and seq) and rebases without it.
  std::vector<Held> reject(const std::string& client, std::uint64_t seq);

  // The confirmed state (without pending edits), for persisting it: the schema, and an item with its
  // timeline (nullptr when the confirmed state has no such item).
  const Schema& confirmed_schema() const { return schema_shadow_ ? *schema_shadow_ : ws_.schema(); }
  const Item* confirmed_item(const std::string& id, const std::vector<TimelineEntry>** timeline) const;
  // Which confirmed items (and whether the schema) changed since the last call; a snapshot marks all.
  struct Changes {
    std::vector<std::string> items;  // sorted, each once
    bool schema = false;
    bool all = false;
    // With `all`, when every page of the snapshot came binary: the confirmed state as of the snapshot as a
    // base file, in two pieces (header, then the item blocks; core/snapshot_binary.hpp), to be stored as it
    // is. `items` then names only what changed after the snapshot.
    std::string base_header, base_blocks;
  };
  Changes take_changes();

 private:
  struct Shadow {
    bool existed = false;
    Item item;
    std::vector<TimelineEntry> timeline;
  };
  void shadow_item(const std::string& id);
  void shadow_schema();
  std::vector<std::string> touched_items(const Command& cmd) const;
  // Puts shadowed state back (the confirmed state), forgetting the shadows.
  void restore_shadows();
  std::vector<Held> reapply_pending();

  Workspace& ws_;
  std::vector<Mutation> pending_;
  std::map<std::string, Shadow> shadows_;
  std::optional<Schema> schema_shadow_;
  std::optional<std::map<std::string, std::uint64_t>> numbers_shadow_;  // Workspace::last_numbers
  std::optional<Workspace> snapshot_;
  std::string snapshot_blocks_;  // the item blocks of the snapshot being paged, while all came binary
  bool snapshot_binary_ = false;
  Changes changes_;
};

}  // namespace kt::sync
