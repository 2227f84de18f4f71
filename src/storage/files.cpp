#include "storage/files.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

#include "core/snapshot_binary.hpp"

namespace kt::storage {

bool make_dirs(const std::string& dir) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      if (!partial.empty() && ::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
    if (i < dir.size()) partial += dir[i];
  }
  return true;
}

bool read_file(const std::string& path, std::string* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  out->clear();
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  std::fclose(f);
  return true;
}

bool read_workspace(const std::string& path, Workspace* ws, std::uint64_t* tag, Status* status) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  long size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) size = std::ftell(f);
  if (size < 0 || std::fseek(f, 0, SEEK_SET) != 0) {
    std::fclose(f);
    *status = Status::Fail("io_error", "cannot read " + path);
    return true;
  }
  const ByteSource source = [f](char* out, size_t n) { return std::fread(out, 1, n, f); };
  *status = decode_workspace(source, static_cast<std::uint64_t>(size), ws, tag);
  std::fclose(f);
  return true;
}

namespace {

// Writes `name.tmp` with `write`, then renames it over `path`.
bool write_atomic(const std::string& path, const std::function<bool(FILE*)>& write) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  bool ok = write(f) && std::fflush(f) == 0;
  ok = std::fclose(f) == 0 && ok;
#ifdef __EMSCRIPTEN__
  // Emscripten 3.1.6's FS.rename over an existing file leaves the replaced node in the FS's name table: it
  // is found again, with its old contents, once the file that replaced it is unlinked (and it holds those
  // contents in memory until then). The connected store deletes its shards when it starts over from a new
  // base, and the next write of a shard read the shard's contents from before the base back (sync test
  // "the connected store starts over..."). Unlinking first removes the node properly; in memory, the
  // rename cannot fail halfway, and IndexedDB gets the result in one transaction anyway.
  if (ok) std::remove(path.c_str());
#endif
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

bool write_file_atomic(const std::string& path, const std::string& content) {
  return write_file_atomic(path, std::vector<std::string_view>{content});
}

bool write_file_atomic(const std::string& path, const std::vector<std::string_view>& parts) {
  return write_atomic(path, [&](FILE* f) {
    for (const auto& part : parts)
      if (std::fwrite(part.data(), 1, part.size(), f) != part.size()) return false;
    return true;
  });
}

bool write_workspace(const std::string& path, const Workspace& ws, std::uint64_t tag) {
  return write_atomic(path, [&](FILE* f) {
    return encode_workspace(ws, tag, [f](std::string_view b) { return std::fwrite(b.data(), 1, b.size(), f) == b.size(); });
  });
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) out.push_back(e->d_name);
    ::closedir(d);
  }
  return out;
}

bool remove_tree(const std::string& dir) {
  bool ok = true;
  for (const auto& name : list_dir(dir)) {
    const std::string p = dir + "/" + name;
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) ok = remove_tree(p) && ok;
    else ok = std::remove(p.c_str()) == 0 && ok;
  }
  ::rmdir(dir.c_str());
  return ok;
}

}  // namespace kt::storage
