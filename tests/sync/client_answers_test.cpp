// The sync client (and the upload of a local workspace) reading whatever JSON answers its requests: a
// server, or a proxy or captive portal in its place, may put any value where a member is expected. Every
// member of the answers to push, pull and poke (and of errors, and of the upload's steps) is given every
// other type and nesting deep enough to be refused: the client must not throw, must report an error or
// read the member as absent, and must keep its state (pending edits, cursor, workspace).
//
// "Not throw" is meant literally: the web build has no exception catching (Emscripten's default), so a throw
// there aborts the page even where the native build catches it. Every C++ throw of this test binary is
// counted on its way (__cxa_throw below), and the cases check that none happened.
#include <cxxabi.h>
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <typeinfo>
#include <vector>

#include "core/json_bounded.hpp"
#include "core/session.hpp"
#include "sync/client.hpp"
#include "sync/replica.hpp"
#include "sync/upload.hpp"
#include "test_support.hpp"

namespace {
int g_throws = 0;  // the tests run on one thread
}

// The C++ runtime's throw (declared in <cxxabi.h>), counted and passed on: the real one, next in the lookup
// order, does the throw.
namespace __cxxabiv1 {
extern "C" void __cxa_throw(void* obj, std::type_info* type, void (*dtor)(void*)) {
  ++g_throws;
  using Real = void (*)(void*, std::type_info*, void (*)(void*));
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "__cxa_throw"));
  if (!real) std::abort();
  real(obj, type, dtor);
  __builtin_unreachable();
}
}  // namespace __cxxabiv1

using namespace kt;
using namespace kt::sync;
using kt::test::kNow;
using nlohmann::json;

namespace {

// Answers requests from queues per path prefix; a request without a queued answer stays in flight.
struct Net : Transport {
  std::map<std::string, std::deque<HttpResponse>> answers;
  std::vector<std::string> paths;
  void send(const std::string&, const std::string& path, const std::string&, const std::string&,
            std::function<void(HttpResponse)> done) override {
    paths.push_back(path);
    for (auto& [prefix, queue] : answers)
      if (path.rfind(prefix, 0) == 0 && !queue.empty()) {
        HttpResponse r = std::move(queue.front());
        queue.pop_front();
        done(std::move(r));
        return;
      }
  }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const auto& p : paths) n += p.rfind(prefix, 0) == 0;
    return n;
  }
};

std::string nest(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Values of every JSON type, and nesting within the limit, past it, and far past it.
const std::vector<std::string>& values() {
  static const std::vector<std::string> v = {
      "null", "true", "false", "0", "1", "-1", "1.5", "18446744073709551616", "-0.0", R"("x")", R"("")",
      "[]", R"([1,"a",null])", "{}", R"({"a":{"b":[1]}})", nest(40), nest(kMaxJsonDepth + 1), nest(100000)};
  return v;
}

// The answer `pattern` with its "@" replaced by `value`.
std::string fill(const std::string& pattern, const std::string& value) {
  const size_t at = pattern.find('@');
  return pattern.substr(0, at) + value + pattern.substr(at + 1);
}

// What the value is, as the client should take it ("absent" when it is of another type or too deep).
json parsed(const std::string& value) { return parse_json_bounded(value); }
bool is_text(const std::string& v) { return parsed(v).is_string() && !parsed(v).get<std::string>().empty(); }
bool is_seq(const std::string& v) { return parsed(v).is_number_unsigned(); }

// A client with one pending edit (D1, client "cl", seq 1) over an empty confirmed state, cursor "c0".
struct Fixture {
  Workspace ws;
  Replica replica{ws};
  Net net;
  SyncClient client{replica, net, "t"};
  Session local{ws, "cl", "u1"};
  std::vector<std::string> dropped;
  explicit Fixture(bool edit = true) {
    client.set_cursor("c0");
    client.on_dropped = [this](const Mutation& m, const Status& why) { dropped.push_back(m.client + ":" + why.code); };
    local.set_before_apply([this](const Command& cmd) { replica.before_local(cmd); });
    local.set_sink([this](const Mutation& m) { replica.add_pending(m); });
    if (edit) REQUIRE(local.dispatch(CreateItem{"D1", "deal", "", {{"TITLE", Value("Поставка")}}}, kNow, false).ok());
  }
  void answer(const std::string& path, int status, std::string body) {
    net.answers[path].push_back(HttpResponse{status, std::move(body)});
  }
  bool edit_kept() const { return replica.pending().size() == 1 && ws.item("D1") != nullptr; }
};

// Runs `what` and returns how many throws it made (none escape: CHECK_NOTHROW).
template <typename F>
int throws_of(F&& what) {
  const int before = g_throws;
  CHECK_NOTHROW(what());
  return g_throws - before;
}

}  // namespace

