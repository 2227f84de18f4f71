// The sync log in SQLite: the durable LogStore of a running server (table `mutations`, see
// database.cpp).
#pragma once

#include <memory>

#include "server/database.hpp"
#include "sync/log_store.hpp"

namespace kt::server {

std::unique_ptr<sync::LogStore> sqlite_log_store(std::shared_ptr<Database> db);

}  // namespace kt::server
