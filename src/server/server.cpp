// Index: [Helpers] [Start: data directory, state, first administrator] [Routes: accounts]
//        [Routes: sync and items] [Routes: static files, errors, log] [Server]
#include "server/server.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

#include "core/json_bounded.hpp"
#include "server/accounts.hpp"
#include "server/front_door.hpp"
#include "server/database.hpp"
#include "server/pg_log_store.hpp"
#include "server/restore_routes.hpp"
#include "server/sqlite_log_store.hpp"
#include "sync/server_state.hpp"

namespace kt::server {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

constexpr const char* kVersion = "0.2.0";
constexpr size_t kMaxBody = 4 * 1024 * 1024;
constexpr const char* kFirstAdminId = "u1";

// The request being served on this worker thread, for its log line.
thread_local std::string t_user;
thread_local std::chrono::steady_clock::time_point t_start;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // Values came in as valid UTF-8 JSON, but a replace keeps one odd byte from turning into a 500.
  // Plain "application/json" (UTF-8 by definition): httplib gzips only this exact type.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message) {
  send_json(res, status, json{{"error", code}, {"message", message}});
}

void send(httplib::Response& res, const sync::Response& r) {
  if (!r.bytes.empty()) {
    // A binary pull page. Not compressed: httplib's gzip (level 6) would cost more than loopback or a
    // LAN saves, and the varint encoding is already about half the size of the JSON.
    res.status = r.status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(r.bytes, "application/vnd.kartoteka.pull");
    return;
  }
  send_json(res, r.status, r.body);
}

// The body as a JSON object; otherwise answers 400 and returns nothing. Nested deeper than
// kMaxJsonDepth is refused (too_deep) before anything is built: what handles the body recurses per level.
std::optional<json> body_object(const httplib::Request& req, httplib::Response& res) {
  Status why;
  json j = parse_json_bounded(req.body, &why);
  if (j.is_discarded()) {
    if (why.code == "too_deep") send_error(res, 400, "too_deep", why.message);
    else send_error(res, 400, "malformed_json", "the body is not JSON");
    return std::nullopt;
  }
  if (!j.is_object()) {
    send_error(res, 400, "malformed_json", "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// A string member of a body; otherwise answers 400 and returns nothing.
std::optional<std::string> string_member(const json& j, const char* key, httplib::Response& res) {
  if (!j.contains(key) || !j[key].is_string()) {
    send_error(res, 400, "malformed_json", std::string(key) + ": expected a string");
    return std::nullopt;
  }
  return j[key].get<std::string>();
}

bool valid_login(const std::string& login) {
  if (login.empty() || login.size() > 64) return false;
  for (unsigned char c : login)
    if (c <= ' ' || c == 0x7f) return false;
  return true;
}

constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 1024;

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One access log line (stdout), for served requests and for those the front door refused.
void log_line(const std::string& method, const std::string& path, int status, size_t bytes,
              const std::string& user, const std::string& remote, double ms = 0) {
  std::printf("%s %s %s %d %zuB %.1fms %s %s\n", utc_now().c_str(), log_safe(method).c_str(),
              log_safe(path).c_str(), status, bytes, ms, log_safe(user).c_str(), log_safe(remote).c_str());
  std::fflush(stdout);
}

// The Host names a server bound to a loopback address answers for: a page of another site whose name
// resolves to 127.0.0.1 (DNS rebinding) is refused. Other addresses: any name, unless --allowed-host.
std::vector<std::string> default_hosts(const std::string& host) {
  if (host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0)
    return {"localhost", "127.0.0.1", "[::1]", host};
  return {};
}

// The SHA-256 of every inline <script> of the page, for the Content-Security-Policy that lets exactly
// those run (computed from the page being served, so that an edit of index.html cannot break the page).
std::string inline_script_hashes(const std::string& web_root) {
  std::ifstream f(web_root + "/index.html", std::ios::binary);
  if (!f) return {};
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string page = ss.str();
  std::string out;
  for (size_t at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) {
    const size_t open_end = page.find('>', at);
    if (open_end == std::string::npos) break;
    if (page.substr(at, open_end - at).find("src=") != std::string::npos) continue;
    const size_t close = page.find("</script>", open_end);
    if (close == std::string::npos) break;
    const std::string body = page.substr(open_end + 1, close - open_end - 1);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(body.data()), body.size());
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    out += " 'sha256-" + std::string(b64) + "'";
  }
  return out;
}

// Headers of every answer. The policy allows the page's own scripts, its inline ones by hash, WebAssembly,
// the persistence worker (a blob), the hand-off of calls and messages (a hidden frame with tel:, sms: or
// mailto:), and fetches to this origin or another sync server the user connects to; never framing.
httplib::Headers security_headers(const std::string& web_root) {
  const std::string csp =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" + inline_script_hashes(web_root) +
      "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
      "connect-src 'self' http: https:; worker-src 'self' blob:; manifest-src 'self'; "
      "frame-src 'self' blob: tel: sms: mailto:; object-src 'none'; base-uri 'none'; form-action 'none'; "
      "frame-ancestors 'none'";
  return {{"Content-Security-Policy", csp},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Frame-Options", "DENY"}};
}

// Holds an exclusive lock on the data directory for the life of the server: two servers replaying
// the same log into two memories would hand out the same versions.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) {
    const std::string path = dir + "/lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path);
    ::fchmod(fd_, 0600);  // one an older server made 0644
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw std::runtime_error("another kartoteka-server is using " + dir);
    }
  }
  ~DirLock() { ::close(fd_); }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

// The listen backlog httplib uses (CPPHTTPLIB_LISTEN_BACKLOG) is compiled into the system's
// libcpp-httplib: 5. A burst of connections larger than that overflows the accept queue, and the
// kernel drops their handshakes: each such client retransmits its SYN after 1 s (then 3 s, ...).
constexpr int kListenBacklog = 1024;

// Expired tokens are deleted at start and then by a login at most this often.
constexpr std::int64_t kPurgeEveryMs = 10 * 60 * 1000;

// A start that replayed this many log records writes a checkpoint before it serves.
constexpr std::uint64_t kCheckpointAfterReplay = 10000;

}  // namespace

