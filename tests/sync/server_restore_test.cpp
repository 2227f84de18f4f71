// Restores on the sync server (issue 19): a whole workspace put in place as one log record, atomically
// (a store that fails changes nothing), replayed at start and from checkpoints, every cursor reset, the
// clock moved past the restored clocks, clients' sequence numbers kept.
#include <doctest/doctest.h>

#include <stdexcept>

#include "core/rename.hpp"
#include "restore_support.hpp"
#include "sync_support.hpp"

using namespace kt;
using namespace kt::test;
using nlohmann::json;

namespace {

// A memory log whose appends can be made to fail (a full disk, a lost database).
class FailingStore : public sync::LogStore {
 public:
  FailingStore(std::shared_ptr<std::vector<sync::LogRecord>> log, std::shared_ptr<std::optional<std::string>> cp,
               std::shared_ptr<bool> fail)
      : inner_(sync::memory_log_store(std::move(log), std::move(cp))), fail_(std::move(fail)) {}
  void load(std::uint64_t after, const std::function<void(sync::LogRecord&&)>& each) override { inner_->load(after, each); }
  std::uint64_t append(const std::vector<sync::LogRecord>& records) override {
    if (*fail_) throw std::runtime_error("disk full");
    return inner_->append(records);
  }
  std::optional<std::string> load_checkpoint() override { return inner_->load_checkpoint(); }
  void save_checkpoint(const std::string& bytes) override { inner_->save_checkpoint(bytes); }

 private:
  std::unique_ptr<sync::LogStore> inner_;
  std::shared_ptr<bool> fail_;
};

struct RestoreServer {
  TestClock clock;
  std::shared_ptr<std::vector<sync::LogRecord>> log = std::make_shared<std::vector<sync::LogRecord>>();
  std::shared_ptr<std::optional<std::string>> cp = std::make_shared<std::optional<std::string>>();
  std::shared_ptr<bool> fail = std::make_shared<bool>(false);
  std::unique_ptr<sync::ServerState> state;
  RestoreServer() {
    restart();
    REQUIRE(state->bootstrap_admin("u1", "Admin"));
  }
  void restart() {
    state.reset();
    sync::ServerOptions o = clock.options();
    o.checkpoint_every = 0;
    state = std::make_unique<sync::ServerState>(std::make_unique<FailingStore>(log, cp, fail), kSecret, o);
  }
  sync::ServerState* operator->() { return state.get(); }
  sync::ServerState& operator*() { return *state; }
};

// A build that puts `ws` in place as it is.
sync::ServerState::RestoreBuild put(const Workspace& ws) {
  return [&ws](const Workspace&, std::uint64_t, Workspace* out) {
    *out = rename_workspace(ws, IdRenames{});
    return sync::Response{200, json()};
  };
}

json comparable_state(sync::ServerState& s) {
  return s.read([](const Workspace& ws) { return comparable(ws); });
}

}  // namespace

TEST_CASE("a restore replaces the workspace in one record, resets every cursor, keeps clients' numbering and replays") {
  RestoreServer s;
  PushClient c("c1", "u1");
  c.push_ok(*s, {CreateItem{"X1", "deal", "", {{"TITLE", Value("До восстановления")}}}});
  Replica r("u1");
  r.sync(*s);
  REQUIRE(r.items.count("X1"));
  const std::uint64_t before = s->version();
  const std::uint64_t epoch = s->access_epoch();
  const size_t records = s.log->size();

  RichDemo d;
  sync::Response res = s->restore("u1", put(d.ws));
  REQUIRE_MESSAGE(res.status == 200, res.body.dump());
  const std::uint64_t v = res.body["version"];
  CHECK(v == before + 1);
  CHECK(s->version() == v);
  CHECK(s->access_epoch() > epoch);
  CHECK(s.log->size() == records + 1);  // one record
  CHECK(s.log->back().restore);
  const json want = comparable(d.ws);
  CHECK_MESSAGE(comparable_state(*s) == want, first_difference(comparable_state(*s), want));
  s->read([&](const Workspace& ws) {
    CHECK_FALSE(ws.item("X1"));
    for (const auto& e : ws.timeline("D11")) CHECK(e.ver == v);  // confirmed by the restore
    return 0;
  });

  // Every client starts over from a snapshot of the new state.
  r.sync(*s);
  CHECK(r.resets == 2);
  check_converged(*s, r);
  Replica u2("u2");
  u2.sync(*s);
  check_converged(*s, u2);
  // The client's numbering goes on: its next mutation applies, an old one is a duplicate.
  c.push_ok(*s, {SetField{"D1", "TITLE", Value("После"), {}}});
  sync::Response dup = s->push("u1", PushClient::body({json{{"c", "c1"}, {"s", std::uint64_t{1}}, {"h", Hlc{kSyncNow, 0, "c1"}.str()},
                                                             {"t", kSyncNow}, {"cmd", {{"op", "item.delete"}, {"item", "D2"}}}}}));
  CHECK_MESSAGE(dup.body["results"][0]["status"] == "duplicate", dup.body.dump());

  // A restart replays the restore and what came after it.
  const json now = comparable_state(*s);
  const std::string text = state_text(*s);
  const std::uint64_t version = s->version();
  s.restart();
  CHECK(s->version() == version);
  CHECK(state_text(*s) == text);
  CHECK(comparable_state(*s) == now);
  // ... and from a checkpoint taken after it.
  REQUIRE(s->checkpoint());
  s.restart();
  CHECK(s->start_info().checkpoint > 0);
  CHECK(state_text(*s) == text);
  r.sync(*s);
  check_converged(*s, r);
}

