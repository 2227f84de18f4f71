#include "core/snapshot_binary.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/documents_json.hpp"
#include "core/json_bounded.hpp"
#include "core/rights.hpp"
#include "core/schema_json.hpp"
#include "core/snapshot.hpp"

namespace kt {

namespace {

constexpr char kMagic[4] = {'K', 'T', 'W', 'S'};
constexpr size_t kSinkPiece = 1 << 20;  // encode_workspace with a sink hands out pieces of about this size

enum ValueTag : std::uint8_t { kNull, kFalse, kTrue, kInt, kDouble, kString, kMoney, kFile, kList };

class Writer {
 public:
  std::string out;
  bool numbers = true;  // items carry their number (every format but the first ones: see the versions)
  // When set, only the documents it accepts are written (a projection).
  std::function<bool(const Document&)> keep_document;
  void u8(std::uint8_t b) { out.push_back(static_cast<char>(b)); }
  void uv(std::uint64_t v) {
    char b[10];  // one append: a push_back per byte cost more than the rest of writing a timeline entry
    size_t n = 0;
    while (v >= 0x80) {
      b[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    b[n++] = static_cast<char>(v);
    out.append(b, n);
  }
  void iv(std::int64_t v) { uv((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)); }
  void f64(double d) {
    char b[8];
    std::memcpy(b, &d, 8);
    out.append(b, 8);
  }
  void str(std::string_view s) {
    uv(s.size());
    out.append(s.data(), s.size());
  }
  void value(const Value& v) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            u8(kNull);
          } else if constexpr (std::is_same_v<T, bool>) {
            u8(x ? kTrue : kFalse);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            u8(kInt);
            iv(x);
          } else if constexpr (std::is_same_v<T, double>) {
            u8(kDouble);
            f64(x);
          } else if constexpr (std::is_same_v<T, std::string>) {
            u8(kString);
            str(x);
          } else if constexpr (std::is_same_v<T, Money>) {
            u8(kMoney);
            iv(x.minor);
            str(x.currency);
          } else if constexpr (std::is_same_v<T, FileBox>) {
            u8(kFile);
            str(x.get().id);
            str(x.get().name);
            str(x.get().mime);
            iv(x.get().size);
          } else {
            u8(kList);
            uv(x.size());
            for (const auto& e : x) value(e);
          }
        },
        v.data());
  }
  template <typename T>
  void json_list(const std::vector<T>& xs) {  // rare parts of an item (to-dos, products, documents)
    if (xs.empty()) str("");
    else str(nlohmann::json(xs).dump());
  }
  // One item as the snapshot holds it; with `visible`, only the fields it accepts and the timeline entries of
  // those fields (or of no field); with `from` > 0, only the entries after that version (as item_json).
  // `visible` says whether a field of the item is visible; `entry_visible`, a timeline entry with a field.
  template <typename Visible, typename EntryVisible>
  void item(const Item& it, const std::vector<TimelineEntry>& tl, const Visible& visible,
            const EntryVisible& entry_visible, std::uint64_t from = 0) {
    item_head(it, visible);
    timeline(tl, entry_visible, from);
  }
  // The changes of an item since version `from` (a pull page's flag-2 item, ItemChanges): its identity, the
  // cells `changed` accepts, the fields it lost, its lists when they changed, and the entries after `from`.
  template <typename Visible, typename EntryVisible, typename Changed>
  void item_changes(const Item& it, const std::vector<TimelineEntry>& tl, const Visible& visible,
                    const EntryVisible& entry_visible, std::uint64_t from, const Changed& changed,
                    const std::vector<std::string>& erased, bool with_lists) {
    item_ident(it);
    cells(it, [&](const std::string& fid) { return visible(fid) && changed(fid); });
    uv(static_cast<std::uint64_t>(std::count_if(erased.begin(), erased.end(), visible)));
    for (const auto& fid : erased)
      if (visible(fid)) str(fid);
    u8(with_lists ? 1 : 0);
    if (with_lists) lists(it);
    timeline(tl, entry_visible, from);
  }
  // The item without its timeline (which follows: a count and the entries).
  template <typename Visible>
  void item_head(const Item& it, const Visible& visible) {
    item_ident(it);
    cells(it, visible);
    lists(it);
  }