struct Server::Impl {
  Options opts;
  std::unique_ptr<DirLock> lock;
  std::shared_ptr<Database> db;
  std::unique_ptr<Accounts> accounts;
  std::unique_ptr<LoginLimiter> limiter;
  std::atomic<std::int64_t> last_purge{0};
  std::unique_ptr<sync::ServerState> state;
  std::unique_ptr<RestoreService> restore;  // with a data directory
  std::atomic<int> pokes{0};
  // stop() may come before run_bound() reaches httplib's loop, where httplib's own stop() does
  // nothing.
  std::mutex run_mu;
  bool stopping = false;
  bool running = false;
  GuardedHttp http;
  // Last: its reader and worker threads end before the server and the state they use go.
  std::unique_ptr<FrontDoor> door;
  int port = 0;
  int listen_fd = -1;  // the listening socket, seen by the socket options callback before its bind

  // -------------------------------------------------------------------------------------------------------
  // [SECTION] Start: data directory, state, first administrator
  // -------------------------------------------------------------------------------------------------------

  // The workspace in PostgreSQL (opts.database), shared with the other servers started on it.
  void open_database() {
    if (!opts.data_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(opts.data_dir, ec);
      ::chmod(opts.data_dir.c_str(), 0700);
      lock = std::make_unique<DirLock>(opts.data_dir);
    }
    // A server may start before the database answers (a cluster starting): it waits a while.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      try {
        db = Database::postgres(opts.database);
        break;
      } catch (const std::exception& e) {
        if (std::chrono::steady_clock::now() > until) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
    std::string secret;
    {
      std::lock_guard l(db->mutex());
      // Shared by every server on the database, so that each reads the others' cursors.
      secret = db->setting_or_set("cursor_secret", random_token(32));
    }
    std::string uploads = opts.data_dir;
    if (uploads.empty()) {
      std::string tmpl = (std::filesystem::temp_directory_path() / "kartoteka-uploads-XXXXXX").string();
      if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot make a folder for restore uploads");
      uploads = tmpl;
    }
    open_workspace(pg_log_store(opts.database), secret, uploads + "/restore-uploads");
  }

