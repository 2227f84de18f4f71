// The binary local snapshot: a round trip keeps everything snapshot_json shows, damaged files are refused
// without touching the workspace, and the session's clock continues after the stored cells.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "test_support.hpp"

using namespace kt;
using kt::test::DemoWorkspace;

namespace {

// An item with every kind of value, to-dos, product rows, a document, and timeline entries of every flag.
void add_rich_item(Workspace& ws) {
  Item it;
  it.id = "DX";
  it.entity = "deal";
  it.pipeline = ws.item(ws.item_ids("deal").front())->pipeline;
  it.created_ms = 1795000000123;
  it.created_by = "u1";
  it.deleted = true;
  it.deleted_ms = 1795000000999;
  it.deleted_by = "u2";
  auto put = [&](const char* f, Value v, std::int64_t wall) { it.cell_for_write(f) = Cell{std::move(v), Hlc{wall, 7, "cX"}}; };
  put("TITLE", Value("Сделка «Ёлка» — 100%"), 1795000000200);
  put("OPPORTUNITY", Value(Money{-123456789, "RUB"}), 1795000000201);
  put("UF_FLAG", Value(true), 1);
  put("UF_OFF", Value(false), 2);
  put("UF_INT", Value(std::int64_t{-9007199254740993}), 3);
  put("UF_DBL", Value(3.25e-7), 4);
  put("UF_FILE", Value(FileRef{"blob1", "счёт.pdf", "application/pdf", 12345}), 5);
  put("UF_LIST", Value(Value::List{Value("a"), Value(std::int64_t{2}), Value(Value::List{Value()})}), 6);
  put("UF_NULL", Value(), 7);
  Activity a;
  a.id = "t1";
  a.subject = "Позвонить";
  a.deadline_ms = 1795000500000;
  a.reminders = {0, 15};
  a.participants = {"u2"};
  it.activities.push_back(a);
  ProductRow p;
  p.id = "p1";
  p.name = "Сервер";
  p.price = 10000000;
  p.quantity = 1.5;
  it.products.push_back(p);
  Document d;
  d.id = "doc1";
  d.number = "СЧ-1";
  d.html = "<html>…</html>";
  it.documents.push_back(d);
  std::vector<TimelineEntry> tl(3);
  tl[0].id = "e1";
  tl[0].kind = TimelineKind::FieldChanged;
  tl[0].author = "u1";
  tl[0].time_ms = 1795000000300;
  tl[0].field = "TITLE";
  tl[0].old_value = Value("старое");
  tl[0].new_value = Value(Money{5, "USD"});
  tl[0].ver = 42;
  tl[1].id = "e2";
  tl[1].kind = TimelineKind::Comment;
  tl[1].text = "Комментарий\nв две строки";
  tl[1].note = "заметка";
  tl[1].pinned = true;
  tl[1].edited_ms = 1795000000400;
  tl[2].id = "e3";
  tl[2].kind = TimelineKind::Document;
  tl[2].removed = true;
  tl[2].target = "L1";
  tl[2].payload = R"({"number":"СЧ-1"})";
  ws.put_item(std::move(it), &tl, false);
}

}  // namespace

TEST_CASE("binary snapshot: a round trip keeps the schema, every item, value kind and timeline entry") {
  DemoWorkspace d;
  add_rich_item(d.ws);
  REQUIRE(d.as(d.admin, AddComment{d.ws.item_ids("deal").front(), "ещё комментарий"}).ok());
  const std::string bytes = encode_workspace(d.ws, 17);
  Workspace back;
  std::uint64_t tag = 0;
  const Status s = decode_workspace(bytes, &back, &tag);
  REQUIRE_MESSAGE(s.ok(), s.message);
  CHECK(tag == 17);
  CHECK(snapshot_json(back, nullptr) == snapshot_json(d.ws, nullptr));
  CHECK(back.item_count() == d.ws.item_count());
  CHECK(back.item("DX")->get("UF_LIST") == d.ws.item("DX")->get("UF_LIST"));
  CHECK(back.timeline("DX").size() == 3);
  CHECK(back.timeline("DX")[1].item == "DX");
  // Smaller than the JSON snapshot of the same state.
  CHECK(bytes.size() < snapshot_json(d.ws, nullptr).dump().size());
}

