// The server under attack (issue 20, items 6, 7, 17 and 18), in-process: configuration rights over field
// visibility, documents (who stores them, what the page is, who receives it, how big and how many), the
// answer to a creation with a taken id, and pokes (who is woken, and how many one user may hold).
//
// Index: [Organisation] [Field visibility is for administrators] [Documents] [Taken ids] [Pokes]
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "core/documents.hpp"
#include "core/documents_json.hpp"
#include "sync_support.hpp"

using namespace kt;
using namespace kt::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Organisation
// ---------------------------------------------------------------------------------------------------------

Role role(const std::string& id, Level read, Level edit, bool configure = false) {
  Role r{id, "Role " + id, {}, {}};
  r.defaults.read = read;
  r.defaults.add = edit == Level::None ? Level::None : Level::All;
  r.defaults.edit = edit;
  r.defaults.remove = Level::None;
  r.defaults.configure = configure;
  return r;
}

// Users: u2 edits everything, u3 reads and edits only his own items, u4 reads everything and changes
// nothing, u6 edits everything and configures the deals (but is no administrator). A field UF_SECRET is
// visible to u2 only (and administrators).
void seed(sync::ServerState& s, PushClient& admin) {
  FieldDef secret;
  secret.id = "UF_SECRET";
  secret.entity = "deal";
  secret.label = {"Секрет", "Secret"};
  secret.visible_to = {"Uu2"};
  admin.push_ok(s, {PutRole{role("all", Level::All, Level::All), false},
                    PutRole{role("own", Level::Own, Level::Own), false},
                    PutRole{role("reader", Level::All, Level::None), false},
                    PutRole{role("configurer", Level::All, Level::All, true), false},
                    PutUser{{"u2", "Ivan", "", false, {"all"}, true}},
                    PutUser{{"u3", "Maria", "", false, {"own"}, true}},
                    PutUser{{"u4", "Dmitry", "", false, {"reader"}, true}},
                    PutUser{{"u6", "Olga", "", false, {"configurer"}, true}}, PutField{secret}});
}

CreateItem deal(const std::string& id, const std::string& responsible, const std::string& title = "Deal") {
  return CreateItem{id, "deal", "", {{"TITLE", Value(title)}, {"ASSIGNED_BY_ID", Value(responsible)}}};
}

SetField set(const std::string& item, const std::string& field, Value v) {
  return SetField{item, field, std::move(v), {}};
}

// The one result of a push of one command.
json result_of(const sync::Response& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body.dump());
  REQUIRE(r.body["results"].size() == 1);
  return r.body["results"][0];
}

json field_def(sync::ServerState& s, const std::string& id) {
  return s.read([&](const Workspace& ws) {
    const FieldDef* f = ws.schema().field("deal", id);
    return f ? json(f->visible_to) : json(nullptr);
  });
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Field visibility is for administrators (item 6)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("a configurer cannot lift the restriction of a field hidden from him, nor read its values then") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), set("D1", "UF_SECRET", Value("launch codes"))});
  PushClient olga("olga", "u6");

  // The attack: field.put with visible_to [] on the field he cannot see.
  FieldDef lifted;
  lifted.id = "UF_SECRET";
  lifted.entity = "deal";
  lifted.label = {"Секрет", "Secret"};
  json r = result_of(olga.push(*s, PutField{lifted}));
  CHECK(r["status"] == "rejected");
  CHECK(r["code"] == "field_id_taken");
  CHECK(r["message"] == "this field id is taken; choose another");  // and nothing more about it
  CHECK(field_def(*s, "UF_SECRET") == json{"Uu2"});
  // Nor can he delete it, or make it required: for him it does not exist.
  CHECK(result_of(olga.push(*s, DeleteField{"deal", "UF_SECRET"}))["code"] == "unknown_field");
  CHECK(result_of(olga.push(*s, SetRequired{"deal", "UF_SECRET", true, {}}))["code"] == "unknown_field");
  CHECK(field_def(*s, "UF_SECRET") == json{"Uu2"});

  Replica replica("u6");
  replica.sync(*s);
  REQUIRE(replica.items.count("D1"));
  CHECK_FALSE(replica.items["D1"]["fields"].contains("UF_SECRET"));
  CHECK(replica.items["D1"].dump().find("launch codes") == std::string::npos);
  check_converged(*s, replica);
}