  void open_data_dir() {
    std::error_code ec;
    const bool created = std::filesystem::create_directories(opts.data_dir, ec);
    if (ec)
      throw std::runtime_error("cannot create the data directory " + opts.data_dir + ": " +
                               ec.message());
    // It holds password and token hashes, the cursor secret and restricted values: a new one is the
    // server user's alone. An existing one is the operator's choice (it may be shared on purpose,
    // or not be ours to change): only a warning; the files in it are made private (Database,
    // DirLock, the checkpoint).
    struct stat st {};
    if (created && ::chmod(opts.data_dir.c_str(), 0700) != 0)
      throw std::runtime_error("cannot make the data directory " + opts.data_dir + " private");
    if (!created && ::stat(opts.data_dir.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
      std::fprintf(stderr,
                   "kartoteka-server: the data directory %s is open to other users (mode %03o); "
                   "chmod 700 it\n",
                   opts.data_dir.c_str(), static_cast<unsigned>(st.st_mode & 0777));
    lock = std::make_unique<DirLock>(opts.data_dir);
    ::chmod((opts.data_dir + "/kartoteka.checkpoint").c_str(), 0600);  // one an older server wrote
    db = std::make_shared<Database>(opts.data_dir + "/kartoteka.db");
    std::string secret;
    {
      std::lock_guard l(db->mutex());
      auto s = db->setting("cursor_secret");
      if (!s) {
        s = random_token(32);
        db->set_setting("cursor_secret", *s);
      }
      secret = *s;
    }
    open_workspace(sqlite_log_store(db, opts.data_dir + "/kartoteka.checkpoint"), secret,
                   opts.data_dir + "/restore-uploads");
  }

  // Accounts, the workspace state over `store`, the first administrator and restores.
  void open_workspace(std::unique_ptr<sync::LogStore> store, const std::string& secret,
                      const std::string& uploads) {
    AccountOptions ao;
    // Shared with other servers: their revocations reach this one within a second.
    if (db->is_postgres()) ao.token_recheck_ms = 1000;
    ao.fast_hashing = opts.fast_password_hashing;
    ao.hash_slots = opts.hash_slots;
    ao.hash_wait_ms = opts.hash_wait_ms;
    ao.token_idle_ms = opts.token_idle_ms;
    ao.now_ms = opts.now_ms;
    ao.while_hashing = opts.while_hashing;
    accounts = std::make_unique<Accounts>(db, std::move(ao));
    LoginLimiter::Limits limits;
    limits.login_free = opts.login_free_failures;
    limits.address_free = opts.address_free_failures;
    limits.window_ms = opts.login_window_ms;
    limits.first_delay_ms = opts.login_first_delay_ms;
    limits.max_delay_ms = opts.login_max_delay_ms;
    limits.max_keys = opts.login_max_keys;
    limiter = std::make_unique<LoginLimiter>(limits);
    sync::ServerOptions so;
    so.now_ms = opts.now_ms;
    if (opts.checkpoint_every >= 0) so.checkpoint_every = static_cast<std::uint64_t>(opts.checkpoint_every);
    so.log = [](const std::string& note) {
      std::fprintf(stderr, "kartoteka-server: %s\n", note.c_str());
    };
    // Over PostgreSQL the server serves from the start: its health says "catching up" (503) until the state
    // is loaded, so that a load balancer waits for it.
    so.load_in_background = db->is_postgres();
    const auto t0 = std::chrono::steady_clock::now();
    state = std::make_unique<sync::ServerState>(std::move(store), secret, so);
    const sync::StartInfo& info = state->start_info();
    if (so.load_in_background) {
      if (!opts.quiet) std::printf("kartoteka-server: loading the workspace from the database in the background\n");
    } else if (!opts.quiet) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      std::printf("kartoteka-server: workspace at version %llu in %lld ms (%s%llu log records replayed)\n",
                  static_cast<unsigned long long>(state->version()), static_cast<long long>(ms),
                  info.checkpoint ? ("checkpoint at log position " +
                                     std::to_string(info.checkpoint) + " + ").c_str()
                                  : "",
                  static_cast<unsigned long long>(info.replayed));
    }
    // A start that replayed much saves the next one the work.
    if (info.replayed >= kCheckpointAfterReplay) save_checkpoint();
    ensure_admin();
    RestoreConfig rc;
    rc.dir = uploads;
    rc.max_bytes = opts.restore_max_bytes;
    rc.idle_ms = opts.restore_idle_ms;
    rc.now_ms = opts.now_ms;
    restore = std::make_unique<RestoreService>(*state, std::move(rc));
    purge_tokens();
  }

  // Deletes expired token rows, and the tokens of users who are no longer active.
  void purge_tokens() {
    last_purge = now_ms();
    accounts->purge_tokens();
    // Only from a loaded state (over PostgreSQL it may still be loading, or catching up).
    if (state->healthy()) revoke_inactive();
  }

  // Sessions of a user who is no longer active end at once, so that reactivating him later does
  // not bring them back.
  void revoke_inactive() {
    for (const auto& id : accounts->token_users()) {
      auto u = state->user(id);
      if (!u || !u->active) accounts->revoke_user_tokens(id);
    }
  }

  // The clock of token purges (wall time, as tokens' last use is stored), and of login waits
  // (steady: a clock set back must not lengthen them).
  std::int64_t now_ms() const {
    if (opts.now_ms) return opts.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t steady_ms() const {
    if (opts.now_ms) return opts.now_ms();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  void save_checkpoint() {
    try {
      const auto t0 = std::chrono::steady_clock::now();
      if (state->checkpoint() && !opts.quiet)
        std::printf("kartoteka-server: checkpoint saved in %lld ms\n",
                    static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - t0)
                                               .count()));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "kartoteka-server: the checkpoint was not saved: %s\n", e.what());
    }
  }

