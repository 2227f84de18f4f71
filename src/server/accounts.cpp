#include "server/accounts.hpp"

#include <arpa/inet.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace kt::server {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string hash_hex(const std::string& data) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     nullptr, 0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string random_token(size_t n) {
  std::string bytes(n, '\0');
  randombytes_buf(bytes.data(), n);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), n,
                    variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

Accounts::Accounts(std::shared_ptr<Database> db, AccountOptions opts)
    : db_(std::move(db)), opts_(std::move(opts)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  slots_free_ = opts_.hash_slots > 0
                    ? opts_.hash_slots
                    : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 16);
  // A token's last use is written at most once an hour (or a tenth of the idle time): it may then
  // expire up to that much early after a restart, and a busy client costs no write per request.
  touch_ms_ = std::clamp<std::int64_t>(opts_.token_idle_ms / 10, 1, 3600 * 1000);
  dummy_hash_ = hash_password(random_token(16));
}

std::int64_t Accounts::now() const {
  return opts_.now_ms ? opts_.now_ms() : now_ms();
}

std::string Accounts::hash_password(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  const auto ops =
      opts_.fast_hashing ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const auto mem =
      opts_.fast_hashing ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

// Each Argon2id hash takes its full memory cost (64 MiB) while it runs: unbounded, a burst of
// logins (64 at once took 3.65 GiB) would take more memory than the machine has.
bool Accounts::acquire_slot(int wait_ms) {
  std::unique_lock lock(slots_mu_);
  auto free = [&] { return slots_free_ > 0; };
  if (wait_ms < 0)
    slots_cv_.wait(lock, free);
  else if (!slots_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), free))
    return false;
  --slots_free_;
  hashing_peak_ = std::max(hashing_peak_, ++hashing_);
  return true;
}

void Accounts::release_slot() {
  {
    std::lock_guard lock(slots_mu_);
    ++slots_free_;
    --hashing_;
  }
  slots_cv_.notify_one();
}

int Accounts::hashing_peak() const {
  std::lock_guard lock(slots_mu_);
  return hashing_peak_;
}

bool Accounts::empty() {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT COUNT(*) FROM accounts");
  s.step();
  return s.integer(0) == 0;
}

Accounts::Check Accounts::check_password(const std::string& login, const std::string& password,
                                         std::string* user) {
  std::optional<std::string> found;
  std::string hash = dummy_hash_;
  {
    std::lock_guard lock(db_->mutex());
    Statement s(*db_, "SELECT \"user\", pwhash FROM accounts WHERE lower(login) = lower(?)");
    s.bind(1, login);
    if (s.step()) {
      found = s.text(0);
      hash = s.text(1);
    }
  }
  // Hashing is slow on purpose: done outside the database lock, in one of the few slots.
  if (!acquire_slot(opts_.hash_wait_ms)) return Check::Busy;
  struct Release {
    Accounts& a;
    ~Release() { a.release_slot(); }
  } release{*this};
  if (opts_.while_hashing) opts_.while_hashing();
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!ok || !found) return Check::Wrong;
  *user = std::move(*found);
  return Check::Ok;
}

Accounts::SetResult Accounts::set_account(const std::string& user, const std::string& login,
                                          const std::string& password) {
  std::string hash;
  {
    // An administrator's request: it waits for its slot rather than fail.
    acquire_slot(-1);
    struct Release {
      Accounts& a;
      ~Release() { a.release_slot(); }
    } release{*this};
    hash = hash_password(password);
  }
  std::lock_guard lock(db_->mutex());
  Database::Transaction tx(*db_);
  {
    Statement taken(*db_, "SELECT \"user\" FROM accounts WHERE lower(login) = lower(?) AND \"user\" <> ?");
    taken.bind(1, login).bind(2, user);
    if (taken.step()) return SetResult::LoginTaken;
  }
  Statement put(*db_,
                "INSERT INTO accounts(\"user\", login, pwhash, updated) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(\"user\") DO UPDATE SET login = excluded.login, pwhash = excluded.pwhash, "
                "updated = excluded.updated");
  put.bind(1, user).bind(2, login).bind(3, hash).bind(4, now_ms()).run();
  // A new password ends every session opened with the old one.
  Statement revoke(*db_, "DELETE FROM tokens WHERE \"user\" = ?");
  revoke.bind(1, user).run();
  tx.commit();
  forget_tokens_of(user);
  return SetResult::Ok;
}