  // The to-dos, products and documents.
  void lists(const Item& it) {
    json_list(it.activities);
    json_list(it.products);
    if (!keep_document || std::all_of(it.documents.begin(), it.documents.end(), keep_document)) {
      json_list(it.documents);
    } else {
      std::vector<Document> kept;
      for (const auto& d : it.documents)
        if (keep_document(d)) kept.push_back(d);
      json_list(kept);
    }
  }

 private:
  void item_ident(const Item& it) {
    str(it.id);
    str(it.entity);
    str(it.pipeline);
    iv(it.created_ms);
    str(it.created_by);
    u8(it.deleted ? 1 : 0);
    iv(it.deleted_ms);
    str(it.deleted_by);
    if (numbers) uv(it.number);
  }
  template <typename Keep>
  void cells(const Item& it, const Keep& keep) {
    size_t nf = 0;
    for (const auto& [fid, cell] : it.fields) nf += keep(fid) ? 1 : 0;
    uv(nf);
    for (const auto& [fid, cell] : it.fields) {
      if (!keep(fid)) continue;
      str(fid);
      value(cell.value);
      iv(cell.hlc.wall);
      uv(cell.hlc.counter);
      str(cell.hlc.node.str());
    }
  }
  template <typename EntryVisible>
  void timeline(const std::vector<TimelineEntry>& tl, const EntryVisible& visible, std::uint64_t from) {
    auto wanted = [&](const TimelineEntry& e) { return (!from || e.ver > from) && (e.field.empty() || visible(e)); };
    uv(static_cast<std::uint64_t>(std::count_if(tl.begin(), tl.end(), wanted)));
    for (const auto& e : tl)
      if (wanted(e)) entry(e);
  }

 public:
  void entry(const TimelineEntry& e) {
    str(e.id);
    u8(static_cast<std::uint8_t>(e.kind));
    str(e.author);
    iv(e.time_ms);
    str(e.field);
    value(e.old_value);
    value(e.new_value);
    uv(e.ver);
    str(e.text);
    str(e.target);
    str(e.note);
    u8(static_cast<std::uint8_t>((e.pinned ? 1 : 0) | (e.removed ? 2 : 0)));
    iv(e.edited_ms);
    str(e.payload);
  }
};

