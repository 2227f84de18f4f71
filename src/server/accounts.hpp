// Logins, passwords and bearer tokens of the workspace's users. Passwords are stored as libsodium
// crypto_pwhash_str hashes (Argon2id); tokens are 32 random bytes handed out once and stored only
// as a BLAKE2b hash, so that a copy of the database gives no usable token. Tokens are revocable one
// by one (logout) or per user (an administrator, a password change, a deactivation), and expire
// when unused for a while. Password guessing is slowed by LoginLimiter.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/database.hpp"

namespace kt::server {

struct AccountOptions {
  bool fast_hashing = false;  // libsodium's minimum Argon2id cost: for tests only
  // Argon2id hashes that may run at once (each takes 64 MiB at the interactive cost); 0: one per
  // core, at most 16.
  int hash_slots = 0;
  // How long a login waits for a free slot before it is told to come back (Check::Busy).
  int hash_wait_ms = 2000;
  // A token unused for this long is expired (sliding: every use renews it).
  std::int64_t token_idle_ms = 30LL * 24 * 3600 * 1000;
  std::function<std::int64_t()> now_ms;  // wall clock in ms; the system clock when empty
  // Valid tokens are remembered between uses (renewed in the database once per interval). When several
  // servers share the database (PostgreSQL) another one may revoke a token at any moment: a remembered
  // token is then looked up again once it is this old (ms), which bounds how long a revocation on another
  // server takes to reach this one. Negative: only this server revokes (SQLite), never looked up again.
  std::int64_t token_recheck_ms = -1;
  // Tests: called by a password check while it holds a hashing slot.
  std::function<void()> while_hashing;
};

class Accounts {
 public:
  explicit Accounts(std::shared_ptr<Database> db, AccountOptions opts = {});

  bool empty();
  enum class Check { Ok, Wrong, Busy };
  // Ok (with the user id in *user) when `password` is right for `login`; Busy when no hashing slot
  // came free in time. Takes about as long when the login is unknown.
  Check check_password(const std::string& login, const std::string& password, std::string* user);

  enum class SetResult { Ok, LoginTaken };
  // Creates or replaces the login and password of `user`. A changed password revokes the user's
  // tokens.
  SetResult set_account(const std::string& user, const std::string& login,
                        const std::string& password);
  std::optional<std::string> login_of(const std::string& user);
  // Every (user, login), by user id.
  std::vector<std::pair<std::string, std::string>> logins();

  // A new token for `user`.
  std::string issue_token(const std::string& user);
  // The user of a valid (known, not revoked, not expired) token; renews its idle time.
  std::optional<std::string> token_user(const std::string& token);
  bool revoke_token(const std::string& token);
  // Revokes every token of `user`; returns how many were valid.
  int revoke_user_tokens(const std::string& user);
  // The users that have tokens.
  std::vector<std::string> token_users();
  // Deletes the rows of expired tokens and those an older server kept revoked; returns how many.
  int purge_tokens();

  // The most password hashes that ran at once so far (tests).
  int hashing_peak() const;

 private:
  std::string hash_password(const std::string& password) const;
  std::int64_t now() const;
  // Waits up to `wait_ms` (forever when negative) for a hashing slot.
  bool acquire_slot(int wait_ms);
  void release_slot();
  // Forgets cached tokens of `user` (every one when empty). Called with the database lock held.
  void forget_tokens_of(const std::string& user);

  std::shared_ptr<Database> db_;
  AccountOptions opts_;
  std::string dummy_hash_;  // verified against for unknown logins, so that timing does not tell
  // Renewing a token's last use costs a write: done once per this interval at most.
  std::int64_t touch_ms_;

  mutable std::mutex slots_mu_;
  std::condition_variable slots_cv_;
  int slots_free_ = 0;
  int hashing_ = 0;
  int hashing_peak_ = 0;

  // Valid tokens already looked up (token hash -> user and last use as written): every request is
  // authenticated, and the database lock is held by a push while it waits for its fsync. Entries
  // are added and removed only under the database lock, so that a revocation cannot race with a
  // lookup that re-adds one.
  struct Cached {
    std::string user;
    std::int64_t used = 0;
    std::int64_t checked = 0;  // when it was read from the database
  };
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Cached> valid_tokens_;
};

// Failed logins per client address and per login name, for slowing password guessing. Each key
// may fail a few times freely within the window; then every further failure makes it wait before
// the next attempt, twice as long each time (up to a cap). A successful login clears its login's
// failures (not the address's: one known password must not unlock guessing the others). A key is
// forgotten a window after its last failure once its wait is over. Memory is bounded: past
// `max_keys` the forgettable keys go, then the half that failed least recently.
class LoginLimiter {
 public:
  struct Limits {
    int login_free = 5;     // failures of one login before it waits
    int address_free = 20;  // failures from one address (any logins) before it waits
    std::int64_t window_ms = 3600 * 1000;
    std::int64_t first_delay_ms = 1000;
    std::int64_t max_delay_ms = 15 * 60 * 1000;
    size_t max_keys = 100000;
  };
  explicit LoginLimiter(Limits limits) : limits_(limits) {}

  // Before a password is checked: 0 when it may be now (the attempt is then counted as a failure
  // until succeeded() or cancelled() says otherwise: parallel attempts cannot slip past the count);
  // otherwise how many ms until it may.
  std::int64_t begin(const std::string& address, const std::string& login, std::int64_t now);
  void succeeded(const std::string& address, const std::string& login);
  // The password was not checked after all (the server was busy).
  void cancelled(const std::string& address, const std::string& login);
  size_t keys() const;

  // The address a client is counted under: IPv6 clients by their /64 (one host usually has the
  // whole block), IPv4 (also mapped into IPv6) as they are.
  static std::string address_key(const std::string& remote_addr);

 private:
  struct Entry {
    int failures = 0;
    std::int64_t last = 0;   // the last counted attempt
    std::int64_t until = 0;  // no attempt before this
  };
  Entry& entry(const std::string& key, std::int64_t now);
  void uncount(const std::string& key);
  void prune(std::int64_t now);

  const Limits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

// Hex of BLAKE2b-256 of `data`.
std::string hash_hex(const std::string& data);
// `n` random bytes as URL-safe base64 without padding.
std::string random_token(size_t n);

}  // namespace kt::server