  void ensure_admin() {
    const std::string where = opts.database.empty() ? "the data directory " + opts.data_dir : "the database";
    if (!accounts->empty()) {
      if (!opts.admin_login.empty() && !opts.quiet)
        std::printf(
            "kartoteka-server: accounts exist; --admin-login/--admin-password are ignored\n");
      return;
    }
    if (opts.admin_login.empty() || opts.admin_password.empty())
      throw std::runtime_error(where +
                               " has no account yet: give the first administrator with "
                               "--admin-login and --admin-password "
                               "(or KT_ADMIN_LOGIN and KT_ADMIN_PASSWORD)");
    if (!valid_login(opts.admin_login))
      throw std::runtime_error("the admin login must be 1 to 64 characters without spaces");
    if (opts.admin_password.size() < kMinPassword)
      throw std::runtime_error("the admin password must have at least 8 characters");
    // A new database: its first administrator needs the state (loaded in the background over PostgreSQL).
    if (!state->wait_ready(std::chrono::minutes(10)))
      throw std::runtime_error("the workspace did not load from the database");
    // A workspace that already has users (a log brought from elsewhere) gets the login on its
    // administrator.
    std::string id = kFirstAdminId;
    if (auto admin = state->first_admin())
      id = *admin;
    else if (state->bootstrap_admin(id, opts.admin_login))
      ;
    else if (auto other = state->first_admin())  // another server sharing the database made one just now
      id = *other;
    else
      throw std::runtime_error(
          "the workspace has users but no active administrator to give the login to");
    if (accounts->set_account(id, opts.admin_login, opts.admin_password) != Accounts::SetResult::Ok)
      throw std::runtime_error("the admin login is taken");
    if (!opts.quiet)
      std::printf("kartoteka-server: created the administrator %s (user %s)\n",
                  opts.admin_login.c_str(), id.c_str());
  }

  // The user of the request's bearer token, when it is valid and the user is active.
  std::optional<std::string> authenticate(const httplib::Request& req) {
    const std::string h = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    auto user = accounts->token_user(h.substr(prefix.size()));
    if (!user) return std::nullopt;
    auto u = state->user(*user);
    // A user made moments ago through another server sharing the database: this one reads the log first.
    if (!u && state->refresh()) u = state->user(*user);
    if (!u || !u->active) {
      accounts->revoke_user_tokens(*user);  // normally gone already (revoke_inactive after a push)
      return std::nullopt;
    }
    return user;
  }

