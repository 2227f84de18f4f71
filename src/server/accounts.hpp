// Logins, passwords and bearer tokens of the workspace's users. Passwords are stored as libsodium
// crypto_pwhash_str hashes (Argon2id); tokens are 32 random bytes handed out once and stored only
// as a BLAKE2b hash, so that a copy of the database gives no usable token. Tokens are revocable one
// by one (logout) or per user (an administrator, a password change).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "server/database.hpp"

namespace kt::server {

class Accounts {
 public:
  // `fast_hashing` uses libsodium's minimum Argon2id cost: for tests only.
  explicit Accounts(std::shared_ptr<Database> db, bool fast_hashing = false);

  bool empty();
  // The user id of `login` when `password` is right. Takes about as long when the login is unknown.
  std::optional<std::string> check_password(const std::string& login, const std::string& password);

  enum class SetResult { Ok, LoginTaken };
  // Creates or replaces the login and password of `user`. A changed password revokes the user's
  // tokens.
  SetResult set_account(const std::string& user, const std::string& login,
                        const std::string& password);
  std::optional<std::string> login_of(const std::string& user);

  // A new token for `user`.
  std::string issue_token(const std::string& user);
  // The user of a valid (known, not revoked) token.
  std::optional<std::string> token_user(const std::string& token);
  bool revoke_token(const std::string& token);
  // Revokes every token of `user`; returns how many were valid.
  int revoke_user_tokens(const std::string& user);

 private:
  std::string hash_password(const std::string& password) const;
  // Forgets cached tokens of `user` (every one when empty). Called with the database lock held.
  void forget_tokens_of(const std::string& user);

  std::shared_ptr<Database> db_;
  bool fast_;
  std::string dummy_hash_;  // verified against for unknown logins, so that timing does not tell
  // Valid tokens already looked up (token hash -> user): every request is authenticated, and the
  // database lock is held by a push while it waits for its fsync. Entries are added and removed
  // only under the database lock, so that a revocation cannot race with a lookup that re-adds one.
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, std::string> valid_tokens_;
};

// Hex of BLAKE2b-256 of `data`.
std::string hash_hex(const std::string& data);
// `n` random bytes as URL-safe base64 without padding.
std::string random_token(size_t n);

}  // namespace kt::server