TEST_CASE("configuration commands on a field hidden from the author answer as for a field that does not exist") {
  // Two servers alike but for UF_SECRET: hidden from Olga in one, deleted in the other.
  auto answers = [](bool deleted) {
    TestServer s;
    PushClient admin("adm", "u1");
    seed(*s, admin);
    admin.push_ok(*s, {deal("D1", "u6")});
    if (deleted) admin.push_ok(*s, {DeleteField{"deal", "UF_SECRET"}});
    PushClient olga("olga", "u6");
    std::string out;
    for (Command c : std::vector<Command>{DeleteField{"deal", "UF_SECRET"}, SetRequired{"deal", "UF_SECRET", true, {}},
                                          set("D1", "UF_SECRET", Value("x"))})
      out += olga.push(*s, std::move(c)).body.dump() + "\n";
    return out;
  };
  const std::string hidden = answers(false), missing = answers(true);
  CHECK(hidden == missing);  // byte for byte
  CHECK(hidden.find("unknown_field") != std::string::npos);
}

TEST_CASE("only administrators change who may see a field; a configurer keeps the rest of a field's settings") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  PushClient olga("olga", "u6");
  FieldDef open;
  open.id = "UF_NOTE";
  open.entity = "deal";
  open.label = {"Заметка", "Note"};
  REQUIRE(result_of(olga.push(*s, PutField{open}))["status"] == "applied");  // a new field, seen by all

  FieldDef narrowed = open;
  narrowed.visible_to = {"Uu6"};
  json r = result_of(olga.push(*s, PutField{narrowed}));
  CHECK(r["status"] == "rejected");
  CHECK(r["code"] == "forbidden");
  CHECK(field_def(*s, "UF_NOTE") == json::array());
  FieldDef born_hidden;  // a new field restricted from the start is a visibility change too
  born_hidden.id = "UF_MINE";
  born_hidden.entity = "deal";
  born_hidden.label = {"Моё", "Mine"};
  born_hidden.visible_to = {"Uu6"};
  CHECK(result_of(olga.push(*s, PutField{born_hidden}))["code"] == "forbidden");
  CHECK(field_def(*s, "UF_MINE").is_null());

  // Renaming is his to do; the visibility the administrator set stays as it is.
  admin.push_ok(*s, {PutField{narrowed}});
  FieldDef renamed = narrowed;
  renamed.label = {"Заметка Ольги", "Olga's note"};
  CHECK(result_of(olga.push(*s, PutField{renamed}))["status"] == "applied");
  renamed.visible_to = {};
  CHECK(result_of(olga.push(*s, PutField{renamed}))["code"] == "forbidden");
  CHECK(field_def(*s, "UF_NOTE") == json{"Uu6"});
  // The administrator may.
  admin.push_ok(*s, {PutField{renamed}});
  CHECK(field_def(*s, "UF_NOTE") == json::array());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Documents (item 7)
// ---------------------------------------------------------------------------------------------------------