  using AuthedHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const std::string& user)>;

  httplib::Server::Handler authed(AuthedHandler h) {
    return [this, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      if (!state)
        return send_error(res, 503, "sync_disabled",
                          "this server runs without --data-dir: no sync API");
      if (catching_up(res)) return;
      auto user = authenticate(req);
      if (!user)
        return send_error(res, 401, "unauthorized",
                          "log in first: the token is missing, unknown or revoked");
      t_user = *user;
      h(req, res, *user);
    };
  }

  httplib::Server::Handler unauthed(httplib::Server::Handler h) {
    return [this, h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      if (!state)
        return send_error(res, 503, "sync_disabled",
                          "this server runs without --data-dir: no sync API");
      if (catching_up(res)) return;
      h(req, res);
    };
  }

  // Over PostgreSQL, while the state loads or catches up with the log, nothing is answered from it: a token
  // of a user not loaded yet must not read as unknown (401 would log the client out).
  bool catching_up(httplib::Response& res) {
    if (!db || !db->is_postgres() || state->healthy()) return false;
    res.set_header("Retry-After", "1");
    send_error(res, 503, "unavailable", "this server is catching up with the shared log; try again in a moment");
    return true;
  }

  json user_json(const std::string& id) {
    auto u = state->user(id);
    if (!u) return json{{"id", id}, {"name", ""}, {"admin", false}};
    return json{{"id", u->id}, {"name", u->name}, {"admin", state->is_admin(id)}};
  }

  // -------------------------------------------------------------------------------------------------------
  // [SECTION] Routes: accounts
  // -------------------------------------------------------------------------------------------------------

  void account_routes() {
    http.Post(
        "/api/login", unauthed([this](const httplib::Request& req, httplib::Response& res) {
          // JSON only: a form of another site cannot post a login (login CSRF) without a CORS preflight.
          const std::string type = req.get_header_value("Content-Type");
          if (type.rfind("application/json", 0) != 0)
            return send_error(res, 415, "unsupported_media_type", "the login is a JSON body (Content-Type: application/json)");
          auto body = body_object(req, res);
          if (!body) return;
          auto login = string_member(*body, "login", res);
          if (!login) return;
          auto password = string_member(*body, "password", res);
          if (!password) return;
          // Guessing is slowed per login and per address; a key that must wait is answered before
          // any hashing, so that waiting attempts cost nothing.
          if (const std::int64_t wait = limiter->begin(req.remote_addr, *login, steady_ms());
              wait > 0) {
            const std::int64_t s = (wait + 999) / 1000;
            res.set_header("Retry-After", std::to_string(s));
            return send_json(res, 429,
                             json{{"error", "too_many_attempts"},
                                  {"message", "too many wrong passwords: try again in " +
                                                  std::to_string(s) + " s"},
                                  {"retryAfter", s}});
          }
          std::string user;
          const auto check = password->size() <= kMaxPassword && login->size() <= 64
                                 ? accounts->check_password(*login, *password, &user)
                                 : Accounts::Check::Wrong;
          if (check == Accounts::Check::Busy) {
            limiter->cancelled(req.remote_addr, *login);
            res.set_header("Retry-After", "1");
            return send_error(res, 503, "busy",
                              "too many logins are being checked; try again in a moment");
          }
          // Over a shared database the account may be for a user another server made moments ago.
          if (check == Accounts::Check::Ok && !state->refresh())
            return send_error(res, 503, "unavailable", "the server is catching up; try again in a moment");
          auto u = check == Accounts::Check::Ok ? state->user(user) : std::nullopt;
          if (!u || !u->active)
            return send_error(res, 401, "bad_credentials", "wrong login or password");
          limiter->succeeded(req.remote_addr, *login);
          if (now_ms() - last_purge > kPurgeEveryMs) purge_tokens();
          t_user = user;
          send_json(res, 200,
                    json{{"token", accounts->issue_token(user)}, {"user", user_json(user)}});
        }));

    http.Post("/api/logout", authed([this](const httplib::Request& req, httplib::Response& res,
                                           const std::string&) {
                accounts->revoke_token(req.get_header_value("Authorization").substr(7));
                send_json(res, 200, json::object());
              }));

    http.Get("/api/me", authed([this](const httplib::Request&, httplib::Response& res,
                                      const std::string& user) {
               if (!state->refresh()) return send_error(res, 503, "unavailable", "the server is catching up");
               auto u = state->user(user);
               json j = user_json(user);
               j["department"] = u ? u->department : "";
               j["roles"] = u ? u->roles : std::vector<std::string>{};
               j["login"] = accounts->login_of(user).value_or("");
               send_json(res, 200, j);
             }));

    // Who can log in, for the administrator's user settings (never a password or a token).
    http.Get("/api/accounts", authed([this](const httplib::Request&, httplib::Response& res,
                                            const std::string& me) {
               if (!state->refresh()) return send_error(res, 503, "unavailable", "the server is catching up");
               if (!state->is_admin(me))
                 return send_error(res, 403, "forbidden", "only administrators manage accounts");
               json list = json::array();
               for (const auto& [user, login] : accounts->logins())
                 list.push_back(json{{"user", user}, {"login", login}});
               send_json(res, 200, json{{"accounts", std::move(list)}});
             }));
    http.Post(
        "/api/accounts",
        authed([this](const httplib::Request& req, httplib::Response& res, const std::string& me) {
          // The user may have been made through another server sharing the database a moment ago.
          if (!state->refresh()) return send_error(res, 503, "unavailable", "the server is catching up");
          if (!state->is_admin(me))
            return send_error(res, 403, "forbidden", "only administrators manage accounts");
          auto body = body_object(req, res);
          if (!body) return;
          auto user = string_member(*body, "user", res);
          if (!user) return;
          auto login = string_member(*body, "login", res);
          if (!login) return;
          auto password = string_member(*body, "password", res);
          if (!password) return;
          if (!state->user(*user))
            return send_json(
                res, 422,
                json{{"error", "unknown_user"},
                     {"message", "no such user: " + *user + " (create it with user.put first)"},
                     {"field", "user"}});
          if (!valid_login(*login))
            return send_json(res, 422,
                             json{{"error", "invalid_login"},
                                  {"message", "a login is 1 to 64 characters without spaces"},
                                  {"field", "login"}});
          if (password->size() < kMinPassword || password->size() > kMaxPassword)
            return send_json(res, 422,
                             json{{"error", "weak_password"},
                                  {"message", "a password has 8 to 1024 characters"},
                                  {"field", "password"}});
          if (accounts->set_account(*user, *login, *password) == Accounts::SetResult::LoginTaken)
            return send_error(res, 409, "login_taken",
                              "the login " + *login + " belongs to another user");
          send_json(res, 200, json{{"user", *user}, {"login", *login}});
        }));

    http.Post("/api/tokens/revoke", authed([this](const httplib::Request& req,
                                                  httplib::Response& res, const std::string& me) {
                if (!state->refresh()) return send_error(res, 503, "unavailable", "the server is catching up");
                if (!state->is_admin(me))
                  return send_error(res, 403, "forbidden", "only administrators revoke tokens");
                auto body = body_object(req, res);
                if (!body) return;
                auto user = string_member(*body, "user", res);
                if (!user) return;
                send_json(res, 200, json{{"revoked", accounts->revoke_user_tokens(*user)}});
              }));
  }

  // -------------------------------------------------------------------------------------------------------
  // [SECTION] Routes: sync and items
  // -------------------------------------------------------------------------------------------------------

  void sync_routes() {
    http.Post("/api/sync/push", authed([this](const httplib::Request& req, httplib::Response& res,
                                              const std::string& user) {
                auto body = body_object(req, res);
                if (!body) return;
                const auto epoch = state->access_epoch();
                send(res, state->push(user, *body));
                // A user.put may have made a user inactive: his tokens go now.
                if (state->access_epoch() != epoch) revoke_inactive();
              }));
    http.Post("/api/sync/pull", authed([this](const httplib::Request& req, httplib::Response& res,
                                              const std::string& user) {
                if (auto body = body_object(req, res)) send(res, state->pull(user, *body));
              }));
    http.Get("/api/sync/poke", authed([this](const httplib::Request& req, httplib::Response& res,
                                             const std::string& user) {
               // Each waiting poke holds a worker thread: keep some for everything else.
               const int cap = std::max(1, opts.threads - 4);
               if (pokes.fetch_add(1) >= cap) {
                 pokes.fetch_sub(1);
                 res.set_header("Retry-After", "5");
                 return send_error(res, 503, "busy",
                                   "too many clients are waiting; poke again in a few seconds");
               }
               struct Release {
                 std::atomic<int>& n;
                 ~Release() { n.fetch_sub(1); }
               } release{pokes};
               // Beyond the global cap, each user may have a few waiting (503 busy from the state).
               sync::Response r = state->poke(user, req.get_param_value("cursor"),
                                              std::chrono::milliseconds(opts.poke_timeout_ms));
               if (r.status == 503) res.set_header("Retry-After", "5");
               send(res, r);
             }));
    http.Get(R"(/api/items/([^/]+))",
             authed([this](const httplib::Request& req, httplib::Response& res,
                           const std::string& user) {
               send(res, state->get_item(user, req.matches[1]));
             }));
    http.Post(R"(/api/items/([^/]+)/fields)",
              authed([this](const httplib::Request& req, httplib::Response& res,
                            const std::string& user) {
                if (auto body = body_object(req, res))
                  send(res, state->write_fields(user, req.matches[1], *body));
              }));
  }

  // -------------------------------------------------------------------------------------------------------
  // [SECTION] Routes: restore (restore_routes.cpp)
  // -------------------------------------------------------------------------------------------------------

  void restore_routes() {
    add_restore_routes(http, restore.get(), [this](RestoreAuthedHandler h) { return authed(std::move(h)); });
  }

  // -------------------------------------------------------------------------------------------------------
  // [SECTION] Routes: static files, errors, log
  // -------------------------------------------------------------------------------------------------------

  void routes() {
    // Every accepted socket goes to the front door (front_door.hpp), which reads whole requests without
    // holding a thread and hands them to its workers; httplib's listening thread only hands sockets over.
    http.new_task_queue = [] { return new InlineQueue; };
    // A client (a browser's fetch) reuses its connection for the next push or pull; httplib's default
    // closes it after 5 requests, which costs a new handshake every few pulls.
    http.set_keep_alive_max_count(1000);
    // httplib writes a response's headers and body separately: with Nagle's algorithm the body of a
    // small answer on a kept-alive connection waits for the client's delayed ACK (40 ms).
    http.set_tcp_nodelay(true);
    http.set_socket_options([this](socket_t sock) {
      // SO_REUSEADDR only: a restart may bind while old connections are in TIME_WAIT. Not SO_REUSEPORT
      // (httplib's default), with which a second server bound the same port and took half the logins.
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      listen_fd = sock;
    });
    const httplib::Headers security = security_headers(opts.web_root);
    http.set_default_headers(security);
    FrontLimits limits = opts.limits;
    limits.workers = static_cast<size_t>(std::max(4, opts.threads));
    limits.max_body = kMaxBody;
    if (limits.allowed_hosts.empty()) limits.allowed_hosts = default_hosts(opts.host);
    door = std::make_unique<FrontDoor>(
        limits,
        [this](httplib::Stream& strm, bool close, bool& closed) { return http.serve(strm, close, closed); },
        security, [this](const Refusal& r) {
          if (!opts.quiet) log_line(r.method, r.target, r.status, 0, "-", r.remote);
        });
    http.set_front_door(door.get());
    http.set_payload_max_length(kMaxBody);
    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      t_start = std::chrono::steady_clock::now();
      t_user.clear();
      // Debian's httplib is built with Brotli and prefers it whenever a browser offers "br"; its
      // encoder runs at quality 11, about 150 KB/s here: a 2.9 MB pull page took 18-25 s (past the
      // client's 20 s timeout, so a 100k bootstrap never finished) where gzip takes 0.05 s. Browsers
      // always offer gzip too: hide "br" so httplib picks gzip. (The request is the server's own
      // non-const object: changing it here is defined.)
      auto& headers = const_cast<httplib::Request&>(req).headers;
      auto [from, to] = headers.equal_range("Accept-Encoding");
      for (auto it = from; it != to; ++it) {
        std::string& v = it->second;
        for (auto br = v.find("br"); br != std::string::npos; br = v.find("br")) v.replace(br, 2, "-");
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });

    http.Get("/api/health", [this](const httplib::Request&, httplib::Response& res) {
      // "ok" only while writes can succeed: after the log failed (a full disk) every write answers 503
      // until a restart, and a load balancer must take this server out; so it must while a server over
      // PostgreSQL catches up with the log ("catching up").
      const std::string status = state ? state->health() : "ok";
      send_json(res, status == "ok" ? 200 : 503,
                json{{"status", status},
                     {"service", "kartoteka"},
                     {"version", kVersion},
                     {"protocol", sync::kProtocol}});
    });
    account_routes();
    sync_routes();
    restore_routes();
    // Anything else under /api is an unknown endpoint, answered in JSON rather than with a static
    // 404 page.
    auto unknown = [](const httplib::Request& req, httplib::Response& res) {
      send_error(res, 404, "not_found", "no such endpoint: " + req.method + " " + req.path);
    };
    http.Get(R"(/api/.*)", unknown);
    http.Post(R"(/api/.*)", unknown);
    http.Put(R"(/api/.*)", unknown);
    http.Delete(R"(/api/.*)", unknown);
    http.Patch(R"(/api/.*)", unknown);

    if (!opts.web_root.empty()) {
      http.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
      http.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
      http.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
      http.set_file_extension_and_mimetype_mapping("webmanifest", "application/manifest+json");
      http.set_file_extension_and_mimetype_mapping("data", "application/octet-stream");
      if (!http.set_mount_point("/", opts.web_root))
        std::fprintf(stderr, "kartoteka-server: web root %s does not exist\n",
                     opts.web_root.c_str());
      // The page and its code are revalidated on every load so that a new build is never mixed with
      // an old one; the service worker (when present) does the offline caching.
      http.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "no-cache");
      });
    }

    // Errors httplib raises itself (a body over the limit, a request it cannot read) get the JSON
    // shape too.
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (req.path.rfind("/api/", 0) != 0) {
        res.set_content(res.status == 404 ? "Not found\n" : "Request failed\n",
                        "text/plain; charset=utf-8");
        return;
      }
      const int status = res.status;
      if (status == 413)
        send_error(res, 413, "too_large", "the body is larger than 4 MiB");
      else if (status == 400)
        send_error(res, 400, "malformed_json", "the request cannot be read");
      else if (status == 404)
        send_error(res, 404, "not_found", "no such endpoint: " + req.path);
      else
        send_error(res, status, "http_" + std::to_string(status), "request failed");
    });
    http.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "internal error";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          std::fprintf(stderr, "kartoteka-server: %s %s failed: %s\n", req.method.c_str(),
                       req.path.c_str(), what.c_str());
          // PostgreSQL out of reach (restarting, a network cut): what the state answers meanwhile too, so
          // that a client waits and retries, and a load balancer tries another server.
          if (what.rfind("PostgreSQL", 0) == 0) {
            res.set_header("Retry-After", "1");
            return send_error(res, 503, "unavailable", "the database is out of reach; try again in a moment");
          }
          send_error(res, 500, "internal", "the server failed; see its log");
        });
    if (!opts.quiet) {
      http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        // One line per request; never the query string (a poke carries the cursor there) or the
        // body.
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_start)
                .count();
        log_line(req.method, req.path, res.status, res.body.size(), t_user.empty() ? "-" : t_user,
                 req.remote_addr, ms);
      });
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Server
// ---------------------------------------------------------------------------------------------------------