// Every read checks the remaining length; the first failure sticks and the caller reports it once. Reads
// from a buffer holding all the bytes, or from a source pulled in chunks (then only the chunk is in memory:
// a view stays valid until the next read).
class Reader {
 public:
  explicit Reader(std::string_view b) : p_(b.data()), end_(b.data() + b.size()) {}
  Reader(const ByteSource& source, std::uint64_t size) : source_(&source), unread_(size) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_ && unread_ == 0; }
  bool numbers = true;  // items carry their number (Writer::numbers)

  std::uint8_t u8() {
    if (p_ >= end_ && !fill(1)) return fail(), 0;
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint64_t uv() {
    if (end_ - p_ < 10) fill(std::min<std::uint64_t>(10, left()));  // at most 10 bytes; fewer at the end
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) return fail(), 0;
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  std::int64_t iv() {
    const std::uint64_t u = uv();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  double f64() {
    double d = 0;
    if (end_ - p_ < 8 && !fill(8)) return fail(), 0;
    std::memcpy(&d, p_, 8);
    p_ += 8;
    return d;
  }
  // Valid until the next read.
  std::string_view view() {
    const std::uint64_t n = uv();
    if (!ok_ || n > left()) return fail(), std::string_view();
    if (n > static_cast<std::uint64_t>(end_ - p_) && !fill(n)) return fail(), std::string_view();
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string str() { return std::string(view()); }
  void str(std::string* out) {
    const std::string_view s = view();
    out->assign(s.data(), s.size());
  }
  Value value(int depth = 0) {
    if (depth > kMaxValueDepth) return fail(), Value();
    switch (u8()) {
      case kNull: return Value();
      case kFalse: return Value(false);
      case kTrue: return Value(true);
      case kInt: return Value(iv());
      case kDouble: return Value(f64());
      case kString: return Value(str());
      case kMoney: {
        Money m;
        m.minor = iv();
        str(&m.currency);
        return Value(std::move(m));
      }
      case kFile: {
        FileRef f;
        str(&f.id);
        str(&f.name);
        str(&f.mime);
        f.size = iv();
        return Value(std::move(f));
      }
      case kList: {
        const std::uint64_t n = uv();
        if (n > left()) return fail(), Value();  // each element takes a byte
        Value::List list;
        list.reserve(n);
        for (std::uint64_t i = 0; i < n && ok_; ++i) list.push_back(value(depth + 1));
        return Value(std::move(list));
      }
      default: return fail(), Value();
    }
  }
  template <typename T>
  void json_list(std::vector<T>* out) {
    const std::string_view s = view();
    if (s.empty() || !ok_) return;
    nlohmann::json j = parse_json_bounded(s);
    if (j.is_discarded() || !j.is_array()) return fail();
    try {
      *out = j.get<std::vector<T>>();
    } catch (const std::exception&) {
      fail();
    }
  }
  // Skips a value as value() reads it, without building it.
  void skip_value(int depth = 0) {
    if (depth > kMaxValueDepth) return fail();
    switch (u8()) {
      case kNull:
      case kFalse:
      case kTrue: return;
      case kInt: iv(); return;
      case kDouble: f64(); return;
      case kString: view(); return;
      case kMoney: iv(); view(); return;
      case kFile: view(); view(); view(); iv(); return;
      case kList: {
        const std::uint64_t n = uv();
        if (n > left()) return fail();
        for (std::uint64_t i = 0; i < n && ok_; ++i) skip_value(depth + 1);
        return;
      }
      default: return fail();
    }
  }
  // Every byte read between begin_capture and end_capture is appended to *out.
  void begin_capture(std::string* out) {
    capture_ = out;
    captured_from_ = p_;
  }
  void end_capture() {
    if (ok_) capture_->append(captured_from_, static_cast<size_t>(p_ - captured_from_));
    capture_ = nullptr;
  }
  // A count of things that each take at least one byte: larger than what is left means a damaged file.
  std::uint64_t count() {
    const std::uint64_t n = uv();
    if (n > left()) return fail(), 0;
    return n;
  }

  // The item as Writer::item_head wrote it, or with `changes` as Writer::item_changes wrote it (the cells,
  // the lost fields, and the lists only when they came), into a fresh *out; false (with the reason) when it
  // does not read (*out is then half-read: callers drop it).
  bool item_head(Item* out, std::string* why, ItemChanges* changes = nullptr) {
    Item& it = *out;
    str(&it.id);
    str(&it.entity);
    str(&it.pipeline);
    it.created_ms = iv();
    str(&it.created_by);
    it.deleted = u8() != 0;
    it.deleted_ms = iv();
    str(&it.deleted_by);
    if (numbers && (it.number = uv()) > Item::kMaxNumber) return *why = "a number out of range in " + it.id, false;
    const std::uint64_t nf = count();
    it.fields.reserve(nf);
    for (std::uint64_t f = 0; f < nf && ok_; ++f) {
      std::string fid = str();
      Cell c;
      c.value = value();
      c.hlc.wall = iv();
      c.hlc.counter = static_cast<std::uint32_t>(uv());
      if (!NodeId::make(view(), &c.hlc.node)) return *why = "a bad clock node in " + it.id, false;
      // Written in the item's (sorted) order: appending keeps it sorted; a damaged order is refused.
      if (!it.fields.empty() && !(it.fields.back().first < fid)) return *why = "fields out of order in " + it.id, false;
      it.fields.emplace_back(std::move(fid), std::move(c));
    }
    bool lists = true;
    if (changes) {
      changes->erased.resize(count());
      for (auto& fid : changes->erased) str(&fid);
      const std::uint8_t flag = u8();
      if (flag > 1) return *why = "a bad lists flag in " + it.id, false;
      lists = changes->lists = flag == 1;
    }
    if (lists) {
      json_list(&it.activities);
      json_list(&it.products);
      json_list(&it.documents);
    }
    if (!ok_) return *why = "truncated or damaged", false;
    if (it.id.empty() || it.entity.empty()) return *why = "an item with no id or entity type", false;
    return true;
  }

 private:
  // Bytes not yet read, in the buffer and in the source.
  std::uint64_t left() const { return static_cast<std::uint64_t>(end_ - p_) + unread_; }
  // Makes at least n bytes readable at p_ (false when the source has fewer): keeps the unread rest of the
  // chunk, then reads on from the source.
  bool fill(std::uint64_t n) {
    if (!source_ || n > left()) return false;
    const size_t have = static_cast<size_t>(end_ - p_);
    if (capture_) capture_->append(captured_from_, static_cast<size_t>(p_ - captured_from_));
    if (have && p_ != buf_.data()) std::memmove(buf_.data(), p_, have);
    const size_t want = std::max<size_t>(static_cast<size_t>(n), kChunk);
    if (buf_.size() < want) buf_.resize(want);
    const size_t get = static_cast<size_t>(std::min<std::uint64_t>(buf_.size() - have, unread_));
    size_t got = 0;
    while (got < get) {
      const size_t r = (*source_)(buf_.data() + have + got, get - got);
      if (r == 0) break;
      got += r;
    }
    unread_ -= got;
    p_ = buf_.data();
    captured_from_ = p_;
    end_ = p_ + have + got;
    if (got < get) unread_ = 0;  // the source ended early: what is left must be enough, or reads fail
    return have + got >= n;
  }
  void fail() {
    ok_ = false;
    p_ = end_;
    unread_ = 0;
  }
  static constexpr size_t kChunk = 1 << 20;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  bool ok_ = true;
  const ByteSource* source_ = nullptr;
  std::uint64_t unread_ = 0;  // bytes of the source not yet in buf_
  std::string buf_;
  std::string* capture_ = nullptr;
  const char* captured_from_ = nullptr;
};

// One timeline entry as encode_workspace writes it (the item's id comes from the item).
bool read_entry(Reader& r, TimelineEntry& e) {
  r.str(&e.id);
  const std::uint8_t kind = r.u8();
  if (kind >= kTimelineKinds) return false;
  e.kind = static_cast<TimelineKind>(kind);
  r.str(&e.author);
  e.time_ms = r.iv();
  r.str(&e.field);
  e.old_value = r.value();
  e.new_value = r.value();
  e.ver = r.uv();
  r.str(&e.text);
  r.str(&e.target);
  r.str(&e.note);
  const std::uint8_t flags = r.u8();
  e.pinned = flags & 1;
  e.removed = flags & 2;
  e.edited_ms = r.iv();
  r.str(&e.payload);
  return r.ok();
}

// The same entry checked and passed over (the bytes are kept packed), giving its version.
bool skip_entry(Reader& r, std::uint64_t* ver) {
  r.view();
  if (r.u8() >= kTimelineKinds) return false;
  r.view();
  r.iv();
  r.view();
  r.skip_value();
  r.skip_value();
  *ver = r.uv();
  r.view();
  r.view();
  r.view();
  r.u8();
  r.iv();
  r.view();
  return r.ok();
}

}  // namespace

namespace {

bool encode(const Workspace& ws, std::uint64_t tag, Writer& w, const ByteSink* sink) {
  const auto flush = [&](size_t at_least) {
    if (!sink || w.out.size() < at_least) return true;
    const bool ok = (*sink)(w.out);
    w.out.clear();
    return ok;
  };
  w.out.append(kMagic, 4);
  w.uv(kBinarySnapshotVersion);
  w.uv(tag);
  w.str(schema_json(ws.schema(), nullptr).dump());
  w.uv(ws.last_numbers().size());
  for (const auto& [entity, last] : ws.last_numbers()) {
    w.str(entity);
    w.uv(last);
  }
  size_t n = 0;
  for (const auto& et : ws.schema().entities) n += ws.item_ids(et.id).size();
  w.uv(n);
  const auto all = [](const std::string&) { return true; };
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it) {  // the id lists and the items agree; should one not, say so rather than write a hole
        w.u8(0);
        continue;
      }
      w.u8(1);
      if (const PackedTimeline* packed = ws.packed_timeline(id)) {  // never decoded: the same bytes again
        w.item_head(*it, all);
        w.uv(packed->count);
        w.out.append(packed->bytes).append(packed->more);
      } else {
        w.item(*it, ws.timeline(id), all, [](const TimelineEntry&) { return true; });
      }
      if (!flush(kSinkPiece)) return false;
    }
  return flush(1);
}

}  // namespace