namespace {

DocTemplate doc_template(const std::string& id, const std::string& body) {
  DocTemplate t;
  t.id = id;
  t.name = {"Справка " + id, "Note " + id};
  t.region = "en";
  t.targets = {{"deal", ""}};
  t.access = {"UA"};
  t.body = body;
  return t;
}

// What the card's Document button sends, made by the client from its own (projected) workspace; `html`
// replaces the page when given (a client that lies).
GenerateDocument generate(sync::ServerState& s, const std::string& user, const std::string& item,
                          const std::string& tmpl, const std::string& doc_id, const std::string& html = {}) {
  return s.read([&](const Workspace& ws) {
    const DocTemplate* t = ws.schema().doc_template(tmpl);
    REQUIRE(t);
    const Numerator* n = ws.schema().numerator(t->numerator_id);
    auto st = ws.schema().numerator_states.find(t->numerator_id);
    const NumeratorState state = st == ws.schema().numerator_states.end() ? NumeratorState{} : st->second;
    // Rendered as an administrator would: whatever the client renders, the server renders again.
    GeneratedDocument g =
        generate_document(ws, "u1", item, *t, ws.schema().my_company, n, state, doc_id, kSyncNow, 180);
    REQUIRE_MESSAGE(g.status.ok(), g.status.message);
    GenerateDocument c{item, g.document, t->numerator_id, state, g.numerator_state, 180};
    if (!html.empty()) c.document.html = html;
    return c;
  });
}

std::vector<Document> documents_of(sync::ServerState& s, const std::string& item) {
  return s.read([&](const Workspace& ws) { return ws.item(item)->documents; });
}

// The ids of the documents of an item as `user` pulls it (JSON, or binary pages).
std::vector<std::string> pulled_documents(sync::ServerState& s, const std::string& user, const std::string& item,
                                          bool binary) {
  Replica r(user);
  r.binary = binary;
  r.sync(s);
  for (const auto& e : r.errors) FAIL_CHECK(e);
  std::vector<std::string> out;
  auto it = r.items.find(item);
  if (it != r.items.end() && it->second.contains("documents"))
    for (const auto& d : it->second["documents"]) out.push_back(d["id"]);
  return out;
}

}  // namespace

TEST_CASE("a user who may only read a deal cannot store a document on it") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), PutTemplate{doc_template("t1", "<p>{Title}</p>"), false}});
  PushClient dmitry("dm", "u4");  // reads everything, changes nothing
  json r = result_of(
      dmitry.push(*s, generate(*s, "u4", "D1", "t1", "evil", "<script>alert(document.cookie)</script>")));
  CHECK(r["status"] == "rejected");
  CHECK(r["code"] == "forbidden");
  CHECK(documents_of(*s, "D1").empty());
  // Not through someone else's deal either, for a user who edits only his own.
  PushClient maria("ma", "u3");
  admin.push_ok(*s, {deal("D2", "u3")});
  CHECK(result_of(maria.push(*s, generate(*s, "u3", "D1", "t1", "evil2", "<b>x</b>")))["code"] == "unknown_item");
  CHECK(result_of(maria.push(*s, generate(*s, "u3", "D2", "t1", "mine")))["status"] == "applied");
  CHECK(documents_of(*s, "D2").size() == 1);
}

TEST_CASE("the server stores the page it renders itself, not the client's, with the number it gives") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  DocTemplate numbered = doc_template("t1", "<h1>{DocumentTitle}</h1><p>{Title}</p>");
  numbered.numerator_id = "invoice";
  admin.push_ok(*s, {deal("D1", "u2", "Поставка & монтаж"), PutTemplate{numbered, false}});
  PushClient ivan("iv", "u2");
  GenerateDocument lie = generate(*s, "u2", "D1", "t1", "doc1", "<script>steal()</script>");
  const GenerateDocument honest = generate(*s, "u2", "D1", "t1", "doc1");
  lie.document.number = "FAKE-1";
  lie.document.title = "Paid in full";
  lie.document.uses.clear();
  lie.next.last = 1000;  // and a counter moved far ahead
  REQUIRE(result_of(ivan.push(*s, lie))["status"] == "applied");
  std::vector<Document> docs = documents_of(*s, "D1");
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].html == honest.document.html);  // byte for byte what the template makes
  CHECK(docs[0].html.find("<script>") == std::string::npos);
  CHECK(docs[0].html.find("Поставка &amp; монтаж") != std::string::npos);
  CHECK(docs[0].number == honest.document.number);
  CHECK(docs[0].title == honest.document.title);
  CHECK(docs[0].created_by == "u2");
  s->read([&](const Workspace& ws) {
    CHECK(ws.schema().numerator_states.at("invoice") == honest.next);
    return 0;
  });
  // The log holds the server's page: a restart replays it as stored.
  s.restart();
  CHECK(documents_of(*s, "D1")[0].html == honest.document.html);
  // A date or an offset out of range is refused.
  GenerateDocument odd = generate(*s, "u2", "D1", "t1", "doc2");
  odd.tz = 100000;
  CHECK(result_of(ivan.push(*s, odd))["code"] == "invalid_document");
}