Server::Server(Options opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  if (!impl_->opts.database.empty())
    impl_->open_database();
  else if (!impl_->opts.data_dir.empty())
    impl_->open_data_dir();
  impl_->routes();
}

Server::~Server() {
  if (impl_->state) {
    impl_->state->shutdown();
    // A clean stop leaves a checkpoint of everything, so that the next start replays nothing.
    impl_->save_checkpoint();
  }
}

int Server::bind() {
  if (impl_->opts.port == 0)
    impl_->port = impl_->http.bind_to_any_port(impl_->opts.host);
  else
    impl_->port =
        impl_->http.bind_to_port(impl_->opts.host, impl_->opts.port) ? impl_->opts.port : -1;
  // httplib listened with its own small backlog; listen() again on a listening socket only sets a
  // new backlog (capped by net.core.somaxconn).
  if (impl_->port > 0 && impl_->listen_fd >= 0) ::listen(impl_->listen_fd, kListenBacklog);
  return impl_->port;
}

bool Server::run_bound() {
  if (impl_->port <= 0) return false;
  {
    std::lock_guard lock(impl_->run_mu);
    if (impl_->stopping) return false;
    impl_->running = true;
  }
  // Printed even when quiet: tools that start the server with --port 0 read the port from this
  // line.
  std::printf("kartoteka-server: serving %s on http://%s:%d%s\n",
              impl_->opts.web_root.empty() ? "the API" : impl_->opts.web_root.c_str(),
              impl_->opts.host.c_str(), impl_->port,
              impl_->state ? "" : " (no --data-dir: sync API off)");
  std::fflush(stdout);
  const bool ok = impl_->http.listen_after_bind();
  std::lock_guard lock(impl_->run_mu);
  impl_->running = false;
  return ok;
}