std::string encode_workspace(const Workspace& ws, std::uint64_t tag) {
  Writer w;
  encode(ws, tag, w, nullptr);
  return std::move(w.out);
}

bool encode_workspace(const Workspace& ws, std::uint64_t tag, const ByteSink& sink) {
  Writer w;
  w.out.reserve(kSinkPiece + (kSinkPiece >> 2));
  return encode(ws, tag, w, &sink);
}

// ---- Item blocks: pull pages of a snapshot, and the connected store's base ----------------------------

struct ItemBlockWriter::Impl {
  const Schema& schema;
  const std::string* user;
  std::function<bool(const std::string&)> readable;  // items, for documents that show related ones
  std::function<std::string(const std::string&)> entity_of;  // items' types, for link entries
  Writer w;
  size_t count = 0;
  // Whether a field of the entity being written is visible to the user, per field id (a schema lookup and
  // a rights check per cell otherwise).
  std::unordered_map<std::string, std::unordered_map<std::string, bool>> visible;
  std::function<bool(const std::string&)> visible_of(const std::string& entity);
  // Whether a timeline entry (with a field) of an item of `entity` is visible: a link entry's field is of
  // the type of the item that links (an unknown one hides nothing).
  auto entry_visible_of(const std::string& entity) {
    return [this, own = visible_of(entity)](const TimelineEntry& e) {
      if (!user) return true;
      if (!is_link_entry(e)) return own(e.field);
      const std::string other = entity_of ? entity_of(e.target) : std::string();
      return other.empty() || visible_of(other)(e.field);
    };
  }
};

