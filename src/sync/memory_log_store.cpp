// The in-memory LogStore: for tests and for tools that need no durability.
#include <mutex>

#include "sync/log_store.hpp"

namespace kt::sync {

namespace {

class MemoryLogStore : public LogStore {
 public:
  explicit MemoryLogStore(std::shared_ptr<std::vector<LogRecord>> records)
      : records_(std::move(records)) {}

  void load(const std::function<void(LogRecord&&)>& each) override {
    std::vector<LogRecord> copy;
    {
      std::lock_guard lock(mutex());
      copy = *records_;
    }
    for (auto& r : copy) each(std::move(r));
  }

  void append(const std::vector<LogRecord>& records) override {
    std::lock_guard lock(mutex());
    records_->insert(records_->end(), records.begin(), records.end());
  }

 private:
  // Stores sharing one vector may live in different threads of a test.
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::shared_ptr<std::vector<LogRecord>> records_;
};

}  // namespace

std::unique_ptr<LogStore> memory_log_store(std::shared_ptr<std::vector<LogRecord>> shared) {
  if (!shared) shared = std::make_shared<std::vector<LogRecord>>();
  return std::make_unique<MemoryLogStore>(std::move(shared));
}

}  // namespace kt::sync