TEST_CASE("the throw counter of the answers' tests counts throws") {
  const int before = g_throws;
  try {
    (void)json::parse("not json").dump();
  } catch (const std::exception&) {
  }
  CHECK(g_throws == before + 1);  // otherwise the checks below that nothing threw would check nothing
}

TEST_CASE("push answers with members of any type: no throw, the edit kept unless rightly rejected") {
  const std::vector<std::string> patterns = {
      "@",
      R"({"lastMutationIds":@,"results":[]})",
      R"({"lastMutationIds":{"cl":@},"results":[]})",
      R"({"lastMutationIds":{},"results":@})",
      R"({"results":[@]})",
      R"({"results":[{"client":@,"seq":1,"status":"rejected","code":"forbidden"}]})",
      R"({"results":[{"client":"cl","seq":@,"status":"rejected","code":"forbidden"}]})",
      R"({"results":[{"client":"cl","seq":1,"status":@,"code":"forbidden"}]})",
      R"({"results":[{"client":"cl","seq":1,"status":"rejected","code":@}]})",
      R"({"results":[{"client":"cl","seq":1,"status":"rejected","code":"forbidden","message":@}]})",
  };
  for (const auto& pattern : patterns)
    for (const auto& value : values()) {
      const std::string body = fill(pattern, value);
      CAPTURE(body.substr(0, 120));
      Fixture f;
      f.answer("/api/sync/push", 200, body);
      CHECK(throws_of([&] { f.client.tick(1000); }) == 0);
      // Dropped only by a rejection whose client, seq and status read right (code and message may not), in an
      // answer that is not too deep to read at all.
      const json answer = parsed(body);
      const json* res = answer.is_object() && answer.contains("results") && answer["results"].is_array() &&
                                !answer["results"].empty()
                            ? &answer["results"][0]
                            : nullptr;
      const bool rejects = res && res->is_object() && res->value("client", json()) == "cl" &&
                           res->value("seq", json()).is_number_unsigned() && res->value("seq", json()) == 1 &&
                           res->value("status", json()) == "rejected";
      const SyncStatus st = f.client.status();
      CHECK(st.kind == (!parsed(body).is_object() ? SyncStatus::Kind::Error
                        : rejects                 ? SyncStatus::Kind::Synced
                                                  : SyncStatus::Kind::Pending));
      CHECK(f.dropped.size() == (rejects ? 1u : 0u));
      if (!rejects) CHECK(f.edit_kept());
      if (rejects && !f.dropped.empty()) {
        const json code = res->value("code", json());
        CHECK(f.dropped[0] == "cl:" + (code.is_string() ? code.get<std::string>() : std::string("rejected")));
      }
      // Acknowledged only by a sequence number.
      const auto ack = f.client.acknowledged().find("cl");
      if (pattern.find(R"("cl":@)") != std::string::npos && is_seq(value))
        CHECK((ack != f.client.acknowledged().end() && ack->second == parsed(value).get<std::uint64_t>()));
      else
        CHECK(ack == f.client.acknowledged().end());
    }
}

TEST_CASE("a 409 to a push with members of any type: a resend only when client and expected read right") {
  const std::vector<std::string> patterns = {"@", R"({"client":@,"expected":1})", R"({"client":"cl","expected":@})"};
  for (const auto& pattern : patterns)
    for (const auto& value : values()) {
      const std::string body = fill(pattern, value);
      CAPTURE(body.substr(0, 120));
      Fixture f;
      f.answer("/api/sync/push", 409, body);
      CHECK(throws_of([&] {
              f.client.tick(1000);
              f.client.tick(1001);  // a resend goes now; after a failure the backoff waits a second
            }) == 0);
      const bool resend = (pattern == R"({"client":@,"expected":1})" && is_text(value)) ||
                          (pattern == R"({"client":"cl","expected":@})" && is_seq(value));
      const SyncStatus st = f.client.status();
      if (resend) {
        CHECK(st.kind != SyncStatus::Kind::Error);
        CHECK(f.net.count("/api/sync/push") == 2);  // sent again, from where the server said
      } else {
        CHECK(f.net.count("/api/sync/push") == 1);
        CHECK(st.kind == SyncStatus::Kind::Error);
        CHECK(st.reason == "HTTP 409");
      }
      CHECK(f.edit_kept());
      CHECK(f.dropped.empty());
    }
}