ItemBlockWriter::ItemBlockWriter(const Schema& s, const std::string* for_user,
                                 std::function<bool(const std::string&)> readable,
                                 std::function<std::string(const std::string&)> entity_of)
    : impl_(std::make_unique<Impl>(Impl{s, for_user, std::move(readable), std::move(entity_of), {}, 0, {}})) {
  if (for_user) {
    Impl* m = impl_.get();
    m->w.keep_document = [m](const Document& d) { return can_see_document(m->schema, *m->user, d, m->readable); };
  }
}
ItemBlockWriter::~ItemBlockWriter() = default;

// Whether a field of the item's entity is visible to the writer's user (every field without one).
std::function<bool(const std::string&)> ItemBlockWriter::Impl::visible_of(const std::string& entity) {
  if (!user) return [](const std::string&) { return true; };
  auto& cache = visible[entity];
  return [this, &cache, &entity](const std::string& fid) {
    auto it = cache.find(fid);
    if (it != cache.end()) return it->second;
    const FieldDef* f = schema.field(entity, fid);
    const bool v = f && can_see_field(schema, *user, *f);
    cache.emplace(fid, v);
    return v;
  };
}

void ItemBlockWriter::add(const Item& item, const std::vector<TimelineEntry>& timeline, std::uint64_t timeline_from) {
  Impl& m = *impl_;
  m.w.u8(1);
  m.w.item(item, timeline, m.visible_of(item.entity), m.entry_visible_of(item.entity), timeline_from);
  ++m.count;
}

void ItemBlockWriter::add_changes(const Item& item, const std::vector<TimelineEntry>& timeline, std::uint64_t from,
                                  const std::function<bool(const std::string&)>& changed,
                                  const std::vector<std::string>& erased, bool lists) {
  Impl& m = *impl_;
  m.w.u8(2);
  m.w.item_changes(item, timeline, m.visible_of(item.entity), m.entry_visible_of(item.entity), from, changed, erased,
                   lists);
  ++m.count;
}

void ItemBlockWriter::without_numbers() { impl_->w.numbers = false; }

size_t ItemBlockWriter::count() const { return impl_->count; }
size_t ItemBlockWriter::bytes() const { return impl_->w.out.size(); }

