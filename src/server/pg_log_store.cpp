#include "server/pg_log_store.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/json_bounded.hpp"
#include "server/pg.hpp"

namespace kt::server {

namespace {

// Records read per query when loading (a start replays the whole log in such pages).
constexpr int kLoadPage = 5000;

// A call of the store under the bound of a statement (pg_run).
template <class F>
auto guarded(PgSession& s, const char* what, F&& f) -> decltype(f()) {
  return pg_run(s, what, kPgAnswerBound, std::forward<F>(f));
}

// The connection that LISTENs, in libpq itself: waiting on its socket with a timeout, and dropping it when it
// breaks, is all it does.
class Listener {
 public:
  explicit Listener(std::string url) : url_(std::move(url)) {}
  ~Listener() { drop(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // True when a notification came within `timeout`; throws when the connection fails (dropped: the next
  // call opens a new one).
  bool wait(std::chrono::milliseconds timeout) {
    if (!conn_) open();
    if (consume()) return true;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r < 0 && errno != EINTR) fail("poll");
    return r > 0 && consume();
  }

 private:
  void open() {
    conn_ = PQconnectdb(pg_bounded_url(url_).c_str());
    if (PQstatus(conn_) != CONNECTION_OK) fail("connect");
    PGresult* res = nullptr;
    {
      PgDeadline deadline(PQsocket(conn_), kPgQuickBound, nullptr);  // gone before fail() closes the socket
      res = PQexec(conn_, (std::string("LISTEN ") + kPgChannel).c_str());
    }
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) fail("LISTEN");
  }
  // Reads what arrived; true when it held a notification.
  bool consume() {
    if (!PQconsumeInput(conn_)) fail("read");
    bool heard = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      heard = true;
      PQfreemem(n);
    }
    return heard;
  }
  [[noreturn]] void fail(const char* what) {
    const std::string why = conn_ ? PQerrorMessage(conn_) : "out of memory";
    drop();
    throw std::runtime_error(std::string("PostgreSQL (listen, ") + what + "): " + why);
  }
  void drop() {
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
  }

  std::string url_;
  PGconn* conn_ = nullptr;
};

class PgLogStore : public sync::LogStore {
 public:
  explicit PgLogStore(std::string url) : w_(url), r_(url), c_(url), listener_(url) {
    guarded(w_, "connect", [&] { return w_.connection(), 0; });
  }

  bool shared() const override { return true; }

  void begin_write() override {
    guarded(w_, "lock", [&] {
      w_.tx.reset();
      w_.tx = std::make_unique<pqxx::work>(w_.connection());
      w_.tx->exec(std::string("SELECT pg_advisory_xact_lock(") + kPgWriteLock + ")");
      return 0;
    });
  }

  void end_write() override {
    // Aborting sends ROLLBACK; on a lost connection there is nothing to abort.
    try {
      w_.tx.reset();
    } catch (...) {
    }
  }

  void load(std::uint64_t after, const std::function<void(sync::LogRecord&&)>& each) override {
    // In a write, with its lock (the records other servers appended before it); otherwise in a
    // transaction of its own. Records become visible in position order (each append commits before the
    // next one takes the lock), so whatever is read is a prefix of the log.
    std::unique_ptr<pqxx::read_transaction> own;
    for (;;) {
      pqxx::result rows = guarded(w_, "load", [&] {
        pqxx::transaction_base* tx = w_.tx.get();
        if (!tx) {
          if (!own) own = std::make_unique<pqxx::read_transaction>(w_.connection());
          tx = own.get();
        }
        return tx->exec_params(
            "SELECT m.n, m.ver, m.body, m.code, m.message, r.snapshot FROM mutations m "
            "LEFT JOIN restores r ON r.n = m.n WHERE m.n > $1 ORDER BY m.n LIMIT $2",
            static_cast<std::int64_t>(after), kLoadPage);
      });
      for (const auto& row : rows) {
        sync::LogRecord r;
        const auto n = row[0].as<std::int64_t>();
        try {
          Status why;
          const nlohmann::json body = parse_json_bounded(row[2].c_str(), &why);
          if (body.is_discarded()) throw std::runtime_error(why.message);
          r.mutation = body.get<Mutation>();
        } catch (const std::exception& e) {
          throw std::runtime_error("mutation record " + std::to_string(n) + " does not read: " + e.what());
        }
        r.ver = row[1].is_null() ? 0 : row[1].as<std::uint64_t>();
        if (!row[3].is_null()) r.code = row[3].c_str();
        if (!row[4].is_null()) r.message = row[4].c_str();
        r.pos = static_cast<std::uint64_t>(n);
        if (!row[5].is_null())
          r.restore = std::make_shared<const std::string>(pqxx::binarystring(row[5]).str());
        after = r.pos;
        each(std::move(r));
      }
      if (rows.size() < static_cast<size_t>(kLoadPage)) break;
    }
    if (own) {
      try {
        own->commit();
      } catch (...) {
      }
    }
  }

