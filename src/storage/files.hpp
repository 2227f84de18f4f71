// Small POSIX file helpers shared by the journal and the snapshot store. They work the same natively and on
// Emscripten's MEMFS/IDBFS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kt::storage {

bool make_dirs(const std::string& dir);
bool read_file(const std::string& path, std::string* out);
// Writes `name.tmp` then renames it over `path`, so a crash never leaves a half-written file in place.
bool write_file_atomic(const std::string& path, const std::string& content);
// The same with the content in pieces (written one after the other, never joined in memory).
bool write_file_atomic(const std::string& path, const std::vector<std::string_view>& parts);
std::vector<std::string> list_dir(const std::string& dir);
// Deletes a folder's files (not recursively into sub-folders' sub-folders beyond one level).
bool remove_tree(const std::string& dir);

}  // namespace kt::storage
