#include "storage/journal.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/json_bounded.hpp"
#include "storage/files.hpp"
#include "storage/journal_codec.hpp"

namespace kt::storage {


Journal::Journal(std::string dir, size_t segment_limit)
    : dir_(std::move(dir)), segment_limit_(segment_limit) {}

std::string Journal::segment_name(std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "seg-%06llu.log", static_cast<unsigned long long>(n));
  return buf;
}

std::string Journal::path(std::uint64_t n) const { return dir_ + "/" + segment_name(n); }

LoadReport Journal::load(const std::function<void(Mutation&&)>& on_mutation, std::uint64_t after) {
  LoadReport report;
  segments_.clear();
  active_size_ = 0;
  sealed_ = false;
  floor_ = after;
  make_dirs(dir_);
  for (const auto& name : list_dir(dir_)) {
    unsigned long long n = 0;
    char tail[8] = {0};
    if (std::sscanf(name.c_str(), "seg-%llu.%4s", &n, tail) == 2 && std::strcmp(tail, "log") == 0) {
      if (n <= after) std::remove(path(n).c_str());
      else segments_.push_back(n);
    }
  }
  std::sort(segments_.begin(), segments_.end());

  std::string bytes;
  for (std::uint64_t n : segments_) {
    const std::string p = path(n);
    if (!read_file(p, &bytes)) {
      report.warnings.push_back("cannot read " + segment_name(n));
      continue;
    }
    ++report.segments;
    DecodedSegment seg = decode_records(bytes);
    for (const auto& payload : seg.payloads) {
      // Not thrown: the web build has no exception catching (a throw aborts the page).
      Status why;
      const nlohmann::json record = parse_json_bounded(payload, &why);
      if (record.is_discarded()) {
        ++report.skipped;
        report.warnings.push_back(segment_name(n) + ": skipped a record: " + why.message);
        continue;
      }
      try {
        on_mutation(record.get<Mutation>());
        ++report.records;
      } catch (const std::exception& ex) {
        ++report.skipped;
        report.warnings.push_back(segment_name(n) + ": skipped a record: " + ex.what());
      }
    }
    if (seg.torn) {
      report.dropped_bytes += bytes.size() - seg.valid_bytes;
      report.warnings.push_back(segment_name(n) + ": cut a torn tail of " +
                                std::to_string(bytes.size() - seg.valid_bytes) + " bytes");
      if (::truncate(p.c_str(), static_cast<off_t>(seg.valid_bytes)) != 0)
        report.warnings.push_back("cannot truncate " + segment_name(n));
    }
    active_size_ = seg.valid_bytes;
  }
  return report;
}

void Journal::clear() {
  for (std::uint64_t n : segments_) std::remove(path(n).c_str());
  segments_.clear();
  active_size_ = 0;
}

void Journal::drop_through(std::uint64_t n) {
  while (!segments_.empty() && segments_.front() <= n) {
    std::remove(path(segments_.front()).c_str());
    segments_.erase(segments_.begin());
  }
  if (n > floor_) floor_ = n;
  if (segments_.empty()) active_size_ = 0;
}

Status Journal::append(const Mutation& m) {
  const std::string record = encode_record(nlohmann::json(m).dump());
  if (segments_.empty() || sealed_ || active_size_ + record.size() > segment_limit_) {
    if (!make_dirs(dir_)) return Status::Fail("storage_error", "cannot create " + dir_);
    segments_.push_back(std::max(segments_.empty() ? 0 : segments_.back(), floor_) + 1);
    active_size_ = 0;
    sealed_ = false;
  }
  const std::string p = path(segments_.back());
  FILE* f = std::fopen(p.c_str(), "ab");
  if (!f) return Status::Fail("storage_error", "cannot open " + p + ": " + std::strerror(errno));
  const size_t written = std::fwrite(record.data(), 1, record.size(), f);
  const bool ok = written == record.size() && std::fflush(f) == 0;
  std::fclose(f);
  if (!ok) {
    // Leave no partial record behind: the next load would have to cut it.
    ::truncate(p.c_str(), static_cast<off_t>(active_size_));
    return Status::Fail("storage_error", "cannot write " + p);
  }
  active_size_ += record.size();
  ++appended_;
  return Status::Ok();
}

}  // namespace kt::storage