TEST_CASE("a document showing a value hidden from a user does not reach him; others do") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), set("D1", "UF_SECRET", Value("launch codes")),
                     PutTemplate{doc_template("secret", "<p>{Title}: {UF_SECRET}</p>"), false},
                     PutTemplate{doc_template("plain", "<p>{Title}</p>"), false},
                     PutTemplate{doc_template("label", "<p>{#Secret}classified{/Secret}</p>"), false}});
  // The administrator generates all three.
  admin.push_ok(*s, {generate(*s, "u1", "D1", "secret", "with-secret"), generate(*s, "u1", "D1", "plain", "plain"),
                     generate(*s, "u1", "D1", "label", "by-label")});
  std::vector<Document> docs = documents_of(*s, "D1");
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].html.find("launch codes") != std::string::npos);
  CHECK(docs[0].uses == std::vector<std::string>{"F:deal.TITLE", "F:deal.UF_SECRET"});
  CHECK(docs[2].uses == std::vector<std::string>{"F:deal.UF_SECRET"});  // by its label, even in a condition

  for (bool binary : {false, true}) {
    CAPTURE(binary);
    // u4 reads the deal but not the field: only the plain document.
    CHECK(pulled_documents(*s, "u4", "D1", binary) == std::vector<std::string>{"plain"});
    // u2 sees the field: all three.
    CHECK(pulled_documents(*s, "u2", "D1", binary) == std::vector<std::string>{"with-secret", "plain", "by-label"});
  }
  // Nor through the REST read.
  sync::Response item = s->get_item("u4", "D1");
  REQUIRE(item.status == 200);
  CHECK(item.body.dump().find("launch codes") == std::string::npos);
  CHECK(item.body["documents"].size() == 1);

  // A document that shows a related item goes only to those who may read that item.
  admin.push_ok(*s, {CreateItem{"CO1", "company", "", {{"TITLE", Value("Hidden Ltd")}, {"ASSIGNED_BY_ID", Value("u1")}}},
                     deal("D2", "u3"), set("D2", "CLIENT", Value(Value::List{Value("CO1")})),
                     PutTemplate{doc_template("client", "<p>{Company.Name}</p>"), false}});
  admin.push_ok(*s, {generate(*s, "u1", "D2", "client", "client-doc")});
  CHECK(documents_of(*s, "D2")[0].html.find("Hidden Ltd") != std::string::npos);
  CHECK(pulled_documents(*s, "u3", "D2", false).empty());  // u3 reads D2 (his) but not CO1
  CHECK(pulled_documents(*s, "u3", "D2", true).empty());
  CHECK(pulled_documents(*s, "u4", "D2", false) == std::vector<std::string>{"client-doc"});
}