bool Server::run() {
  if (bind() <= 0) {
    std::fprintf(stderr, "kartoteka-server: cannot listen on %s:%d\n", impl_->opts.host.c_str(),
                 impl_->opts.port);
    return false;
  }
  return run_bound();
}

int Server::restore_file(const RestoreRequest& r, std::FILE* out) {
  if (!impl_->state) {
    std::fprintf(stderr, "kartoteka-server: --restore needs --data-dir\n");
    return 1;
  }
  if (!impl_->state->wait_ready(std::chrono::minutes(10))) {
    std::fprintf(stderr, "kartoteka-server: the workspace did not load from the database\n");
    return 1;
  }
  auto admin = impl_->state->first_admin();
  if (!admin) {
    std::fprintf(stderr, "kartoteka-server: the workspace has no active administrator to restore as\n");
    return 1;
  }
  return kt::server::restore_file(*impl_->state, *admin, r, impl_->opts.restore_max_bytes, impl_->opts.now_ms,
                                  out, stderr);
}

std::uint64_t Server::started_from_checkpoint() const {
  if (!impl_->state) return 0;
  impl_->state->wait_ready(std::chrono::minutes(10));  // over PostgreSQL it loads in the background
  return impl_->state->start_info().checkpoint;
}

void Server::stop() {
  if (impl_->state) impl_->state->shutdown();  // long polls answer at once
  for (;;) {
    {
      std::lock_guard lock(impl_->run_mu);
      impl_->stopping = true;
      if (!impl_->running || impl_->http.is_running()) break;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(1));  // run_bound is entering httplib's loop
  }
  impl_->http.stop();
  impl_->door->stop();
}

}  // namespace kt::server