std::optional<std::string> Accounts::login_of(const std::string& user) {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT login FROM accounts WHERE \"user\" = ?");
  s.bind(1, user);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::vector<std::pair<std::string, std::string>> Accounts::logins() {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT \"user\", login FROM accounts ORDER BY \"user\"");
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

std::string Accounts::issue_token(const std::string& user) {
  const std::string token = random_token(32);
  const std::int64_t t = now();
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "INSERT INTO tokens(hash, \"user\", created, used) VALUES(?, ?, ?, ?)");
  s.bind(1, hash_hex(token)).bind(2, user).bind(3, t).bind(4, t).run();
  return token;
}

std::optional<std::string> Accounts::token_user(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  const std::string hash = hash_hex(token);
  const std::int64_t t = now();
  {
    std::shared_lock cache(cache_mu_);
    if (auto it = valid_tokens_.find(hash);
        it != valid_tokens_.end() && t - it->second.used < touch_ms_ &&
        (opts_.token_recheck_ms < 0 || t - it->second.checked < opts_.token_recheck_ms))
      return it->second.user;
  }
  // Not looked up yet, or its last use is to be renewed (or it has expired).
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT \"user\", used FROM tokens WHERE hash = ? AND revoked = 0");
  s.bind(1, hash);
  if (!s.step()) {
    std::unique_lock cache(cache_mu_);
    valid_tokens_.erase(hash);
    return std::nullopt;
  }
  std::string user = s.text(0);
  std::int64_t used = s.integer(1);
  if (t - used > opts_.token_idle_ms) {
    Statement del(*db_, "DELETE FROM tokens WHERE hash = ?");
    del.bind(1, hash).run();
    std::unique_lock cache(cache_mu_);
    valid_tokens_.erase(hash);
    return std::nullopt;
  }
  if (t - used >= touch_ms_) {
    Statement touch(*db_, "UPDATE tokens SET used = ? WHERE hash = ?");
    touch.bind(1, t).bind(2, hash).run();
    used = t;
  }
  std::unique_lock cache(cache_mu_);
  valid_tokens_[hash] = Cached{user, used, t};
  return user;
}

bool Accounts::revoke_token(const std::string& token) {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "DELETE FROM tokens WHERE hash = ?");
  const std::string hash = hash_hex(token);
  s.bind(1, hash).run();
  {
    std::unique_lock cache(cache_mu_);
    valid_tokens_.erase(hash);
  }
  return s.changes() > 0;
}

int Accounts::revoke_user_tokens(const std::string& user) {
  const std::int64_t t = now();
  std::lock_guard lock(db_->mutex());
  Statement valid(*db_, "SELECT COUNT(*) FROM tokens WHERE \"user\" = ? AND revoked = 0 AND used >= ?");
  valid.bind(1, user).bind(2, t - opts_.token_idle_ms).step();
  const int n = static_cast<int>(valid.integer(0));
  Statement s(*db_, "DELETE FROM tokens WHERE \"user\" = ?");
  s.bind(1, user).run();
  forget_tokens_of(user);
  return n;
}

std::vector<std::string> Accounts::token_users() {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT DISTINCT \"user\" FROM tokens");
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

int Accounts::purge_tokens() {
  const std::int64_t t = now();
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "DELETE FROM tokens WHERE revoked <> 0 OR used < ?");
  s.bind(1, t - opts_.token_idle_ms).run();
  const int n = s.changes();
  // Cached entries of the deleted rows fail their next renewal; dropping them all is simpler.
  if (n > 0) forget_tokens_of("");
  return n;
}

void Accounts::forget_tokens_of(const std::string& user) {
  std::unique_lock cache(cache_mu_);
  std::erase_if(valid_tokens_,
                [&](const auto& e) { return user.empty() || e.second.user == user; });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] LoginLimiter
// ---------------------------------------------------------------------------------------------------------