TEST_CASE("documents stored before they said what they show are told at start: still withheld from who may not see") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), set("D1", "UF_SECRET", Value("launch codes")),
                     PutTemplate{doc_template("secret", "<p>{Title}: {UF_SECRET}</p>"), false},
                     PutTemplate{doc_template("plain", "<p>{Title}</p>"), false}});
  admin.push_ok(*s, {generate(*s, "u1", "D1", "secret", "with-secret"), generate(*s, "u1", "D1", "plain", "plain")});
  // As an older version wrote them: the log's documents say nothing of what they show.
  size_t cleared = 0;
  for (auto& r : s.logged())
    if (auto* g = std::get_if<GenerateDocument>(&r.mutation.cmd)) {
      g->document.uses.clear();
      ++cleared;
    }
  REQUIRE(cleared == 2);
  s.restart();
  std::vector<Document> docs = documents_of(*s, "D1");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].uses == std::vector<std::string>{"F:deal.TITLE", "F:deal.UF_SECRET"});
  CHECK(docs[1].uses == std::vector<std::string>{"F:deal.TITLE"});
  for (bool binary : {false, true}) {
    CAPTURE(binary);
    CHECK(pulled_documents(*s, "u4", "D1", binary) == std::vector<std::string>{"plain"});
    CHECK(pulled_documents(*s, "u2", "D1", binary) == std::vector<std::string>{"with-secret", "plain"});
  }
}

TEST_CASE("documents are limited in size and in number per item") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), deal("D2", "u2"),
                     PutTemplate{doc_template("big", "<p>" + std::string(kMaxDocumentBytes, 'x') + "</p>"), false},
                     PutTemplate{doc_template("small", "<p>{Title}</p>"), false}});
  PushClient ivan("iv", "u2");
  // A page over the limit: refused, whatever the client claims its page is.
  GenerateDocument big = s->read([&](const Workspace& ws) {
    GenerateDocument c;
    c.item = "D1";
    c.document.id = "big1";
    c.document.template_id = "big";
    c.document.html = "<p>small</p>";
    c.document.created_ms = kSyncNow;
    (void)ws;
    return c;
  });
  CHECK(result_of(ivan.push(*s, big))["code"] == "invalid_document");
  CHECK(documents_of(*s, "D1").empty());

  std::vector<Command> many;
  for (std::size_t i = 0; i < kMaxDocumentsPerItem; ++i)
    many.push_back(generate(*s, "u2", "D2", "small", "d" + std::to_string(i)));
  ivan.push_ok(*s, std::move(many));
  CHECK(documents_of(*s, "D2").size() == kMaxDocumentsPerItem);
  CHECK(result_of(ivan.push(*s, generate(*s, "u2", "D2", "small", "one-more")))["code"] == "too_many_documents");
  CHECK(documents_of(*s, "D2").size() == kMaxDocumentsPerItem);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Taken ids (item 17)
// ---------------------------------------------------------------------------------------------------------

