// The in-memory LogStore: for tests and for tools that need no durability.
#include <mutex>

#include "sync/log_store.hpp"

namespace kt::sync {

namespace {

class MemoryLogStore : public LogStore {
 public:
  MemoryLogStore(std::shared_ptr<std::vector<LogRecord>> records,
                 std::shared_ptr<std::optional<std::string>> checkpoint)
      : records_(std::move(records)), checkpoint_(std::move(checkpoint)) {}

  // A record's position is its index + 1.
  void load(std::uint64_t after, const std::function<void(LogRecord&&)>& each) override {
    std::vector<LogRecord> copy;
    {
      std::lock_guard lock(mutex());
      if (after < records_->size())
        copy.assign(records_->begin() + static_cast<std::ptrdiff_t>(after), records_->end());
    }
    for (auto& r : copy) {
      r.pos = ++after;
      each(std::move(r));
    }
  }

  std::uint64_t append(const std::vector<LogRecord>& records) override {
    std::lock_guard lock(mutex());
    records_->insert(records_->end(), records.begin(), records.end());
    return records_->size();
  }

  std::optional<std::string> load_checkpoint() override {
    std::lock_guard lock(mutex());
    return *checkpoint_;
  }
  void save_checkpoint(const std::string& bytes) override {
    std::lock_guard lock(mutex());
    *checkpoint_ = bytes;
  }

 private:
  // Stores sharing one vector may live in different threads of a test.
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::shared_ptr<std::vector<LogRecord>> records_;
  std::shared_ptr<std::optional<std::string>> checkpoint_;
};

}  // namespace

std::unique_ptr<LogStore> memory_log_store(std::shared_ptr<std::vector<LogRecord>> shared,
                                           std::shared_ptr<std::optional<std::string>> checkpoint) {
  if (!shared) shared = std::make_shared<std::vector<LogRecord>>();
  if (!checkpoint) checkpoint = std::make_shared<std::optional<std::string>>();
  return std::make_unique<MemoryLogStore>(std::move(shared), std::move(checkpoint));
}

}  // namespace kt::sync
