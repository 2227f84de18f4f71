// The sync log in SQLite: the durable LogStore of a running server (table `mutations`, see
// database.cpp). Its checkpoint is a file next to the database (`checkpoint_path`), replaced
// atomically (written beside it, synced, renamed): a large blob rewritten now and then has no place
// in the WAL that every push goes through.
#pragma once

#include <memory>
#include <string>

#include "server/database.hpp"
#include "sync/log_store.hpp"

namespace kt::server {

std::unique_ptr<sync::LogStore> sqlite_log_store(std::shared_ptr<Database> db,
                                                 std::string checkpoint_path);

}  // namespace kt::server
