#include "server/sqlite_log_store.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace kt::server {

namespace {

class SqliteLogStore : public sync::LogStore {
 public:
  explicit SqliteLogStore(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  void load(const std::function<void(sync::LogRecord&&)>& each) override {
    std::lock_guard lock(db_->mutex());
    Statement s(*db_, "SELECT n, ver, body, code, message FROM mutations ORDER BY n");
    while (s.step()) {
      sync::LogRecord r;
      try {
        r.mutation = nlohmann::json::parse(s.text(2)).get<Mutation>();
      } catch (const std::exception& e) {
        throw std::runtime_error("mutation record " + std::to_string(s.integer(0)) +
                                 " does not read: " + e.what());
      }
      r.ver = s.is_null(1) ? 0 : static_cast<std::uint64_t>(s.integer(1));
      r.code = s.text(3);
      r.message = s.text(4);
      each(std::move(r));
    }
  }

  void append(const std::vector<sync::LogRecord>& records) override {
    std::lock_guard lock(db_->mutex());
    Database::Transaction tx(*db_);
    Statement s(
        *db_,
        "INSERT INTO mutations(client, seq, ver, body, code, message) VALUES(?, ?, ?, ?, ?, ?)");
    for (const auto& r : records) {
      s.bind(1, r.mutation.client).bind(2, static_cast<std::int64_t>(r.mutation.seq));
      if (r.ver)
        s.bind(3, static_cast<std::int64_t>(r.ver));
      else
        s.bind_null(3);
      s.bind(4, nlohmann::json(r.mutation).dump());
      if (r.code.empty())
        s.bind_null(5).bind_null(6);
      else
        s.bind(5, r.code).bind(6, r.message);
      s.run();
      s.reset();
    }
    tx.commit();
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<sync::LogStore> sqlite_log_store(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteLogStore>(std::move(db));
}

}  // namespace kt::server