TEST_CASE("a restore whose record the store refuses changes nothing, and the server goes on") {
  RestoreServer s;
  PushClient c("c1", "u1");
  c.push_ok(*s, {CreateItem{"X1", "deal", "", {{"TITLE", Value("Сделка")}}}});
  Replica r("u1");
  r.sync(*s);
  const std::string text = state_text(*s);
  const std::uint64_t version = s->version(), epoch = s->access_epoch();
  const size_t records = s.log->size();

  RichDemo d;
  *s.fail = true;
  sync::Response res = s->restore("u1", put(d.ws));
  CHECK(res.status == 500);
  CHECK(res.body["error"] == "storage_failed");
  CHECK(state_text(*s) == text);
  CHECK(s->version() == version);
  CHECK(s->access_epoch() == epoch);
  CHECK(s.log->size() == records);
  r.pull_once(*s);
  CHECK(r.resets == 1);  // the cursor still holds: nothing happened

  *s.fail = false;
  c.push_ok(*s, {SetField{"X1", "TITLE", Value("Дальше"), {}}});  // not broken
  r.sync(*s);
  check_converged(*s, r);
  s.restart();
  CHECK(s->version() == version + 1);
  // Restored afterwards, it goes through.
  CHECK(s->restore("u1", put(d.ws)).status == 200);
}

TEST_CASE("a refused build, a non-administrator and a result that locks the administrator out change nothing") {
  RestoreServer s;
  PushClient c("c1", "u1");
  c.push_ok(*s, {PutUser{User{"u2", "Иван", "", false, {}, true}}, CreateItem{"X1", "deal", "", {{"TITLE", Value("Сделка")}}}});
  const std::string text = state_text(*s);
  const std::uint64_t version = s->version();
  RichDemo d;
  bool built = false;
  sync::Response r = s->restore("u1", [&](const Workspace& current, std::uint64_t v, Workspace*) {
    built = true;
    CHECK(current.item("X1"));
    CHECK(v == version);
    return sync::error_response(422, "backup_invalid", "a bad item deep in the file");
  });
  CHECK(built);
  CHECK(r.status == 422);
  CHECK(r.body["error"] == "backup_invalid");
  CHECK(s->restore("u2", put(d.ws)).status == 403);
  CHECK(s->restore("nobody", put(d.ws)).status == 403);
  Workspace without_admin = rename_workspace(d.ws, IdRenames{});
  Schema sch = without_admin.schema();
  sch.users[0].admin = false;
  without_admin.set_schema(sch);
  CHECK(s->restore("u1", put(without_admin)).body["error"] == "restore_locks_out");
  CHECK(state_text(*s) == text);
  CHECK(s->version() == version);
}

TEST_CASE("after a restore the server's clock is past every restored clock: its own writes win") {
  RestoreServer s;
  RichDemo d;
  // A workspace whose clocks run an hour ahead of the server's.
  Workspace ahead = rename_workspace(d.ws, IdRenames{});
  Item d1 = *ahead.item("D1");
  d1.cell_for_write("TITLE").hlc = Hlc{test_time().load() + 3600000, 7, "far"};
  ahead.put_item(d1, nullptr, false);
  REQUIRE(s->restore("u1", put(ahead)).status == 200);
  sync::Response w = s->write_fields("u1", "D1", json{{"TITLE", "Написано после"}});
  REQUIRE_MESSAGE(w.status == 200, w.body.dump());
  s->read([](const Workspace& ws) {
    CHECK(ws.item("D1")->get("TITLE") == Value("Написано после"));
    return 0;
  });
  // So does the clock after a restart that replays it.
  s.restart();
  sync::Response w2 = s->write_fields("u1", "D1", json{{"TITLE", "И ещё раз"}});
  REQUIRE(w2.status == 200);
  s->read([](const Workspace& ws) {
    CHECK(ws.item("D1")->get("TITLE") == Value("И ещё раз"));
    return 0;
  });
}

TEST_CASE("a checkpoint before a restore: the start replays the restore after it") {
  RestoreServer s;
  PushClient c("c1", "u1");
  c.push_ok(*s, {CreateItem{"X1", "deal", "", {{"TITLE", Value("Сделка")}}}});
  REQUIRE(s->checkpoint());
  RichDemo d;
  REQUIRE(s->restore("u1", put(d.ws)).status == 200);
  c.push_ok(*s, {SetField{"D1", "TITLE", Value("Позже"), {}}});
  const std::string text = state_text(*s);
  s.restart();
  CHECK(s->start_info().checkpoint > 0);
  CHECK(s->start_info().replayed == 2);
  CHECK(state_text(*s) == text);
}

TEST_CASE("clients cannot push a restore: its marker is not a command any push applies") {
  RestoreServer s;
  const std::string text = state_text(*s);
  PushClient c("c1", "u1");
  sync::Response r = c.push(*s, CreateItem{"~restore", "~restore", "", {}});
  REQUIRE(r.status == 200);
  CHECK(r.body["results"][0]["status"] == "rejected");
  sync::Response server_client = s->push(
      "u1", PushClient::body({json{{"c", "~server"}, {"s", std::uint64_t{9}}, {"h", Hlc{kSyncNow, 0, "x"}.str()}, {"t", kSyncNow},
                                   {"cmd", {{"op", "item.create"}, {"item", "~restore"}, {"entity", "~restore"}}}}}));
  CHECK(server_client.status == 400);
  CHECK(state_text(*s) == text);
}