std::string LoginLimiter::address_key(const std::string& remote_addr) {
  unsigned char a[16];
  if (remote_addr.find(':') == std::string::npos ||
      ::inet_pton(AF_INET6, remote_addr.c_str(), a) != 1)
    return remote_addr;
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, mapped, sizeof mapped) == 0) {
    char v4[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, a + 12, v4, sizeof v4)) return v4;
  }
  std::memset(a + 8, 0, 8);
  char v6[INET6_ADDRSTRLEN];
  if (!::inet_ntop(AF_INET6, a, v6, sizeof v6)) return remote_addr;
  return std::string(v6) + "/64";
}

namespace {

// Logins compare without regard to ASCII case (COLLATE NOCASE); longer ones than any login can be
// are counted under their first 64 bytes.
std::string login_key(const std::string& login) {
  std::string k = "l:" + login.substr(0, 64);
  for (char& c : k)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return k;
}

}  // namespace

LoginLimiter::Entry& LoginLimiter::entry(const std::string& key, std::int64_t now) {
  if (entries_.size() >= limits_.max_keys && !entries_.count(key)) prune(now);
  return entries_[key];
}

void LoginLimiter::prune(std::int64_t now) {
  std::erase_if(entries_, [&](const auto& e) {
    return now >= e.second.until && now - e.second.last > limits_.window_ms;
  });
  const size_t keep = std::max<size_t>(1, limits_.max_keys / 2);
  if (entries_.size() <= keep) return;
  // An attacker filling the table with new keys: keep the half that failed most recently (at least
  // half goes, so that this full pass comes once per max_keys / 2 new keys).
  std::vector<std::int64_t> lasts;
  lasts.reserve(entries_.size());
  for (const auto& e : entries_) lasts.push_back(e.second.last);
  auto mid = lasts.begin() + static_cast<std::ptrdiff_t>(lasts.size() - keep);
  std::nth_element(lasts.begin(), mid, lasts.end());
  const std::int64_t cut = *mid;
  std::erase_if(entries_, [&](const auto& e) { return e.second.last < cut; });
  // Many keys of that very time: any of them go until there is room.
  for (auto it = entries_.begin(); entries_.size() > keep && it != entries_.end();)
    it = it->second.last == cut ? entries_.erase(it) : std::next(it);
}

std::int64_t LoginLimiter::begin(const std::string& address, const std::string& login,
                                 std::int64_t now) {
  const std::string keys[2] = {login_key(login), "a:" + address_key(address)};
  const int free[2] = {limits_.login_free, limits_.address_free};
  std::lock_guard lock(mu_);
  std::int64_t wait = 0;
  for (const auto& k : keys) {
    auto it = entries_.find(k);
    if (it == entries_.end()) continue;
    if (now >= it->second.until && now - it->second.last > limits_.window_ms) {
      entries_.erase(it);
      continue;
    }
    wait = std::max(wait, it->second.until - now);
  }
  if (wait > 0) return wait;
  for (int i = 0; i < 2; ++i) {
    Entry& e = entry(keys[i], now);
    ++e.failures;
    e.last = now;
    if (e.failures > free[i]) {
      std::int64_t delay = limits_.first_delay_ms;
      for (int k = free[i] + 1; k < e.failures && delay < limits_.max_delay_ms; ++k) delay *= 2;
      e.until = now + std::min(limits_.max_delay_ms, delay);
    }
  }
  return 0;
}

void LoginLimiter::uncount(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  const int free = key[0] == 'l' ? limits_.login_free : limits_.address_free;
  if (--it->second.failures <= free) it->second.until = 0;
  if (it->second.failures <= 0) entries_.erase(it);
}

void LoginLimiter::succeeded(const std::string& address, const std::string& login) {
  std::lock_guard lock(mu_);
  entries_.erase(login_key(login));
  uncount("a:" + address_key(address));
}

void LoginLimiter::cancelled(const std::string& address, const std::string& login) {
  std::lock_guard lock(mu_);
  uncount(login_key(login));
  uncount("a:" + address_key(address));
}

size_t LoginLimiter::keys() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace kt::server
