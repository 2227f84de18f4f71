#include "server/pg_log_store.hpp"

#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/json_bounded.hpp"
#include "server/pg.hpp"

namespace kt::server {

namespace {

// Records read per query when loading (a start replays the whole log in such pages).
constexpr int kLoadPage = 5000;

// Every failure of libpqxx as the std::runtime_error LogStore callers expect; a lost connection is
// forgotten, so that the next call opens a new one.
template <class F>
auto guarded(PgSession& s, const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::broken_connection& e) {
    s.forget();
    throw std::runtime_error(std::string("PostgreSQL: the connection was lost (") + what + "): " + e.what());
  } catch (const pqxx::sql_error& e) {
    s.tx.reset();
    throw std::runtime_error(std::string("PostgreSQL (") + what + "): " + e.what());
  } catch (const pqxx::failure& e) {
    s.forget();
    throw std::runtime_error(std::string("PostgreSQL (") + what + "): " + e.what());
  }
}

class Listener : public pqxx::notification_receiver {
 public:
  explicit Listener(pqxx::connection& c) : pqxx::notification_receiver(c, kPgChannel) {}
  void operator()(const std::string&, int) override { ++heard; }
  int heard = 0;
};

class PgLogStore : public sync::LogStore {
 public:
  explicit PgLogStore(std::string url) : w_(url), r_(url), c_(url), l_(url) {
    guarded(w_, "connect", [&] { return w_.connection(), 0; });
  }
  ~PgLogStore() override {
    listener_.reset();  // before its connection
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
      // Positions follow the last one without gaps: the statement reads the log after the lock was
      // taken (its own snapshot), and nobody else appends while this transaction holds it.
      for (const auto& r : records) {
        const std::string body = nlohmann::json(r.mutation).dump();
        pqxx::result n = w_.tx->exec_params(
            "INSERT INTO mutations(n, client, seq, ver, body, code, message) "
            "VALUES((SELECT coalesce(max(n), 0) + 1 FROM mutations), $1, $2, $3, $4, $5, $6) RETURNING n",
            r.mutation.client, static_cast<std::int64_t>(r.mutation.seq),
            r.ver ? std::to_string(r.ver).c_str() : nullptr, body,
            r.code.empty() ? nullptr : r.code.c_str(), r.code.empty() ? nullptr : r.message.c_str());
        last = n[0][0].as<std::uint64_t>();
        if (r.restore) {
          w_.tx->exec_params("INSERT INTO restores(n, snapshot) VALUES($1, $2)", static_cast<std::int64_t>(last),
                             pqxx::binarystring(r.restore->data(), r.restore->size()));
        }
      }
      w_.tx->exec(std::string("NOTIFY ") + kPgChannel);
      w_.tx->commit();
      w_.tx.reset();
      return 0;
    });
    return last;
  }

  std::uint64_t last_position() override {
    std::lock_guard lock(r_mu_);
    return guarded(r_, "position", [&] {
      pqxx::nontransaction n(r_.connection());
      return n.exec("SELECT coalesce(max(n), 0) FROM mutations")[0][0].as<std::uint64_t>();
    });
  }

  bool wait_for_appends(std::chrono::milliseconds timeout) override {
    return guarded(l_, "listen", [&] {
      if (!l_.conn || !l_.conn->is_open() || !listener_) {
        listener_.reset();
        l_.forget();
        listener_ = std::make_unique<Listener>(l_.connection());  // sends LISTEN
      }
      const int before = listener_->heard;
      const auto ms = timeout.count();
      l_.conn->await_notification(static_cast<long>(ms / 1000), static_cast<long>((ms % 1000) * 1000));
      return listener_->heard != before;
    });
  }

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
  PgSession w_, r_, c_, l_;
  std::mutex r_mu_, c_mu_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace

std::unique_ptr<sync::LogStore> pg_log_store(const std::string& url) {
  return std::make_unique<PgLogStore>(url);
}

}  // namespace kt::server
