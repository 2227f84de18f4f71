#include "merge.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/snapshot.hpp"
#include "core/snapshot_binary.hpp"

namespace kt::bench {

using nlohmann::json;

MergeStream::MergeStream(const Workspace& ws) : ids_(ws.item_ids("deal")) {}

void MergeStream::next(int updates, std::vector<Mutation>* out) {
  out->resize(updates);
  for (int i = 0; i < updates; ++i) {
    Mutation& m = (*out)[i];
    m.client = "remote";
    m.seq = ++seq_;
    m.author = "u1";
    m.time_ms = now_;
    m.hlc = remote_.tick(now_);
    m.cmd = SetField{ids_[i % ids_.size()], (i & 1) ? "UF_CRM_NOTE" : "UF_CRM_BUDGET",
                     (i & 1) ? Value("note " + std::to_string(seq_)) : Value(double(seq_)), {}};
  }
}

size_t apply_all(Workspace& ws, const std::vector<Mutation>& ms) {
  size_t failed = 0;
  for (const auto& m : ms)
    if (!ws.apply(m)) ++failed;
  return failed;
}

std::vector<std::string> pull_pages(const Workspace& ws, size_t n, Pages form, int run) {
  const auto& ids = ws.item_ids("deal");
  n = std::min(n, ids.size());
  std::vector<std::string> pages;
  const std::string* all = nullptr;
  json page = {{"cursor", "x"}, {"more", true}, {"reset", false}, {"removed", json::array()},
               {"lastMutationIds", json::object()}};
  if (form == Pages::kJsonWhole) {
    page["items"] = json::array();
    for (size_t i = 0; i < n; ++i) {
      page["items"].push_back(item_json(ws, *ws.item(ids[i]), all, 0));
      if (page["items"].size() == 2000 || i + 1 == n) {
        pages.push_back(page.dump());
        page["items"] = json::array();
      }
    }
    return pages;
  }
  // As the server writes a page for a client that holds the items (sync/server_state.cpp, pull): each item's
  // changes, i.e. the cells the stream's client wrote and the timeline entry of its `run`-th write, with the
  // server version it would have (the stream writes deal i % deals: with as many updates as deals, each of
  // its runs wrote one entry per deal).
  ItemBlockWriter block(ws.schema(), all);
  const std::vector<std::string> none;
  std::vector<TimelineEntry> after(1);
  const std::uint64_t first_ver = (std::uint64_t{1} << 40) + static_cast<std::uint64_t>(run) * n;
  for (size_t i = 0; i < n; ++i) {
    const Item& it = *ws.item(ids[i]);
    int seen = 0;
    for (const auto& e : ws.timeline(ids[i]))
      if (e.id.rfind("remote:", 0) == 0 && seen++ == run) after[0] = e;
    if (seen <= run) throw std::runtime_error("pull_pages: the stream made fewer runs");
    after[0].ver = first_ver + i + 1;
    block.add_changes(
        it, after, 0, [&](const std::string& fid) { return it.cell(fid)->hlc.node.str() == "remote"; }, none, false);
    if (block.count() == 10000 || i + 1 == n) {
      page["timelineFrom"] = first_ver;
      pages.push_back(binary_pull_page(page.dump(), block.finish()));
    }
  }
  return pages;
}

Status load_synced_client(std::string_view base, Workspace* out) {
  Workspace ws;
  if (Status st = decode_workspace(base, &ws, nullptr); !st) return st;
  ws.unpack_all();
  // Versions in the order the entries were made: every entry's is below those of the stream's pages.
  std::uint64_t ver = 0;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id))
      for (const auto& e : ws.timeline(id))
        if (!e.ver) ws.confirm_entries(id, e.id, ++ver);
  const std::string synced = encode_workspace(ws, 0);
  ws = Workspace();
  return decode_workspace(synced, out, nullptr);
}

bool apply_pages(sync::Replica& replica, const std::vector<std::string>& pages, double (*now_ms)(),
                 double* parse_ms, double* apply_ms) {
  for (const auto& body : pages) {
    sync::PullPage p;
    const double t0 = now_ms();
    if (!sync::parse_pull(body, &p)) return false;
    const double t1 = now_ms();
    replica.apply(std::move(p));
    *parse_ms += t1 - t0;
    *apply_ms += now_ms() - t1;
  }
  return true;
}

}  // namespace kt::bench