TEST_CASE("error answers with members of any type: the error code only when it is text") {
  const std::vector<std::string> patterns = {"@", R"({"error":@,"message":"m"})", R"({"error":"quota","message":@})"};
  const struct {
    const char* path;
    int status;
    bool edit;
  } requests[] = {{"/api/sync/push", 400, true}, {"/api/sync/push", 503, true}, {"/api/sync/pull", 500, false},
                  {"/api/sync/pull", 403, false}, {"/api/sync/pull", 401, false}};
  for (const auto& rq : requests)
    for (const auto& pattern : patterns)
      for (const auto& value : values()) {
        const std::string body = fill(pattern, value);
        CAPTURE(rq.path);
        CAPTURE(rq.status);
        CAPTURE(body.substr(0, 120));
        Fixture f(rq.edit);
        f.answer(rq.path, rq.status, body);
        CHECK(throws_of([&] { f.client.tick(1000); }) == 0);
        const json answer = parsed(body);  // discarded when too deep: then it says nothing
        const std::string code =
            answer.is_object() && answer.contains("error") && answer["error"].is_string() ? answer["error"].get<std::string>() : "";
        const SyncStatus st = f.client.status();
        if (rq.status == 401) {
          CHECK(st.kind == SyncStatus::Kind::Unauthorized);
          CHECK(st.reason == (code.empty() ? "unauthorized" : code));
        } else {
          CHECK(st.kind == SyncStatus::Kind::Error);
          CHECK(st.reason == (code.empty() ? "HTTP " + std::to_string(rq.status) : code));
        }
        CHECK(f.client.cursor() == "c0");
        CHECK(f.replica.pending().size() == (rq.edit ? 1u : 0u));
      }
}

TEST_CASE("pull pages with members of any type: refused without a throw, nothing applied, or read as meant") {
  // After its push is acknowledged the edit waits for the pull that confirms it; the page below answers that
  // pull. Accepted pages move the cursor to c1; refused ones leave everything as it was.
  struct Case {
    std::string pattern;
    std::function<bool(const json&)> fits;  // whether the value is of the member's type
  };
  const auto is_bool = [](const json& v) { return v.is_boolean(); };
  const auto ids = [](const json& v) {
    if (!v.is_array()) return false;
    for (const auto& e : v)
      if (!e.is_string()) return false;
    return true;
  };
  const auto seqs = [](const json& v) {
    if (!v.is_object()) return false;
    for (const auto& [k, e] : v.items())
      if (!e.is_number_unsigned()) return false;
    return true;
  };
  const std::vector<Case> cases = {
      {"@", [](const json& v) { return v.is_object(); }},
      {R"({"cursor":@})", [](const json& v) { return v.is_string(); }},
      {R"({"cursor":"c1","more":@})", is_bool},
      {R"({"cursor":"c1","reset":@})", is_bool},
      {R"({"cursor":"c1","snapshotDone":@})", is_bool},
      {R"({"cursor":"c1","removed":@})", ids},
      {R"({"cursor":"c1","partialTimelines":@})", ids},
      {R"({"cursor":"c1","lastMutationIds":@})", seqs},
      {R"({"cursor":"c1","lastMutationIds":{"cl":@}})", [](const json& v) { return v.is_number_unsigned(); }},
      {R"({"cursor":"c1","schema":@})", [](const json& v) { return v.is_null(); }},
      {R"({"cursor":"c1","items":@})", [](const json& v) { return v.is_array() && v.empty(); }},
      {R"({"cursor":"c1","items":[@]})", [](const json&) { return false; }},  // none of them is an item
  };
  for (const auto& c : cases)
    for (const auto& value : values()) {
      const std::string body = fill(c.pattern, value);
      CAPTURE(body.substr(0, 120));
      Fixture f;
      f.answer("/api/sync/push", 200, R"({"lastMutationIds":{"cl":1},"results":[]})");
      f.client.tick(1000);
      REQUIRE(f.client.status().kind == SyncStatus::Kind::Pending);
      f.answer("/api/sync/pull", 200, body);
      CHECK(throws_of([&] { f.client.tick(2000); }) == 0);
      REQUIRE(f.net.count("/api/sync/pull") == 1);
      const json v = parsed(value);
      const bool fits = !v.is_discarded() && c.fits(v);
      const SyncStatus st = f.client.status();
      if (fits) {
        CHECK(st.kind != SyncStatus::Kind::Error);
        CHECK(f.client.cursor() == (c.pattern == "@" ? "" : c.pattern == R"({"cursor":@})" ? v.get<std::string>() : "c1"));
        // Only a sequence number acknowledges the edit (a page of an empty workspace then drops D1 too).
        const bool acked = c.pattern.find(R"("cl":@)") != std::string::npos && v.get<std::uint64_t>() >= 1;
        CHECK(f.replica.pending().size() == (acked ? 0u : 1u));
      } else {
        CHECK(st.kind == SyncStatus::Kind::Error);
        CHECK(st.reason == "HTTP 500");
        CHECK(f.client.cursor() == "c0");
        CHECK(f.edit_kept());
      }
      CHECK(f.dropped.empty());
    }
}

