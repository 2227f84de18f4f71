#include "core/snapshot_binary.hpp"

#include <cstring>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/documents_json.hpp"
#include "core/schema_json.hpp"
#include "core/snapshot.hpp"

namespace kt {

namespace {

constexpr char kMagic[4] = {'K', 'T', 'W', 'S'};

enum ValueTag : std::uint8_t { kNull, kFalse, kTrue, kInt, kDouble, kString, kMoney, kFile, kList };

class Writer {
 public:
  std::string out;
  void u8(std::uint8_t b) { out.push_back(static_cast<char>(b)); }
  void uv(std::uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<std::uint8_t>(v));
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
          } else if constexpr (std::is_same_v<T, FileRef>) {
            u8(kFile);
            str(x.id);
            str(x.name);
            str(x.mime);
            iv(x.size);
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
};

// Every read checks the remaining length; the first failure sticks and the caller reports it once.
class Reader {
 public:
  explicit Reader(std::string_view b) : p_(b.data()), end_(b.data() + b.size()) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }

  std::uint8_t u8() {
    if (p_ >= end_) return fail(), 0;
    return static_cast<std::uint8_t>(*p_++);
  }
  std::uint64_t uv() {
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
    if (end_ - p_ < 8) return fail(), 0;
    std::memcpy(&d, p_, 8);
    p_ += 8;
    return d;
  }
  std::string_view view() {
    const std::uint64_t n = uv();
    if (!ok_ || n > static_cast<std::uint64_t>(end_ - p_)) return fail(), std::string_view();
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
    if (depth > 8) return fail(), Value();
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
        if (n > static_cast<std::uint64_t>(end_ - p_)) return fail(), Value();  // each element takes a byte
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
    nlohmann::json j = nlohmann::json::parse(s, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return fail();
    try {
      *out = j.get<std::vector<T>>();
    } catch (const std::exception&) {
      fail();
    }
  }
  // A count of things that each take at least one byte: larger than what is left means a damaged file.
  std::uint64_t count() {
    const std::uint64_t n = uv();
    if (n > static_cast<std::uint64_t>(end_ - p_)) return fail(), 0;
    return n;
  }

 private:
  void fail() {
    ok_ = false;
    p_ = end_;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace

std::string encode_workspace(const Workspace& ws, std::uint64_t tag) {
  Writer w;
  w.out.append(kMagic, 4);
  w.uv(kBinarySnapshotVersion);
  w.uv(tag);
  w.str(schema_json(ws.schema(), nullptr).dump());
  size_t n = 0;
  for (const auto& et : ws.schema().entities) n += ws.item_ids(et.id).size();
  w.uv(n);
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it) {  // the id lists and the items agree; should one not, say so rather than write a hole
        w.u8(0);
        continue;
      }
      w.u8(1);
      w.str(it->id);
      w.str(it->entity);
      w.str(it->pipeline);
      w.iv(it->created_ms);
      w.str(it->created_by);
      w.u8(it->deleted ? 1 : 0);
      w.iv(it->deleted_ms);
      w.str(it->deleted_by);
      w.uv(it->fields.size());
      for (const auto& [fid, cell] : it->fields) {
        w.str(fid);
        w.value(cell.value);
        w.iv(cell.hlc.wall);
        w.uv(cell.hlc.counter);
        w.str(cell.hlc.node);
      }
      w.json_list(it->activities);
      w.json_list(it->products);
      w.json_list(it->documents);
      const auto& tl = ws.timeline(id);
      w.uv(tl.size());
      for (const auto& e : tl) {
        w.str(e.id);
        w.u8(static_cast<std::uint8_t>(e.kind));
        w.str(e.author);
        w.iv(e.time_ms);
        w.str(e.field);
        w.value(e.old_value);
        w.value(e.new_value);
        w.uv(e.ver);
        w.str(e.text);
        w.str(e.target);
        w.str(e.note);
        w.u8(static_cast<std::uint8_t>((e.pinned ? 1 : 0) | (e.removed ? 2 : 0)));
        w.iv(e.edited_ms);
        w.str(e.payload);
      }
    }
  return std::move(w.out);
}

Status decode_workspace(std::string_view bytes, Workspace* ws, std::uint64_t* tag) {
  const auto bad = [](const std::string& why) { return Status::Fail("invalid_snapshot", "local snapshot: " + why); };
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) return bad("not a workspace file");
  Reader r(bytes.substr(4));
  const std::uint64_t version = r.uv();
  if (r.ok() && version != kBinarySnapshotVersion)
    return Status::Fail("unsupported_format", "local snapshot version " + std::to_string(version));
  const std::uint64_t t = r.uv();
  const std::string_view schema_text = r.view();
  if (!r.ok()) return bad("truncated header");
  Schema schema;
  {
    nlohmann::json sj = nlohmann::json::parse(schema_text, nullptr, false);
    if (sj.is_discarded()) return bad("the schema does not parse");
    if (Status s = load_schema(sj, &schema); !s) return s;
  }
  Workspace fresh(std::move(schema));
  const std::uint64_t n = r.count();
  for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
    if (r.u8() == 0) continue;
    Item it;
    r.str(&it.id);
    r.str(&it.entity);
    r.str(&it.pipeline);
    it.created_ms = r.iv();
    r.str(&it.created_by);
    it.deleted = r.u8() != 0;
    it.deleted_ms = r.iv();
    r.str(&it.deleted_by);
    const std::uint64_t nf = r.count();
    it.fields.reserve(nf);
    for (std::uint64_t f = 0; f < nf && r.ok(); ++f) {
      std::string fid = r.str();
      Cell c;
      c.value = r.value();
      c.hlc.wall = r.iv();
      c.hlc.counter = static_cast<std::uint32_t>(r.uv());
      r.str(&c.hlc.node);
      // Written in the item's (sorted) order: appending keeps it sorted; a damaged order is caught below.
      if (!it.fields.empty() && !(it.fields.back().first < fid)) return bad("fields out of order in " + it.id);
      it.fields.emplace_back(std::move(fid), std::move(c));
    }
    r.json_list(&it.activities);
    r.json_list(&it.products);
    r.json_list(&it.documents);
    const std::uint64_t ne = r.count();
    std::vector<TimelineEntry> tl(ne);
    for (auto& e : tl) {
      if (!r.ok()) break;
      r.str(&e.id);
      e.item = it.id;
      const std::uint8_t kind = r.u8();
      if (kind >= kTimelineKinds) return bad("unknown timeline kind in " + it.id);
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
    }
    if (!r.ok()) break;
    if (it.id.empty() || !fresh.schema().entity(it.entity)) return bad("an item with no id or an unknown entity type");
    if (fresh.item(it.id)) return bad("item " + it.id + " appears twice");
    fresh.put_item(std::move(it), std::move(tl), false);
  }
  if (!r.ok()) return bad("truncated or damaged");
  if (!r.at_end()) return bad("unexpected data after the items");
  *ws = std::move(fresh);
  if (tag) *tag = t;
  return Status::Ok();
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