std::string ItemBlockWriter::finish() {
  Writer head;
  head.uv(impl_->count);
  std::string out = std::move(head.out);
  out += impl_->w.out;
  impl_->w.out.clear();
  impl_->count = 0;
  return out;
}

namespace {

// A timeline's entries (a count, then each) checked and kept as they are, with the first and last versions
// (last_ver: UINT64_MAX when an entry is local, version 0, or they are out of order: nothing may be appended
// after them as bytes then; one mutation's entries share a version).
bool read_entries_packed(Reader& r, const Item& it, PackedTimeline* tl, std::uint64_t* first_ver, std::string* why) {
  const std::uint64_t ne = r.count();
  if (ne > UINT32_MAX) return *why = "a timeline too long in " + it.id, false;
  tl->count = static_cast<std::uint32_t>(ne);
  r.begin_capture(&tl->bytes);
  bool kinds = true;
  tl->last_ver = 0;
  for (std::uint64_t k = 0; k < ne && r.ok() && kinds; ++k) {
    std::uint64_t ver = 0;
    kinds = skip_entry(r, &ver) || !r.ok();
    if (k == 0 && first_ver) *first_ver = ver;
    tl->last_ver = ver && ver >= tl->last_ver && tl->last_ver != UINT64_MAX ? ver : UINT64_MAX;
  }
  r.end_capture();
  if (!kinds) return *why = "unknown timeline kind in " + it.id, false;
  if (!r.ok()) return *why = "truncated or damaged", false;
  if (tl->bytes.capacity() > tl->bytes.size() + 16) tl->bytes.shrink_to_fit();  // appended across chunks
  return true;
}

// One item with its timeline decoded (pull pages; with `changes`, an item's changes), or with its timeline
// checked and kept packed (the stored base: decoded on first use). False with the reason when it does not
// read.
bool read_item(Reader& r, Item* it, std::vector<TimelineEntry>* tl, std::string* why, ItemChanges* changes = nullptr) {
  if (!r.item_head(it, why, changes)) return false;
  if (changes) return read_entries_packed(r, *it, &changes->entries, &changes->first_ver, why);
  std::vector<TimelineEntry> out(r.count());
  for (auto& e : out) {
    if (!r.ok()) break;
    e.item = it->id;
    if (!read_entry(r, e) && r.ok()) return *why = "unknown timeline kind in " + it->id, false;
  }
  if (!r.ok()) return *why = "truncated or damaged", false;
  *tl = std::move(out);
  return true;
}

bool read_item_packed(Reader& r, Item* it, PackedTimeline* tl, std::string* why) {
  return r.item_head(it, why) && read_entries_packed(r, *it, tl, nullptr, why);
}

// The items of one block (a count, then per item its flag: 0 none, 1 the item, 2 its changes), each into
// the element add() appends. False with the reason when it does not read.
bool read_block(Reader& r, std::uint64_t n, const std::function<BlockItem&()>& add, std::string* why) {
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    const std::uint8_t flag = r.u8();
    if (flag == 0) continue;
    if (flag > 2) return *why = "an unknown item flag " + std::to_string(flag), false;
    BlockItem& b = add();
    if (flag == 2) b.changes.emplace();
    if (!read_item(r, &b.item, &b.timeline, why, b.changes ? &*b.changes : nullptr)) return false;
  }
  if (!r.ok()) return *why = "truncated or damaged", false;
  return true;
}

}  // namespace

Status decode_item_block(std::string_view block, const std::function<void(size_t n)>& reserve,
                         const std::function<BlockItem&()>& add, bool numbered) {
  Reader r(block);
  r.numbers = numbered;
  const std::uint64_t n = r.count();
  std::string why;
  if (r.ok()) reserve(static_cast<size_t>(n));
  if (!r.ok() || !read_block(r, n, add, &why)) return Status::Fail("invalid_snapshot", "item block: " + (why.empty() ? "truncated" : why));
  if (!r.at_end()) return Status::Fail("invalid_snapshot", "item block: unexpected data after the items");
  return Status::Ok();
}