TEST_CASE("a pull page acknowledging sequence number -1 or 1.5 is refused, the pending edit kept") {
  // get<std::uint64_t>() took -1 for 2^64-1: every pending mutation of the client read as confirmed and was
  // dropped from the queue, never to reach the server.
  for (const char* seq : {"-1", "1.5", "1e30"}) {
    CAPTURE(seq);
    Fixture f;
    f.answer("/api/sync/push", 200, R"({"lastMutationIds":{"cl":1},"results":[]})");
    f.client.tick(1000);
    f.answer("/api/sync/pull", 200, std::string(R"({"cursor":"c1","lastMutationIds":{"cl":)") + seq + "}}");
    f.client.tick(2000);
    CHECK(f.client.status().kind == SyncStatus::Kind::Error);
    CHECK(f.edit_kept());
    CHECK(f.client.cursor() == "c0");
  }
}

TEST_CASE("poke answers with members of any type: a pull at once only for changed: true") {
  for (const auto& pattern : {std::string("@"), std::string(R"({"changed":@})")})
    for (const auto& value : values()) {
      const std::string body = fill(pattern, value);
      CAPTURE(body.substr(0, 120));
      Fixture f(false);
      f.answer("/api/sync/pull", 200, R"({"cursor":"c1"})");
      f.answer("/api/sync/poke", 200, body);
      CHECK(throws_of([&] { f.client.tick(1000); }) == 0);
      REQUIRE(f.net.count("/api/sync/poke") == 1);
      const bool changed = pattern != "@" && value == "true";
      CHECK(f.net.count("/api/sync/pull") == (changed ? 2 : 1));
      CHECK(f.client.status().kind != SyncStatus::Kind::Error);
      CHECK(f.client.cursor() == "c1");
    }
}

TEST_CASE("the upload of a local workspace reads its answers' members of any type without a throw") {
  using P = WorkspaceUpload::Phase;
  const std::string backup(1000, 'b');
  struct Step {
    const char* pattern;
    int status;
    int step;  // 0: start, 1: a chunk, 2: the dry run
  };
  const Step steps[] = {
      {"@", 201, 0},
      {R"({"upload":@,"chunkBytes":65536})", 201, 0},
      {R"({"upload":"up1","chunkBytes":@})", 201, 0},
      {R"({"received":@})", 200, 1},
      {R"({"received":@})", 409, 1},
      {R"({"plan":@,"create":[]})", 200, 2},
      {R"({"error":@,"message":"m"})", 400, 2},
      {R"({"error":"forbidden","message":@})", 403, 2},
  };
  for (const auto& s : steps)
    for (const auto& value : values()) {
      const std::string body = fill(s.pattern, value);
      CAPTURE(body.substr(0, 120));
      CAPTURE(s.status);
      Net net;
      const auto good = [&](int step) {
        if (step == 0) net.answers["/api/restore/uploads"].push_back({201, R"({"upload":"up1"})"});
        if (step == 1) net.answers["/api/restore/uploads/up1?"].push_back({200, R"({"received":1000})"});
      };
      for (int i = 0; i < s.step; ++i) good(i);
      const std::string path = s.step == 0   ? "/api/restore/uploads"
                               : s.step == 1 ? "/api/restore/uploads/up1?"
                                             : "/api/restore/uploads/up1/check";
      net.answers[path].push_back({s.status, body});
      if (s.step == 1 && s.status == 409) net.answers[path].push_back({s.status, body});
      WorkspaceUpload up(net, "t", backup, "u1");
      CHECK(throws_of([&] { up.start(); }) == 0);
      // Wherever it stopped, it says so: a phase, and for a failure a code.
      const P ph = up.phase();
      if (ph == P::Failed) CHECK(!up.error_code().empty());
      if (ph == P::Review) CHECK(is_text(value));  // only a dry run with its plan is shown for review
      if (s.step == 2 && s.status != 200) {
        CHECK(ph == P::Failed);
        const json answer = parsed(body);  // discarded when too deep: then it says nothing
        const std::string code =
            answer.is_object() && answer.contains("error") && answer["error"].is_string() ? answer["error"].get<std::string>() : "";
        CHECK(up.error_code() == (code.empty() ? "http_" + std::to_string(s.status) : code));
      }
    }
}
