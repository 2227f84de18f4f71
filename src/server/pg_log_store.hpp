// The sync log in PostgreSQL (issue 24): the LogStore of servers that share one database. The log,
// restores and the checkpoint are tables (pg.cpp); a write takes the workspace's advisory lock in its
// transaction, so that the log is totally ordered whichever server appends; a committed write notifies
// every server listening (LISTEN/NOTIFY), which then reads the records it has not seen.
#pragma once

#include <memory>
#include <string>

#include "sync/log_store.hpp"

namespace kt::server {

// Throws std::runtime_error when the database cannot be reached (Database::postgres creates the
// tables first).
std::unique_ptr<sync::LogStore> pg_log_store(const std::string& url);

}  // namespace kt::server
