#include "server/sqlite_log_store.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/json_bounded.hpp"

namespace kt::server {

namespace {

class SqliteLogStore : public sync::LogStore {
 public:
  SqliteLogStore(std::shared_ptr<Database> db, std::string checkpoint_path)
      : db_(std::move(db)), checkpoint_path_(std::move(checkpoint_path)) {}

  // The position of a record is its row number n.
  void load(std::uint64_t after, const std::function<void(sync::LogRecord&&)>& each) override {
    std::lock_guard lock(db_->mutex());
    Statement s(*db_,
                "SELECT m.n, m.ver, m.body, m.code, m.message, r.snapshot FROM mutations m "
                "LEFT JOIN restores r ON r.n = m.n WHERE m.n > ? ORDER BY m.n");
    s.bind(1, static_cast<std::int64_t>(after));
    while (s.step()) {
      sync::LogRecord r;
      try {
        Status why;
        const nlohmann::json body = parse_json_bounded(s.text(2), &why);
        if (body.is_discarded()) throw std::runtime_error(why.message);
        r.mutation = body.get<Mutation>();
      } catch (const std::exception& e) {
        throw std::runtime_error("mutation record " + std::to_string(s.integer(0)) +
                                 " does not read: " + e.what());
      }
      r.ver = s.is_null(1) ? 0 : static_cast<std::uint64_t>(s.integer(1));
      r.code = s.text(3);
      r.message = s.text(4);
      r.pos = static_cast<std::uint64_t>(s.integer(0));
      if (!s.is_null(5)) r.restore = std::make_shared<const std::string>(s.blob(5));
      each(std::move(r));
    }
  }

  std::uint64_t append(const std::vector<sync::LogRecord>& records) override {
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
      if (r.restore) {
        Statement b(*db_, "INSERT INTO restores(n, snapshot) VALUES(?, ?)");
        b.bind(1, static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_->handle())))
            .bind_blob(2, *r.restore)
            .run();
      }
    }
    const auto last = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(db_->handle()));
    tx.commit();
    return last;
  }

  std::optional<std::string> load_checkpoint() override {
    const int fd = ::open(checkpoint_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::nullopt;
      throw std::runtime_error("cannot open " + checkpoint_path_ + ": " + std::strerror(errno));
    }
    std::string bytes;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        throw std::runtime_error("cannot read " + checkpoint_path_ + ": " + std::strerror(e));
      }
      if (n == 0) break;
      bytes.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return bytes;
  }

  void save_checkpoint(const std::string& bytes) override {
    const std::string tmp = checkpoint_path_ + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    // The state it holds is as secret as the database: private even when a crash left a .tmp of
    // another mode behind.
    ::fchmod(fd, 0600);
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(e));
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      const int e = errno;
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot sync " + tmp + ": " + std::strerror(e));
    }
    if (::rename(tmp.c_str(), checkpoint_path_.c_str()) != 0) {
      const int e = errno;
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot replace " + checkpoint_path_ + ": " + std::strerror(e));
    }
    // The rename itself is durable once the directory is synced.
    const auto slash = checkpoint_path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : checkpoint_path_.substr(0, slash);
    if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
      ::fsync(d);
      ::close(d);
    }
  }

 private:
  std::shared_ptr<Database> db_;
  std::string checkpoint_path_;
};

}  // namespace

std::unique_ptr<sync::LogStore> sqlite_log_store(std::shared_ptr<Database> db,
                                                 std::string checkpoint_path) {
  return std::make_unique<SqliteLogStore>(std::move(db), std::move(checkpoint_path));
}

}  // namespace kt::server