  std::uint64_t append(const std::vector<sync::LogRecord>& records) override {
    if (!w_.tx) begin_write();
    std::uint64_t last = 0;
    guarded(w_, "append", [&] {
      // Positions follow the last one without gaps: this statement reads the log after the lock was taken
      // (a statement of its own, so a snapshot of its own), and nobody else appends while this transaction
      // holds the lock.
      const auto base = w_.tx->exec("SELECT coalesce(max(n), 0) FROM mutations")[0][0].as<std::uint64_t>();
      // One INSERT of all the rows (a round trip per push, not per mutation), in slices well under the
      // protocol's limit of 65,535 parameters.
      constexpr size_t kRowsPerInsert = 1000;
      for (size_t from = 0; from < records.size(); from += kRowsPerInsert) {
        const size_t to = std::min(records.size(), from + kRowsPerInsert);
        std::vector<std::optional<std::string>> values;
        values.reserve((to - from) * 7);
        std::string sql = "INSERT INTO mutations(n, client, seq, ver, body, code, message) VALUES";
        for (size_t i = from; i < to; ++i) {
          const sync::LogRecord& r = records[i];
          const size_t p = values.size();
          sql += (i == from ? "(" : ",(");
          for (int k = 1; k <= 7; ++k) sql += "$" + std::to_string(p + k) + (k < 7 ? "," : ")");
          values.emplace_back(std::to_string(base + 1 + i));
          values.emplace_back(r.mutation.client);
          values.emplace_back(std::to_string(r.mutation.seq));
          values.emplace_back(r.ver ? std::optional<std::string>(std::to_string(r.ver)) : std::nullopt);
          values.emplace_back(nlohmann::json(r.mutation).dump());
          values.emplace_back(r.code.empty() ? std::nullopt : std::optional<std::string>(r.code));
          values.emplace_back(r.code.empty() ? std::nullopt : std::optional<std::string>(r.message));
        }
        std::vector<const char*> ptrs;
        ptrs.reserve(values.size());
        for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
        w_.tx->exec_params(sql, pqxx::prepare::make_dynamic_params(ptrs));
      }
      for (size_t i = 0; i < records.size(); ++i)
        if (records[i].restore)
          w_.tx->exec_params("INSERT INTO restores(n, snapshot) VALUES($1, $2)", static_cast<std::int64_t>(base + 1 + i),
                             pqxx::binarystring(records[i].restore->data(), records[i].restore->size()));
      last = base + records.size();
      w_.tx->exec(std::string("NOTIFY ") + kPgChannel);
      w_.tx->commit();
      w_.tx.reset();
      return 0;
    });
    return last;
  }

  // Every pull asks (so that it answers every acknowledged write): the concurrent ones share the queries.
  // A caller needs the answer of a query that started after it came (an earlier one may miss a write
  // acknowledged just before); one query runs at a time, and its answer serves everyone who came before it
  // started. Under load that is about one round trip per round trip, not one per pull.
  std::uint64_t last_position() override {
    std::unique_lock lock(pos_mu_);
    const std::uint64_t need = pos_started_ + 1;
    while (pos_done_ < need) {
      if (pos_busy_) {
        pos_cv_.wait(lock);
        continue;
      }
      pos_busy_ = true;
      const std::uint64_t mine = ++pos_started_;
      lock.unlock();
      std::uint64_t end = 0;
      std::string error;
      try {
        end = pg_run(r_, "position", kPgQuickBound, [&] {
          pqxx::nontransaction n(r_.connection());
          return n.exec("SELECT coalesce(max(n), 0) FROM mutations")[0][0].as<std::uint64_t>();
        });
      } catch (const std::exception& e) {
        error = e.what();
      }
      lock.lock();
      pos_busy_ = false;
      pos_done_ = mine;
      pos_end_ = end;
      pos_error_ = std::move(error);
      pos_cv_.notify_all();
    }
    if (!pos_error_.empty()) throw std::runtime_error(pos_error_);
    return pos_end_;
  }

  bool wait_for_appends(std::chrono::milliseconds timeout) override { return listener_.wait(timeout); }

  std::optional<std::string> load_checkpoint() override {
    std::lock_guard lock(c_mu_);
    return guarded(c_, "checkpoint", [&]() -> std::optional<std::string> {
      pqxx::nontransaction n(c_.connection());
      pqxx::result r = n.exec("SELECT bytes FROM checkpoints WHERE id = 1");
      if (r.empty()) return std::nullopt;
      return pqxx::binarystring(r[0][0]).str();
    });
  }

  void save_checkpoint(const std::string& bytes) override {
    std::lock_guard lock(c_mu_);
    guarded(c_, "checkpoint", [&] {
      pqxx::work tx(c_.connection());
      tx.exec_params(
          "INSERT INTO checkpoints(id, bytes) VALUES(1, $1) ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes",
          pqxx::binarystring(bytes.data(), bytes.size()));
      tx.commit();
      return 0;
    });
  }

 private:
  // One connection each: writes and loads (under the server's writer lock), positions (pulls),
  // checkpoints (in the background), notifications (the follower).
  PgSession w_, r_, c_;
  std::mutex c_mu_;
  // last_position(): queries started and answered (in order, one at a time), the last answer.
  std::mutex pos_mu_;
  std::condition_variable pos_cv_;
  bool pos_busy_ = false;
  std::uint64_t pos_started_ = 0, pos_done_ = 0, pos_end_ = 0;
  std::string pos_error_;
  Listener listener_;
};

}  // namespace

std::unique_ptr<sync::LogStore> pg_log_store(const std::string& url) {
  return std::make_unique<PgLogStore>(url);
}

}  // namespace kt::server