TEST_CASE("creating an item with the id of one the user may not read answers as for one he may read") {
  // Two servers alike but for who holds D9: Ivan (hidden from Maria) or Maria herself.
  auto answer = [](const std::string& owner) {
    TestServer s;
    PushClient admin("adm", "u1");
    seed(*s, admin);
    admin.push_ok(*s, {deal("D9", owner)});
    PushClient maria("ma", "u3");
    sync::Response r = maria.push(*s, deal("D9", "u3", "Mine"));
    REQUIRE(r.status == 200);
    CHECK(s->read([](const Workspace& ws) { return ws.item("D9")->get("TITLE").str_or_empty(); }) == "Deal");
    return r.body.dump();
  };
  const std::string hidden = answer("u2"), readable = answer("u3");
  CHECK(hidden == readable);  // byte for byte
  CHECK(json::parse(hidden)["results"][0]["code"] == "item_exists");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Pokes (item 18)
// ---------------------------------------------------------------------------------------------------------

namespace {

// Waits (without a time limit that a slow machine could miss) until `n` pokes of `user` wait.
void wait_for_pokes(sync::ServerState& s, const std::string& user, std::size_t n) {
  for (int i = 0; i < 60000 && s.waiting_pokes(user) != n; ++i) std::this_thread::sleep_for(1ms);
  REQUIRE(s.waiting_pokes(user) == n);
}

}  // namespace

TEST_CASE("a poke answers only for changes the user's pull would bring") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u2"), deal("D2", "u3")});
  Replica maria("u3");  // reads D2 (hers), not D1
  maria.sync(*s);
  const std::string cursor = maria.cursor;

  // Others work on D1, hidden from her: her poke does not answer (it waits its time out).
  admin.push_ok(*s, {set("D1", "TITLE", Value("secret work"))});
  PushClient ivan("iv", "u2");
  ivan.push_ok(*s, {set("D1", "TITLE", Value("more secret work"))});
  CHECK(s->poke("u3", cursor, 20ms).body["changed"] == false);
  CHECK(s->poke("u2", cursor, 20ms).body["changed"] == true);  // not hers: pull now (and it is news for Ivan)

  // A change of her own deal answers at once.
  admin.push_ok(*s, {set("D2", "TITLE", Value("hers"))});
  CHECK(s->poke("u3", cursor, 10s).body["changed"] == true);
  maria.sync(*s);

  // A deal she may have held, taken away from her: news (it goes in "removed").
  admin.push_ok(*s, {set("D2", "ASSIGNED_BY_ID", Value("u2"))});
  CHECK(s->poke("u3", maria.cursor, 10s).body["changed"] == true);
  maria.sync(*s);
  CHECK_FALSE(maria.items.count("D2"));
  // Configuration: news for everyone.
  admin.push_ok(*s, {set("D1", "TITLE", Value("again hidden"))});
  CHECK(s->poke("u3", maria.cursor, 20ms).body["changed"] == false);
  admin.push_ok(*s, {PutTemplate{doc_template("t", "<p>{Title}</p>"), false}});
  CHECK(s->poke("u3", maria.cursor, 10s).body["changed"] == true);

  // A waiting poke is answered by the news, not by what is hidden from her.
  maria.sync(*s);
  std::string got;
  std::thread waiter([&] { got = s->poke("u3", maria.cursor, 60s).body.dump(); });
  wait_for_pokes(*s, "u3", 1);
  admin.push_ok(*s, {set("D1", "TITLE", Value("hidden, while she waits"))});
  CHECK(s->waiting_pokes("u3") == 1);  // still waiting (the change woke it to look)
  admin.push_ok(*s, {deal("D3", "u3")});
  waiter.join();
  CHECK(got == R"({"changed":true})");
  // So is a mutation of another of her clients, processed (even a rejected one).
  maria.sync(*s);
  std::thread other([&] { got = s->poke("u3", maria.cursor, 60s).body.dump(); });
  wait_for_pokes(*s, "u3", 1);
  PushClient tab("tab2", "u3");
  CHECK(result_of(tab.push(*s, set("D1", "TITLE", Value("not hers"))))["status"] == "rejected");
  other.join();
  CHECK(got == R"({"changed":true})");
}

TEST_CASE("one user holds at most four waiting pokes; the fifth is told to come back") {
  TestServer s;
  PushClient admin("adm", "u1");
  seed(*s, admin);
  admin.push_ok(*s, {deal("D1", "u3")});
  Replica maria("u3");
  maria.sync(*s);
  std::vector<std::thread> waiters;
  std::vector<std::string> answers(4);
  for (int i = 0; i < 4; ++i)
    waiters.emplace_back([&, i] { answers[i] = s->poke("u3", maria.cursor, 60s).body.dump(); });
  wait_for_pokes(*s, "u3", 4);
  sync::Response fifth = s->poke("u3", maria.cursor, 60s);
  CHECK(fifth.status == 503);
  CHECK(fifth.body["error"] == "busy");
  CHECK(s->waiting_pokes("u3") == 4);
  // Another user is not held back by her.
  Replica ivan("u2");
  ivan.sync(*s);
  CHECK(s->poke("u2", ivan.cursor, 10ms).status == 200);
  // Her pokes answer when her deal changes; then she may poke again.
  admin.push_ok(*s, {set("D1", "TITLE", Value("news"))});
  for (auto& w : waiters) w.join();
  for (const auto& a : answers) CHECK(a == R"({"changed":true})");
  CHECK(s->waiting_pokes("u3") == 0);
  CHECK(s->poke("u3", maria.cursor, 10s).body["changed"] == true);
}
