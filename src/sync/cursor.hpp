// The pull cursor: which part of the server's change index a client has received. Opaque to
// clients; signed with HMAC-SHA256 so that a forged or damaged cursor reads as no cursor (and gets
// a reset), and bound to the user it was issued to.
//
// The server keeps one entry per item in an index ordered by (version of the item's last change,
// item id). A pull walks that index after the cursor's position; an item that changes moves to the
// end, so an item at or before the position is one the client already holds in its current state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kt::sync {

struct Cursor {
  std::string user;          // the user it was issued to
  std::uint64_t epoch = 0;   // access epoch it was issued in; another epoch means a reset
  std::uint64_t base = 0;    // every change at a version <= base has been delivered
  std::uint64_t schema = 0;  // the client holds the schema as of this version
  std::uint64_t snapshot =
      0;  // > 0 while the pages of a reset snapshot taken at this version are read
  // Position in the change index: entries at or before (pos_ver, pos_id) have been delivered in
  // this pass; an empty pos_id stands for every entry of pos_ver. pos_id is always an id this user
  // has received.
  std::uint64_t pos_ver = 0;
  std::string pos_id;
  // The pass right after a snapshot: items come with their whole timeline, because an item that
  // changed while the snapshot was paged was left out of it and the client does not hold it.
  bool whole = false;

  // At rest: nothing left of a pass, the client holds everything up to `base`.
  bool settled() const { return snapshot == 0 && pos_id.empty() && pos_ver == base; }
};

// Signs cursors with a secret (any length; the key is derived from it).
class CursorCodec {
 public:
  explicit CursorCodec(const std::string& secret);
  std::string encode(const Cursor& c) const;
  // nullopt when the text is not a cursor this codec signed.
  std::optional<Cursor> decode(const std::string& text) const;

 private:
  unsigned char key_[32];
};

}  // namespace kt::sync
