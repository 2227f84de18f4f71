#include "server/accounts.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>

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

Accounts::Accounts(std::shared_ptr<Database> db, bool fast_hashing)
    : db_(std::move(db)), fast_(fast_hashing) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
  dummy_hash_ = hash_password(random_token(16));
}

std::string Accounts::hash_password(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  const auto ops = fast_ ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const auto mem = fast_ ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool Accounts::empty() {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT COUNT(*) FROM accounts");
  s.step();
  return s.integer(0) == 0;
}

std::optional<std::string> Accounts::check_password(const std::string& login,
                                                    const std::string& password) {
  std::optional<std::string> user;
  std::string hash = dummy_hash_;
  {
    std::lock_guard lock(db_->mutex());
    Statement s(*db_, "SELECT user, pwhash FROM accounts WHERE login = ?");
    s.bind(1, login);
    if (s.step()) {
      user = s.text(0);
      hash = s.text(1);
    }
  }
  // Hashing is slow on purpose: done outside the database lock.
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  if (!ok) return std::nullopt;
  return user;
}

Accounts::SetResult Accounts::set_account(const std::string& user, const std::string& login,
                                          const std::string& password) {
  const std::string hash = hash_password(password);
  std::lock_guard lock(db_->mutex());
  Database::Transaction tx(*db_);
  {
    Statement taken(*db_, "SELECT user FROM accounts WHERE login = ? AND user <> ?");
    taken.bind(1, login).bind(2, user);
    if (taken.step()) return SetResult::LoginTaken;
  }
  Statement put(*db_,
                "INSERT INTO accounts(user, login, pwhash, updated) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(user) DO UPDATE SET login = excluded.login, pwhash = excluded.pwhash, "
                "updated = excluded.updated");
  put.bind(1, user).bind(2, login).bind(3, hash).bind(4, now_ms()).run();
  // A new password ends every session opened with the old one.
  Statement revoke(*db_, "UPDATE tokens SET revoked = 1 WHERE user = ? AND revoked = 0");
  revoke.bind(1, user).run();
  tx.commit();
  forget_tokens_of(user);
  return SetResult::Ok;
}

std::optional<std::string> Accounts::login_of(const std::string& user) {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT login FROM accounts WHERE user = ?");
  s.bind(1, user);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::string Accounts::issue_token(const std::string& user) {
  const std::string token = random_token(32);
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "INSERT INTO tokens(hash, user, created) VALUES(?, ?, ?)");
  s.bind(1, hash_hex(token)).bind(2, user).bind(3, now_ms()).run();
  return token;
}

std::optional<std::string> Accounts::token_user(const std::string& token) {
  if (token.empty() || token.size() > 200) return std::nullopt;
  const std::string hash = hash_hex(token);
  {
    std::shared_lock cache(cache_mu_);
    if (auto it = valid_tokens_.find(hash); it != valid_tokens_.end()) return it->second;
  }
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "SELECT user FROM tokens WHERE hash = ? AND revoked = 0");
  s.bind(1, hash);
  if (!s.step()) return std::nullopt;
  std::string user = s.text(0);
  std::unique_lock cache(cache_mu_);
  valid_tokens_[hash] = user;
  return user;
}

bool Accounts::revoke_token(const std::string& token) {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "UPDATE tokens SET revoked = 1 WHERE hash = ? AND revoked = 0");
  const std::string hash = hash_hex(token);
  s.bind(1, hash).run();
  {
    std::unique_lock cache(cache_mu_);
    valid_tokens_.erase(hash);
  }
  return s.changes() > 0;
}

int Accounts::revoke_user_tokens(const std::string& user) {
  std::lock_guard lock(db_->mutex());
  Statement s(*db_, "UPDATE tokens SET revoked = 1 WHERE user = ? AND revoked = 0");
  s.bind(1, user).run();
  forget_tokens_of(user);
  return s.changes();
}

void Accounts::forget_tokens_of(const std::string& user) {
  std::unique_lock cache(cache_mu_);
  std::erase_if(valid_tokens_, [&](const auto& e) { return user.empty() || e.second == user; });
}

}  // namespace kt::server
