// Small POSIX file helpers shared by the journal and the snapshot store. They work the same natively and on
// Emscripten's MEMFS/IDBFS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace kt {
class Workspace;
}

namespace kt::storage {

bool make_dirs(const std::string& dir);
bool read_file(const std::string& path, std::string* out);
// Decodes a stored base (core/snapshot_binary.hpp) from the file in chunks, never holding the whole file
// (100k deals: 87 MB). False when the file cannot be opened; else *status says whether it decoded.
bool read_workspace(const std::string& path, Workspace* ws, std::uint64_t* tag, Status* status);
// Writes `name.tmp` then renames it over `path`, so a crash never leaves a half-written file in place.
bool write_file_atomic(const std::string& path, const std::string& content);
// The same with the content in pieces (written one after the other, never joined in memory).
bool write_file_atomic(const std::string& path, const std::vector<std::string_view>& parts);
// Stores a workspace (core/snapshot_binary.hpp) the same way, encoding it straight into the file in pieces
// (never the whole file in memory).
bool write_workspace(const std::string& path, const Workspace& ws, std::uint64_t tag);
std::vector<std::string> list_dir(const std::string& dir);
// Deletes a folder's files (not recursively into sub-folders' sub-folders beyond one level).
bool remove_tree(const std::string& dir);

}  // namespace kt::storage