Status decode_item_block(std::string_view block, std::vector<BlockItem>* out, bool numbered) {
  std::vector<BlockItem> items;
  if (Status s = decode_item_block(
          block, [&](size_t n) { items.reserve(n); }, [&]() -> BlockItem& { return items.emplace_back(); },
          numbered);
      !s)
    return s;
  *out = std::move(items);
  return Status::Ok();
}

std::string binary_base_header(std::string_view schema_json_text, std::uint64_t tag) {
  Writer w;
  w.out.append(kMagic, 4);
  w.uv(kBinaryBlocksVersion);
  w.uv(tag);
  w.str(schema_json_text);
  w.uv(0);  // no last numbers: the items' own say them
  return std::move(w.out);
}

constexpr char kPageMagic[4] = {'K', 'T', 'P', 'P'};

std::string binary_pull_page(std::string_view header_json, std::string_view block, std::uint32_t version) {
  Writer w;
  w.out.reserve(16 + header_json.size() + block.size());
  w.out.append(kPageMagic, 4);
  w.uv(version);
  w.str(header_json);
  w.out.append(block.data(), block.size());
  return std::move(w.out);
}

bool is_binary_pull_page(std::string_view body) {
  return body.size() >= 4 && std::memcmp(body.data(), kPageMagic, 4) == 0;
}

Status split_binary_pull_page(std::string_view body, std::string_view* header_json, std::string_view* block,
                              std::uint32_t* version_out) {
  if (!is_binary_pull_page(body)) return Status::Fail("malformed_response", "not a binary pull page");
  Reader r(body.substr(4));
  const std::uint64_t version = r.uv();
  if (r.ok() && version != kBinaryPullPageVersion && version != kBinaryPullPageUnnumbered)
    return Status::Fail("malformed_response", "binary pull page version " + std::to_string(version));
  if (version_out) *version_out = static_cast<std::uint32_t>(version);
  const std::string_view head = r.view();
  if (!r.ok()) return Status::Fail("malformed_response", "binary pull page: truncated header");
  *header_json = head;
  *block = body.substr(static_cast<size_t>(head.data() + head.size() - body.data()));
  return Status::Ok();
}

namespace {

Status bad_snapshot(const std::string& why) { return Status::Fail("invalid_snapshot", "local snapshot: " + why); }

Status decode(Reader& r, Workspace* ws, std::uint64_t* tag) {
  const auto bad = bad_snapshot;
  char magic[4];
  for (char& c : magic) c = static_cast<char>(r.u8());
  if (!r.ok() || std::memcmp(magic, kMagic, 4) != 0) return bad("not a workspace file");
  const std::uint64_t version = r.uv();
  // The first two formats (1: one count and the items; 2: blocks) came before item numbers; 3 and 4 are
  // the same with them, and the last numbers after the schema.
  const bool numbered = version == kBinarySnapshotVersion || version == kBinaryBlocksVersion;
  const bool blocks = version == kBinaryBlocksVersion || version == 2;
  if (r.ok() && !numbered && version != 1 && version != 2)
    return Status::Fail("unsupported_format", "local snapshot version " + std::to_string(version));
  r.numbers = numbered;
  const std::uint64_t t = r.uv();
  const std::string_view schema_text = r.view();  // valid until the next read
  if (!r.ok()) return bad("truncated header");
  Schema schema;
  {
    Status why;
    nlohmann::json sj = parse_json_bounded(schema_text, &why);
    if (sj.is_discarded()) return bad("the schema does not parse: " + why.message);
    if (Status s = load_schema(sj, &schema); !s) return s;
  }
  Workspace fresh(std::move(schema));
  std::map<std::string, std::uint64_t> last_numbers;
  for (std::uint64_t i = 0, n = numbered ? r.count() : 0; i < n && r.ok(); ++i) {
    std::string entity = r.str();
    if ((last_numbers[std::move(entity)] = r.uv()) > Item::kMaxNumber) return bad("a last number out of range");
  }
  if (!r.ok()) return bad("truncated header");
  fresh.raise_last_numbers(last_numbers);
  std::string why;
  // Versions 1 and 3: one count and the items. Versions 2 and 4: blocks (a count, then the items) ended by
  // a count of 0, so that a file cut at a block boundary is still refused.
  for (;;) {
    const std::uint64_t n = r.count();
    if (!r.ok()) return bad("truncated or damaged");
    if (n == 0 && blocks) break;
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      const std::uint8_t flag = r.u8();
      if (flag == 0) continue;
      if (flag != 1) return bad("an item flag " + std::to_string(flag) + " (a stored file holds whole items)");
      Item it;
      PackedTimeline tl;
      if (!read_item_packed(r, &it, &tl, &why)) return bad(why);
      if (!fresh.schema().entity(it.entity)) return bad("an item of an unknown entity type");
      if (fresh.item(it.id)) return bad("item " + it.id + " appears twice");
      fresh.put_item(std::move(it), std::move(tl));
    }
    if (!blocks) break;
  }
  if (!r.ok()) return bad("truncated or damaged");
  if (!r.at_end()) return bad("unexpected data after the items");
  *ws = std::move(fresh);
  if (tag) *tag = t;
  return Status::Ok();
}

}  // namespace

