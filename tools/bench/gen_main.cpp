// kt_gen: writes a deterministic seeded benchmark workspace (tools/bench/generate.hpp).
//   kt_gen --deals 10000 [--seed 1] [--snapshot out.json] [--backup out.json] [--journal DIR] [--mutations out.jsonl]
//          [--card-fields 300 --card-timeline 10000]
//   --backup     the whole state as a backup file of the app (src/core/io/backup.hpp), for
//                kartoteka-server --restore and the restore endpoints
//   --snapshot   the whole state as one snapshot document (src/core/snapshot.hpp; also the app's
//                restored-backup base, /data/local/restored.json)
//   --journal    the app's local journal (segment files, src/storage/journal.hpp) of every mutation
//   --mutations  one mutation per line (the JSON of a push), for loading a server
//   --base       the app's stored local state (/data/local/base.bin, src/core/snapshot_binary.hpp): what a
//                browser holds once its journal has been compacted
//   --card-fields, --card-timeline   the big card of the frame-time benchmark: deal GD1 with that many more
//                custom fields (filled, in sections of its card) and a timeline of that many entries
// Same arguments, same bytes.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/backup.hpp"
#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"
#include "generate.hpp"
#include "storage/journal.hpp"

int main(int argc, char** argv) {
  kt::bench::GenOptions o;
  std::string snapshot, journal, mutations, base, backup;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--deals") o.deals = std::atoi(v.c_str());
    else if (a == "--seed") o.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--snapshot") snapshot = v;
    else if (a == "--journal") journal = v;
    else if (a == "--mutations") mutations = v;
    else if (a == "--base") base = v;
    else if (a == "--backup") backup = v;
    else if (a == "--card-fields") o.card_fields = std::atoi(v.c_str());
    else if (a == "--card-timeline") o.card_timeline = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  kt::Workspace ws;
  kt::Session s(ws, "gen", "u1");
  std::vector<kt::Mutation> log;
  s.set_sink([&](const kt::Mutation& m) { log.push_back(m); });
  kt::bench::GenStats st = kt::bench::generate(s, o);
  if (st.refused) {
    std::fprintf(stderr, "kt_gen: %zu of %zu mutations refused\n", st.refused, st.mutations);
    return 1;
  }
  if (!snapshot.empty()) {
    std::ofstream f(snapshot, std::ios::binary);
    f << kt::snapshot_json(ws, nullptr).dump();
    if (!f) return 1;
  }
  if (!backup.empty()) {
    std::ofstream f(backup, std::ios::binary);
    f << kt::io::make_backup(ws, "kt_gen", o.now_ms);
    if (!f) return 1;
  }
  if (!base.empty()) {
    std::ofstream f(base, std::ios::binary);
    f << kt::encode_workspace(ws, 0);
    if (!f) return 1;
  }
  if (!journal.empty()) {
    std::filesystem::remove_all(journal);
    kt::storage::Journal j(journal);
    j.load([](kt::Mutation&&) {});
    for (const auto& m : log)
      if (!j.append(m)) return 1;
  }
  if (!mutations.empty()) {
    std::ofstream f(mutations, std::ios::binary);
    for (const auto& m : log) f << nlohmann::json(m).dump() << '\n';
    if (!f) return 1;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "kt_gen: %d deals, %zu items, %zu mutations (seed %llu) in %.2f s\n", o.deals, st.items,
               log.size(), static_cast<unsigned long long>(o.seed), secs);
  return 0;
}