TEST_CASE("binary snapshot: a damaged or foreign file is refused and the workspace stays as it was") {
  DemoWorkspace d;
  add_rich_item(d.ws);
  const std::string bytes = encode_workspace(d.ws, 3);
  DemoWorkspace target;
  const nlohmann::json before = snapshot_json(target.ws, nullptr);
  // Every truncation fails cleanly (no crash, no partial state).
  for (size_t cut = 0; cut < bytes.size(); cut += 1 + cut / 7) {
    std::uint64_t tag = 99;
    const Status s = decode_workspace(std::string_view(bytes).substr(0, cut), &target.ws, &tag);
    REQUIRE_MESSAGE(!s.ok(), "a file cut at " << cut << " bytes was accepted");
    CHECK(tag == 99);
  }
  CHECK(snapshot_json(target.ws, nullptr) == before);
  CHECK(decode_workspace("JSON{}", &target.ws, nullptr).code == "invalid_snapshot");
  std::string newer = bytes;
  newer[4] = 9;  // the version varint
  CHECK(decode_workspace(newer, &target.ws, nullptr).code == "unsupported_format");
  CHECK(decode_workspace(bytes + "x", &target.ws, nullptr).code == "invalid_snapshot");
  // Flipped bytes either fail or decode to some workspace; they never crash.
  for (size_t i = 8; i < bytes.size(); i += 13) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    Workspace w;
    (void)decode_workspace(flipped, &w, nullptr);
  }
  CHECK(snapshot_json(target.ws, nullptr) == before);
}

// A source handing out the bytes a few at a time (as a file read in chunks, with short reads).
ByteSource pieces(const std::string& bytes, size_t* pos) {
  return [&bytes, pos](char* out, size_t n) {
    const size_t k = std::min({n, bytes.size() - *pos, size_t{1} + *pos % 7});
    std::memcpy(out, bytes.data() + *pos, k);
    *pos += k;
    return k;
  };
}