Status decode_workspace(std::string_view bytes, Workspace* ws, std::uint64_t* tag) {
  Reader r(bytes);
  return decode(r, ws, tag);
}

Status decode_workspace(const ByteSource& source, std::uint64_t size, Workspace* ws, std::uint64_t* tag) {
  Reader r(source, size);
  return decode(r, ws, tag);
}

bool unpack_timeline(const PackedTimeline& packed, const std::string& item, std::vector<TimelineEntry>* out) {
  out->reserve(out->size() + packed.count);
  std::uint32_t k = 0;
  for (const std::string* part : {&packed.bytes, &packed.more}) {
    Reader r(*part);  // entries never straddle the two
    for (; k < packed.count && !r.at_end(); ++k) {
      TimelineEntry& e = out->emplace_back();
      e.item = item;
      if (!read_entry(r, e)) {
        out->pop_back();
        return false;
      }
    }
    if (!r.at_end()) return false;
  }
  return k == packed.count;
}

namespace {
std::uint64_t print_of(std::string_view bytes) {
  const std::uint64_t h = std::hash<std::string_view>{}(bytes);
  return h ? h : 1;
}
}  // namespace

std::uint64_t cell_print(const Cell& cell) {
  thread_local Writer w;
  w.out.clear();
  w.value(cell.value);
  w.iv(cell.hlc.wall);
  w.uv(cell.hlc.counter);
  w.str(cell.hlc.node.str());
  return print_of(w.out);
}

std::uint64_t lists_print(const Item& item) {
  if (item.activities.empty() && item.products.empty() && item.documents.empty()) return 1;
  thread_local Writer w;
  w.out.clear();
  w.lists(item);
  return print_of(w.out);
}

bool append_packed(PackedTimeline* packed, PackedTimeline&& entries, std::uint64_t first_ver) {
  if (!packed->count || !entries.count || first_ver <= packed->last_ver || entries.last_ver == UINT64_MAX ||
      entries.count > UINT32_MAX - packed->count)
    return false;
  if (packed->more.empty() && entries.more.empty()) {
    packed->more = std::move(entries.bytes);
  } else {
    packed->more.append(entries.bytes).append(entries.more);
  }
  packed->count += entries.count;
  packed->last_ver = entries.last_ver;
  return true;
}

bool append_packed(PackedTimeline* packed, const std::vector<TimelineEntry>& entries) {
  if (!packed->count || entries.empty()) return false;
  PackedTimeline more;
  more.count = static_cast<std::uint32_t>(std::min<size_t>(entries.size(), UINT32_MAX));
  for (const auto& e : entries) {
    if (!e.ver || e.ver < more.last_ver) return false;  // local, or out of order
    more.last_ver = e.ver;
  }
  if (entries.front().ver <= packed->last_ver) return false;  // before encoding them
  Writer w;
  for (const auto& e : entries) w.entry(e);
  more.bytes = std::move(w.out);
  return append_packed(packed, std::move(more), entries.front().ver);
}

Hlc max_clock(const Workspace& ws) {
  Hlc best;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id))
      if (const Item* it = ws.item(id))
        for (const auto& [fid, cell] : it->fields)
          if (best < cell.hlc) best = cell.hlc;
  return best;
}

}  // namespace kt
