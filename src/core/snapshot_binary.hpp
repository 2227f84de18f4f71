// The whole workspace in a compact binary form, for the browser's local store: the app starts from it
// instead of parsing and replaying every journal record (a 10k workspace is ~38k JSON records; replaying
// them cost most of the start-up). The schema is carried as its JSON document (small, and its shape is
// already defined by snapshot.hpp); items and timelines are written field by field with varints and
// length-prefixed strings. Decoding checks every length against the buffer: a damaged or truncated file
// fails with a message and leaves the workspace unchanged. Not a wire format: only this build reads it
// back, and an unknown version is refused (the caller then falls back to the journal).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/workspace.hpp"

namespace kt {

// Versions 1 and 2 (still read) are the same without item numbers (Item::number; their items come with none).
constexpr std::uint32_t kBinarySnapshotVersion = 3;
// The same with the items in blocks (a count, then the items) ended by an empty block: the connected store's
// base file, assembled from the item blocks of a snapshot's pull pages without decoding and re-encoding them.
constexpr std::uint32_t kBinaryBlocksVersion = 4;

// `tag` is a number the caller keeps with the state (the local store: the last journal segment the state
// includes); it is returned by decode_workspace.
std::string encode_workspace(const Workspace& ws, std::uint64_t tag);
// The same bytes handed to `sink` in pieces of about 1 MB, so that writing a large workspace never holds
// the whole file in memory. Stops at the first piece the sink refuses (returns false) and returns false.
using ByteSink = std::function<bool(std::string_view bytes)>;
bool encode_workspace(const Workspace& ws, std::uint64_t tag, const ByteSink& sink);
Status decode_workspace(std::string_view bytes, Workspace* ws, std::uint64_t* tag);

// Item blocks: a count, then per item a present flag and the item (its fields, lists and timeline), exactly
// as a snapshot file holds them. The server writes a snapshot's pull pages as blocks (src/server/PROTOCOL.md,
// "format": "binary"); the client decodes them, and keeps them as they are for its base file:
//   binary_base_header(schema JSON, tag) + block + block + ... + kBinaryBlocksEnd
// reads back with decode_workspace.
class ItemBlockWriter {
 public:
  // Projected for `for_user` when given: fields he may not see, and their timeline entries, are left out
  // (the caller checks that he may read the item at all), and so are documents he may not see
  // (documents.hpp can_see_document; `readable` says whether he may read an item by id), as item_json does.
  // `entity_of` gives an item's entity type by id ("" unknown): a link entry's field is of the type of the
  // item that links, and is left out when he may not see that field.
  ItemBlockWriter(const Schema& s, const std::string* for_user,
                  std::function<bool(const std::string& item)> readable = {},
                  std::function<std::string(const std::string& item)> entity_of = {});
  ~ItemBlockWriter();
  // With `timeline_from` > 0, only the timeline's entries after that version (a pull page's partial
  // timeline, as item_json writes it).
  void add(const Item& item, const std::vector<TimelineEntry>& timeline, std::uint64_t timeline_from = 0);
  // What changed in an item after version `from` (> 0), for a client that holds the item as it was then
  // (read back as a BlockItem with `changes`): its identity (id, entity, pipeline, creation, deletion), the
  // cells `changed` accepts, the fields in `erased` (it had them and lost them), its to-dos, products and
  // documents when `lists`, and the timeline entries after `from`. Projected as add() is.
  void add_changes(const Item& item, const std::vector<TimelineEntry>& timeline, std::uint64_t from,
                   const std::function<bool(const std::string& field)>& changed,
                   const std::vector<std::string>& erased, bool lists);
  // Items as the first page format wrote them, without their numbers (for a client from before numbers).
  void without_numbers();
  size_t count() const;
  size_t bytes() const;
  // The block (count + items); the writer is empty again afterwards.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct BlockItem {
  Item item;
  std::vector<TimelineEntry> timeline;  // empty with `changes`
  std::optional<ItemChanges> changes;   // set: the item's changes, not the whole item
};
// Decodes one whole block; on failure `out` is untouched and the status says why.
// `numbered` false: a block of the first pull page format, whose items carry no number.
Status decode_item_block(std::string_view block, std::vector<BlockItem>* out, bool numbered = true);
// The same, each item decoded in place into the element add() appends (a pull page's, which holds more than
// a BlockItem: moving 10,000 items from one vector to another cost a fifth of reading a page of changes),
// after reserve(n) with the block's count. On failure what add() made is half-read: the caller drops it.
Status decode_item_block(std::string_view block, const std::function<void(size_t n)>& reserve,
                         const std::function<BlockItem&()>& add, bool numbered = true);
std::string binary_base_header(std::string_view schema_json_text, std::uint64_t tag);
inline constexpr char kBinaryBlocksEnd[] = {'\0'};  // an empty block: the end of the items

// A binary pull page: "KTPP", its format version, the page's JSON header (length-prefixed: cursor, more,
// reset, snapshotDone, schema, lastMutationIds) and one item block.
// Version 2 items carry their number; version 1 (kBinaryPullPageUnnumbered) is what a client from before
// numbers asks for (it does not say "pageFormat": PROTOCOL.md).
constexpr std::uint32_t kBinaryPullPageVersion = 2;
constexpr std::uint32_t kBinaryPullPageUnnumbered = 1;
std::string binary_pull_page(std::string_view header_json, std::string_view block,
                             std::uint32_t version = kBinaryPullPageVersion);
bool is_binary_pull_page(std::string_view body);
// The header and the block of a page, and its version (one of the two above); fails on anything that is
// not a whole page of those versions.
Status split_binary_pull_page(std::string_view body, std::string_view* header_json, std::string_view* block,
                              std::uint32_t* version = nullptr);

// Where a streaming decode pulls its bytes from: copies up to n of the next bytes to `out` and returns how
// many (0: no more, or a read error).
using ByteSource = std::function<size_t(char* out, size_t n)>;
// The same from `size` bytes pulled from `source` in chunks of about 1 MB, so that a large stored base is
// never in memory whole (100k deals: an 87 MB file). Fails like the above when the source ends early or
// holds more than `size` bytes' worth of workspace.
Status decode_workspace(const ByteSource& source, std::uint64_t size, Workspace* ws, std::uint64_t* tag);

// Decodes a timeline kept packed by decode_workspace (appending to *out); false if the bytes are damaged
// (they were checked when stored, so only memory damage can do it).
bool unpack_timeline(const PackedTimeline& packed, const std::string& item, std::vector<TimelineEntry>* out);

// Fingerprints of a cell (its value and clock) and of an item's to-dos, products and documents, never 0: the
// server compares them before and after a change to know what changed (a different fingerprint is a change;
// 64 bits make a missed one practically impossible).
std::uint64_t cell_print(const Cell& cell);
std::uint64_t lists_print(const Item& item);

// Appends entries to a packed timeline without decoding it, when they come after it: in version order, the
// first above the timeline's last (an entry's version never changes, so none of them is there already, and
// the order holds). False, changing nothing, otherwise (the caller then decodes the timeline and merges).
bool append_packed(PackedTimeline* packed, const std::vector<TimelineEntry>& entries);
// The same with the entries packed (an item's changes: ItemChanges), taken as they are.
bool append_packed(PackedTimeline* packed, PackedTimeline&& entries, std::uint64_t first_ver);

// The largest clock of any cell or timeline entry: a session started on a decoded workspace observes it,
// so that its own writes order after everything already there.
Hlc max_clock(const Workspace& ws);

}  // namespace kt