TEST_CASE("binary snapshot: decoding from a source in chunks gives the same workspace; short sources fail") {
  DemoWorkspace d;
  add_rich_item(d.ws);
  const std::string deal = d.ws.item_ids("deal").front();
  for (int i = 0; i < 40; ++i) REQUIRE(d.as(d.admin, AddComment{deal, std::string(40000, 'a' + i % 26)}).ok());
  {  // one string longer than a chunk (the reader's buffer grows for it)
    Item big = *d.ws.item("DX");
    big.id = "DY";
    std::vector<TimelineEntry> tl(1);
    tl[0].id = "e-big";
    tl[0].kind = TimelineKind::Comment;
    tl[0].text = std::string(1500000, 'z');
    d.ws.put_item(std::move(big), &tl, false);
  }
  const std::string bytes = encode_workspace(d.ws, 23);
  REQUIRE(bytes.size() > (3u << 20));  // several chunks of 1 MB
  size_t pos = 0;
  Workspace back;
  std::uint64_t tag = 0;
  const Status s = decode_workspace(pieces(bytes, &pos), bytes.size(), &back, &tag);
  REQUIRE_MESSAGE(s.ok(), s.message);
  CHECK(pos == bytes.size());
  CHECK(tag == 23);
  CHECK(snapshot_json(back, nullptr) == snapshot_json(d.ws, nullptr));
  CHECK(back.timeline(deal).size() == d.ws.timeline(deal).size());
  CHECK(back.timeline(deal).back().text == d.ws.timeline(deal).back().text);
  CHECK(back.timeline("DY").at(0).text == d.ws.timeline("DY").at(0).text);

  DemoWorkspace target;
  const nlohmann::json before = snapshot_json(target.ws, nullptr);
  for (size_t cut : {size_t{0}, size_t{3}, size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    // The size says the whole file, the source ends at `cut` (a file shortened while read) ...
    const std::string part = bytes.substr(0, cut);
    pos = 0;
    std::uint64_t t = 99;
    CHECK_FALSE(decode_workspace(pieces(part, &pos), bytes.size(), &target.ws, &t).ok());
    // ... or the size itself is short.
    pos = 0;
    CHECK_FALSE(decode_workspace(pieces(bytes, &pos), cut, &target.ws, &t).ok());
    CHECK(t == 99);
  }
  // More bytes than the workspace takes.
  const std::string longer = bytes + "xyz";
  pos = 0;
  CHECK(decode_workspace(pieces(longer, &pos), longer.size(), &target.ws, nullptr).code == "invalid_snapshot");
  CHECK(snapshot_json(target.ws, nullptr) == before);
}

TEST_CASE("binary snapshot: timelines stay packed until used, are written back as they were, and take edits") {
  DemoWorkspace d;
  add_rich_item(d.ws);
  const std::string deal = d.ws.item_ids("deal").front();
  REQUIRE(d.as(d.admin, AddComment{deal, "первый"}).ok());
  const std::string bytes = encode_workspace(d.ws, 5);
  Workspace back;
  REQUIRE(decode_workspace(bytes, &back, nullptr).ok());
  REQUIRE(back.packed_timeline("DX") != nullptr);
  CHECK(back.packed_timeline("DX")->count == 3);
  // Written back without decoding: the same bytes.
  CHECK(encode_workspace(back, 5) == bytes);
  // First use decodes it.
  CHECK(back.timeline("DX").size() == 3);
  CHECK(back.packed_timeline("DX") == nullptr);
  CHECK(back.timeline("DX")[2].payload == R"({"number":"СЧ-1"})");
  CHECK(encode_workspace(back, 5) == bytes);
  // An edit of an item whose timeline is still packed appends after the stored entries.
  REQUIRE(back.packed_timeline(deal) != nullptr);
  const size_t before = d.ws.timeline(deal).size();
  Session s(back, "c9", "u1");
  s.observe_clock(max_clock(back), 1795000000000);
  REQUIRE(s.dispatch(AddComment{deal, "второй"}, 1795000000000, false).ok());
  const auto& tl = back.timeline(deal);
  REQUIRE(tl.size() == before + 1);
  CHECK(tl[before - 1].text == "первый");
  CHECK(tl.back().text == "второй");
  // A merged put keeps the stored entries; a replacing put drops them.
  Workspace merged;
  REQUIRE(decode_workspace(bytes, &merged, nullptr).ok());
  TimelineEntry extra;
  extra.id = "x:1";
  extra.kind = TimelineKind::Comment;
  extra.text = "с сервера";
  std::vector<TimelineEntry> one{extra};
  merged.put_item(*merged.item("DX"), &one, true);
  CHECK(merged.timeline("DX").size() == 4);
  merged.put_item(*merged.item(deal), &one, false);
  CHECK(merged.timeline(deal).size() == 1);
  merged.remove_item("DX");
  CHECK(merged.packed_timeline("DX") == nullptr);
  CHECK(merged.timeline("DX").empty());
}

TEST_CASE("binary snapshot: a session on the decoded workspace writes after the stored clocks") {
  DemoWorkspace d;
  add_rich_item(d.ws);
  Workspace back;
  REQUIRE(decode_workspace(encode_workspace(d.ws, 0), &back, nullptr).ok());
  const Hlc top = max_clock(back);
  CHECK(top == max_clock(d.ws));
  CHECK(top.wall >= 1795000000201);
  Session s(back, "c2", "u1");
  s.observe_clock(top, 1000);  // a device whose clock is far behind
  const std::string deal = back.item_ids("deal").front();
  REQUIRE(s.dispatch(SetField{deal, "TITLE", Value("после"), {}}, 1000, false).ok());
  CHECK(back.item(deal)->cell("TITLE")->hlc > top);
  CHECK(back.item(deal)->get("TITLE") == Value("после"));
}

TEST_CASE("binary snapshot: entries after a packed timeline are appended as bytes; others decode and merge") {
  DemoWorkspace d;
  const std::string deal = d.ws.item_ids("deal").front();
  // Every entry confirmed, as a synced client stores them.
  std::uint64_t ver = 0;
  for (const auto& et : d.ws.schema().entities)
    for (const auto& id : d.ws.item_ids(et.id))
      for (const auto& e : d.ws.timeline(id)) d.ws.confirm_entries(id, e.id, ++ver);
  add_rich_item(d.ws);  // its second and third entries are local (version 0)
  const std::string bytes = encode_workspace(d.ws, 0);
  Workspace back;
  REQUIRE(decode_workspace(bytes, &back, nullptr).ok());
  const size_t before = d.ws.timeline(deal).size();
  REQUIRE(back.packed_timeline(deal) != nullptr);
  auto entry = [](const std::string& id, std::uint64_t v, const char* text) {
    TimelineEntry e;
    e.id = id;
    e.kind = TimelineKind::Comment;
    e.author = "u1";
    e.text = text;
    e.ver = v;
    return e;
  };
  // An item's changes with these entries, through a page's block as the client gets them.
  auto patch = [&](const Item& it, const std::vector<TimelineEntry>& es) {
    ItemBlockWriter w(back.schema(), nullptr);
    w.add_changes(it, es, 0, [](const std::string&) { return true; }, {}, false);
    std::vector<BlockItem> b;
    REQUIRE(decode_item_block(w.finish(), &b).ok());
    REQUIRE(b.size() == 1);
    return back.patch_item(std::move(b[0].item), std::move(*b[0].changes));
  };
  // After the stored ones: appended, the timeline stays packed and reads back with them in order.
  Item changed = *back.item(deal);
  changed.fields.clear();
  REQUIRE(patch(changed, {entry("s:1", ver + 1, "один"), entry("s:1:1", ver + 1, "и ещё"), entry("s:2", ver + 2, "два")}));
  REQUIRE(back.packed_timeline(deal) != nullptr);
  CHECK(back.packed_timeline(deal)->count == before + 3);
  CHECK(back.packed_timeline(deal)->last_ver == ver + 2);
  Workspace again;
  REQUIRE(decode_workspace(encode_workspace(back, 0), &again, nullptr).ok());
  const auto& tl = again.timeline(deal);
  REQUIRE(tl.size() == before + 3);
  CHECK(tl[before].text == "один");
  CHECK(tl[before + 1].text == "и ещё");  // one mutation's entries share its version
  CHECK(tl.back().text == "два");
  CHECK(tl.back().item == deal);
  // The same from a page's block: the entries' bytes as the page holds them are appended as they are.
  const std::string other = d.ws.item_ids("deal").at(1);
  REQUIRE(back.packed_timeline(other) != nullptr);
  const size_t other_before = back.packed_timeline(other)->count;
  ItemBlockWriter w(back.schema(), nullptr);
  w.add_changes(*back.item(other), {entry("s:4", ver + 4, "четыре")}, 0, [](const std::string&) { return false; }, {}, false);
  std::vector<BlockItem> block;
  REQUIRE(decode_item_block(w.finish(), &block).ok());
  REQUIRE(block.size() == 1);
  REQUIRE(block[0].changes);
  CHECK(block[0].timeline.empty());
  CHECK(block[0].changes->entries.count == 1);
  CHECK(block[0].changes->first_ver == ver + 4);
  const std::string page_bytes = block[0].changes->entries.bytes;
  REQUIRE(back.patch_item(std::move(block[0].item), std::move(*block[0].changes)));
  REQUIRE(back.packed_timeline(other) != nullptr);
  CHECK(back.packed_timeline(other)->count == other_before + 1);
  CHECK(back.packed_timeline(other)->more == page_bytes);  // taken as they came, after the stored bytes
  // A second page's entries go after the first's; written back, the timeline reads in that order.
  Item other_item = *back.item(other);
  other_item.fields.clear();
  REQUIRE(patch(other_item, {entry("s:5", ver + 5, "пять")}));
  CHECK(back.packed_timeline(other)->count == other_before + 2);
  Workspace written;
  REQUIRE(decode_workspace(encode_workspace(back, 0), &written, nullptr).ok());
  REQUIRE(written.timeline(other).size() == other_before + 2);
  CHECK(written.timeline(other)[other_before].text == "четыре");
  CHECK(written.timeline(other).back().text == "пять");
  REQUIRE(back.timeline(other).size() == other_before + 2);
  CHECK(back.timeline(other)[other_before].text == "четыре");
  CHECK(back.timeline(other)[other_before].ver == ver + 4);
  CHECK(back.timeline(other).back().text == "пять");
  // An entry the timeline may hold already (a version not after its last): decoded and merged by id.
  REQUIRE(patch(changed, {entry("s:2", ver + 2, "два, исправлено")}));
  CHECK(back.packed_timeline(deal) == nullptr);
  CHECK(back.timeline(deal).size() == before + 3);
  CHECK(back.timeline(deal).back().text == "два, исправлено");
  // After local entries (version 0, which stay last) nothing is appended as bytes.
  REQUIRE(back.packed_timeline("DX") != nullptr);
  Item dx = *back.item("DX");
  REQUIRE(patch(dx, {entry("s:3", ver + 3, "три")}));
  CHECK(back.packed_timeline("DX") == nullptr);
  REQUIRE(back.timeline("DX").size() == 4);
  CHECK(back.timeline("DX")[1].text == "три");  // confirmed entries first, local ones after them
  // No such item, or another entity type: nothing changes.
  changed.id = "NOPE";
  CHECK_FALSE(patch(changed, {}));
  dx.entity = "contact";
  CHECK_FALSE(patch(dx, {}));
}
