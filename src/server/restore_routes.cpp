// Index: [Helpers] [Uploads] [Check and apply] [Routes] [Command line]
#include "server/restore_routes.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fnv.hpp"
#include "core/io/restore.hpp"
#include "server/accounts.hpp"

namespace kt::server {

using nlohmann::json;
using sync::Response;
using sync::error_response;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

constexpr size_t kMaxUserChoices = 10000;
constexpr size_t kMaxIdLength = 200;

// A file's bytes, mapped read-only: a 1 GiB backup is read through the page cache, not copied to the heap.
class MappedFile {
 public:
  MappedFile(const std::string& path, std::uint64_t size) : size_(size) {
    if (size == 0) return;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return;
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd_, 0);
    if (p != MAP_FAILED) data_ = static_cast<const char*>(p);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool ok() const { return size_ == 0 || data_; }
  std::string_view view() const { return data_ ? std::string_view(data_, size_) : std::string_view(); }

 private:
  int fd_ = -1;
  const char* data_ = nullptr;
  std::uint64_t size_ = 0;
};

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// {"users": {"<backup user>": "<server user>" | "new"}, "me": "<backup user>"}: the administrator's choice
// of people. Empty when it reads; otherwise the 400 answer's message.
std::string read_choice(const json& body, io::RestoreOptions* o) {
  if (!body.is_object()) return "the body must be a JSON object";
  if (body.contains("users") && !body["users"].is_null()) {
    const json& users = body["users"];
    if (!users.is_object()) return "users: expected an object of user ids";
    if (users.size() > kMaxUserChoices) return "users: too many";
    for (const auto& [local, to] : users.items()) {
      if (!to.is_string() || local.empty() || local.size() > kMaxIdLength || to.get_ref<const std::string&>().empty() ||
          to.get_ref<const std::string&>().size() > kMaxIdLength)
        return "users." + local.substr(0, kMaxIdLength) + ": expected a server user id or \"new\"";
      o->users[local] = to.get<std::string>();
    }
  }
  if (body.contains("me") && !body["me"].is_null()) {
    if (!body["me"].is_string() || body["me"].get_ref<const std::string&>().size() > kMaxIdLength)
      return "me: expected a user id of the backup";
    o->me = body["me"].get<std::string>();
  }
  return {};
}

Response status_response(const Status& s) {
  Response r = error_response(422, s.code, s.message);
  if (!s.field.empty()) r.body["field"] = s.field;
  return r;
}

// Names one plan: the upload's bytes, the workspace's version and everything the report says (the people
// as chosen included). A check and the apply after it agree exactly when nothing of that changed between.
std::string plan_id(std::uint64_t upload_hash, std::uint64_t version, const json& report) {
  std::uint64_t h = kt::fnv1a(kt::Fnv1a::kStart, kt::hex16(upload_hash));
  h = kt::fnv1a(h, std::to_string(version));
  h = kt::fnv1a(h, report.dump(-1, ' ', false, json::error_handler_t::replace));
  return "p" + kt::hex16(h);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Uploads
// ---------------------------------------------------------------------------------------------------------

struct RestoreService::Upload {
  std::string id;
  std::string owner;
  std::string path;
  std::uint64_t received = 0;
  std::uint64_t hash = kt::Fnv1a::kStart;  // FNV-1a of the bytes received
  std::int64_t touched = 0;
  bool busy = false;  // a check or apply is reading it
  bool gone = false;  // dropped while busy: removed when released
};

RestoreService::RestoreService(sync::ServerState& state, RestoreConfig cfg) : state_(state), cfg_(std::move(cfg)) {
  // Uploads do not outlive the process that took them: whatever is left is from an earlier run.
  std::error_code ec;
  std::filesystem::remove_all(cfg_.dir, ec);
  std::filesystem::create_directories(cfg_.dir, ec);
  ::chmod(cfg_.dir.c_str(), 0700);
}

RestoreService::~RestoreService() {
  std::lock_guard l(mu_);
  for (const auto& [id, u] : uploads_) ::unlink(u->path.c_str());
}

std::int64_t RestoreService::now() const { return cfg_.now_ms ? cfg_.now_ms() : system_ms(); }

void RestoreService::remove(const std::string& id) {
  auto it = uploads_.find(id);
  if (it == uploads_.end()) return;
  if (it->second->busy) {
    it->second->gone = true;
    return;
  }
  ::unlink(it->second->path.c_str());
  uploads_.erase(it);
}

void RestoreService::sweep() {
  const std::int64_t t = now();
  std::vector<std::string> idle;
  for (const auto& [id, u] : uploads_)
    if (!u->busy && t - u->touched > cfg_.idle_ms) idle.push_back(id);
  for (const auto& id : idle) remove(id);
}

Response RestoreService::create(const std::string& user) {
  if (!state_.is_admin(user)) return error_response(403, "forbidden", "only administrators restore a workspace");
  std::lock_guard l(mu_);
  sweep();
  // One upload per administrator: a new one replaces the previous.
  std::vector<std::string> mine;
  for (const auto& [id, u] : uploads_)
    if (u->owner == user) mine.push_back(id);
  for (const auto& id : mine) remove(id);
  auto u = std::make_shared<Upload>();
  u->id = random_token(18);
  u->owner = user;
  u->path = cfg_.dir + "/" + u->id + ".upload";
  u->touched = now();
  const int fd = ::open(u->path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return error_response(500, "storage_failed", std::string("cannot create the upload file: ") + std::strerror(errno));
  ::close(fd);
  uploads_[u->id] = u;
  return Response{201, json{{"upload", u->id}, {"chunkBytes", cfg_.chunk_bytes}, {"maxBytes", cfg_.max_bytes}}};
}

Response RestoreService::put(const std::string& user, const std::string& id, const std::string& offset,
                             std::string_view bytes) {
  if (!state_.is_admin(user)) return error_response(403, "forbidden", "only administrators restore a workspace");
  std::uint64_t at = 0;
  if (offset.empty() || offset.size() > 19 || offset.find_first_not_of("0123456789") != std::string::npos)
    return error_response(400, "malformed_request", "offset: expected the number of bytes received so far");
  at = std::stoull(offset);
  std::lock_guard l(mu_);
  sweep();
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->owner != user || it->second->gone)
    return error_response(404, "unknown_upload", "no such upload (dropped after an hour without activity?)");
  Upload& u = *it->second;
  if (u.busy) return error_response(409, "upload_busy", "the upload is being checked or applied");
  if (at != u.received) {
    Response r = error_response(409, "offset_mismatch",
                                "the upload has " + std::to_string(u.received) + " bytes: send from there");
    r.body["received"] = u.received;
    return r;
  }
  if (bytes.size() > cfg_.chunk_bytes)
    return error_response(413, "too_large", "a chunk has at most " + std::to_string(cfg_.chunk_bytes) + " bytes");
  if (u.received + bytes.size() > cfg_.max_bytes)
    return error_response(413, "too_large", "a backup has at most " + std::to_string(cfg_.max_bytes) + " bytes");
  const int fd = ::open(u.path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0;
  int error = ok ? 0 : errno;
  for (size_t done = 0; ok && done < bytes.size();) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(u.received + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      error = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (!ok) {
    if (fd >= 0 && ::ftruncate(fd, static_cast<off_t>(u.received)) != 0) {
      // The next chunk overwrites from `received` anyway.
    }
    if (fd >= 0) ::close(fd);
    return error_response(error == ENOSPC ? 507 : 500, "storage_failed",
                          std::string("the chunk was not stored: ") + std::strerror(error));
  }
  ::close(fd);
  u.received += bytes.size();
  u.hash = kt::fnv1a(u.hash, bytes);
  u.touched = now();
  return Response{200, json{{"received", u.received}}};
}

Response RestoreService::drop(const std::string& user, const std::string& id) {
  if (!state_.is_admin(user)) return error_response(403, "forbidden", "only administrators restore a workspace");
  std::lock_guard l(mu_);
  sweep();
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->owner != user || it->second->gone)
    return error_response(404, "unknown_upload", "no such upload");
  remove(id);
  return Response{200, json{{"dropped", id}}};
}

std::shared_ptr<RestoreService::Upload> RestoreService::take(const std::string& user, const std::string& id,
                                                             Response* why) {
  std::lock_guard l(mu_);
  sweep();
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->owner != user || it->second->gone) {
    *why = error_response(404, "unknown_upload", "no such upload (dropped after an hour without activity?)");
    return nullptr;
  }
  if (it->second->busy) {
    *why = error_response(409, "upload_busy", "the upload is being checked or applied");
    return nullptr;
  }
  it->second->busy = true;
  return it->second;
}

void RestoreService::release(const std::shared_ptr<Upload>& u) {
  std::lock_guard l(mu_);
  u->busy = false;
  u->touched = now();
  if (u->gone) remove(u->id);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Check and apply
// ---------------------------------------------------------------------------------------------------------

Response RestoreService::with_backup(
    const std::string& user, const std::string& id, const json& body,
    const std::function<Response(const io::RestoreOptions&, Upload&, io::BackupStream&)>& then) {
  if (!state_.is_admin(user)) return error_response(403, "forbidden", "only administrators restore a workspace");
  io::RestoreOptions o;
  if (auto why = read_choice(body, &o); !why.empty()) return error_response(400, "malformed_json", why);
  o.admin = user;
  Response why;
  auto u = take(user, id, &why);
  if (!u) return why;
  struct Release {
    RestoreService* s;
    std::shared_ptr<Upload> u;
    ~Release() { s->release(u); }
  } release{this, u};
  std::lock_guard heavy(heavy_);
  MappedFile file(u->path, u->received);
  if (!file.ok()) return error_response(500, "storage_failed", "the upload cannot be read");
  io::BackupStream in;
  if (Status s = in.open(file.view(), now()); !s) return status_response(s);
  return then(o, *u, in);
}

Response RestoreService::check(const std::string& user, const std::string& id, const json& body) {
  return with_backup(user, id, body, [&](const io::RestoreOptions& o, Upload& u, io::BackupStream& in) {
    return state_.read([&](const Workspace& ws) {
      io::RestorePlan plan;
      if (Status s = io::plan_restore(ws, in, o, &plan, nullptr); !s) return status_response(s);
      json report = io::restore_report_json(plan, ws);
      report["plan"] = plan_id(u.hash, state_.version(), report);
      return Response{200, std::move(report)};
    });
  });
}

Response RestoreService::apply(const std::string& user, const std::string& id, const json& body) {
  return with_backup(user, id, body, [&](const io::RestoreOptions& o, Upload& u, io::BackupStream& in) {
    if (!body.contains("plan") || !body["plan"].is_string())
      return error_response(400, "malformed_json", "plan: expected the plan of the check");
    const std::string given = body["plan"].get<std::string>();
    json report;
    Response r = state_.restore(user, [&](const Workspace& ws, std::uint64_t version, Workspace* result) {
      io::RestorePlan plan;
      if (Status s = io::plan_restore(ws, in, o, &plan, result); !s) return status_response(s);
      report = io::restore_report_json(plan, ws);
      const std::string planned = plan_id(u.hash, version, report);
      if (planned != given)
        return error_response(409, "plan_changed",
                              "the workspace or the choice of people changed since the check: check again");
      report["plan"] = planned;
      return Response{200, json()};
    });
    if (r.status != 200) return r;
    r.body["report"] = std::move(report);
    std::lock_guard l(mu_);
    u.gone = true;  // applied: the upload goes when released
    return r;
  });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Routes
// ---------------------------------------------------------------------------------------------------------

namespace {

void reply(httplib::Response& res, const Response& r) {
  res.status = r.status;
  res.set_content(r.body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

// The body as JSON (an empty body is {}); otherwise the 400 answer.
bool body_json(const httplib::Request& req, httplib::Response& res, json* out) {
  if (req.body.empty()) {
    *out = json::object();
    return true;
  }
  if (io::json_depth(req.body, io::kBackupMaxDepth) > io::kBackupMaxDepth) {
    reply(res, error_response(400, "malformed_json", "the body nests too deep"));
    return false;
  }
  *out = json::parse(req.body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    reply(res, error_response(400, "malformed_json", "the body must be a JSON object"));
    return false;
  }
  return true;
}

}  // namespace

void add_restore_routes(httplib::Server& http, RestoreService* service, const RestoreHandlerWrap& authed) {
  http.Post("/api/restore/uploads", authed([service](const httplib::Request& req, httplib::Response& res,
                                                     const std::string& user) {
              json body;
              if (body_json(req, res, &body)) reply(res, service->create(user));
            }));
  http.Put(R"(/api/restore/uploads/([A-Za-z0-9_-]{1,64}))",
           authed([service](const httplib::Request& req, httplib::Response& res, const std::string& user) {
             reply(res, service->put(user, req.matches[1], req.get_param_value("offset"), req.body));
           }));
  http.Post(R"(/api/restore/uploads/([A-Za-z0-9_-]{1,64})/check)",
            authed([service](const httplib::Request& req, httplib::Response& res, const std::string& user) {
              json body;
              if (body_json(req, res, &body)) reply(res, service->check(user, req.matches[1], body));
            }));
  http.Post(R"(/api/restore/uploads/([A-Za-z0-9_-]{1,64})/apply)",
            authed([service](const httplib::Request& req, httplib::Response& res, const std::string& user) {
              json body;
              if (body_json(req, res, &body)) reply(res, service->apply(user, req.matches[1], body));
            }));
  http.Delete(R"(/api/restore/uploads/([A-Za-z0-9_-]{1,64}))",
              authed([service](const httplib::Request& req, httplib::Response& res, const std::string& user) {
                reply(res, service->drop(user, req.matches[1]));
              }));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Command line
// ---------------------------------------------------------------------------------------------------------

int restore_file(sync::ServerState& state, const std::string& admin, const RestoreRequest& req,
                 std::uint64_t max_bytes, const std::function<std::int64_t()>& now_ms, std::FILE* out,
                 std::FILE* err) {
  struct stat st {};
  if (::stat(req.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::fprintf(err, "kartoteka-server: cannot read %s\n", req.file.c_str());
    return 1;
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    std::fprintf(err, "kartoteka-server: %s is larger than %llu bytes\n", req.file.c_str(),
                 static_cast<unsigned long long>(max_bytes));
    return 1;
  }
  MappedFile file(req.file, static_cast<std::uint64_t>(st.st_size));
  if (!file.ok()) {
    std::fprintf(err, "kartoteka-server: cannot read %s\n", req.file.c_str());
    return 1;
  }
  const std::int64_t now = now_ms ? now_ms() : system_ms();
  io::BackupStream in;
  if (Status s = in.open(file.view(), now); !s) {
    std::fprintf(err, "kartoteka-server: %s: %s (%s)\n", req.file.c_str(), s.message.c_str(), s.code.c_str());
    return 1;
  }
  io::RestoreOptions o;
  o.users = req.users;
  o.admin = admin;
  json report;
  auto plan = [&](const Workspace& ws, Workspace* result) -> Response {
    if (!req.merge && io::has_items(ws))
      return error_response(409, "not_empty", "the workspace holds items: give --merge to merge the backup into it");
    io::RestorePlan p;
    if (Status s = io::plan_restore(ws, in, o, &p, result); !s) return status_response(s);
    report = io::restore_report_json(p, ws, static_cast<size_t>(-1));
    return Response{200, json()};
  };
  Response r = req.dry_run ? state.read([&](const Workspace& ws) { return plan(ws, nullptr); })
                           : state.restore(admin, [&](const Workspace& ws, std::uint64_t, Workspace* result) {
                               return plan(ws, result);
                             });
  if (r.status != 200) {
    std::fprintf(err, "kartoteka-server: %s (%s)\n", r.body.value("message", "").c_str(),
                 r.body.value("error", "").c_str());
    return 1;
  }
  if (!req.dry_run) report["version"] = r.body["version"];
  std::fprintf(out, "%s\n", report.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  std::fprintf(err, "kartoteka-server: %s %s: %zu items\n", req.dry_run ? "checked" : "restored", req.file.c_str(),
               report["backup"].value("items", std::size_t{0}));
  return 0;
}

}  // namespace kt::server
