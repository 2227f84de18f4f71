// kt_heap: where the WebAssembly heap goes once a stored base (base.bin) is loaded. Built only by the web
// build (build/wasm/kt_heap.js, run with node: it reads the file from the real file system), so that every
// size is wasm32's. Loads the file the way the app does, reports the allocator's figures at each step, then
// an estimate of the bytes of each kind of object (sizeof + the heap blocks of long strings and vectors).
//   cmake --build build/wasm --target kt_heap
//   node --no-experimental-fetch build/wasm/kt_heap.js [--whole] build/bench/base100k.bin
// (--no-experimental-fetch: Node 20's fetch cannot load the .wasm by path, Emscripten 3.1.6 tries it first.)
// Also the time of the decode, the process's first: its code not yet optimised, its memory never touched
// (what a page of new memory costs: kt_bench pages).
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include <emscripten/emscripten.h>
#include <emscripten/heap.h>

#include "core/snapshot_binary.hpp"
#include "storage/files.hpp"

using namespace kt;

namespace {

// dlmalloc on wasm32: a block of n bytes takes n + 4 rounded up to 8, at least 16.
size_t block(size_t n) { return n == 0 ? 0 : std::max<size_t>(16, (n + 4 + 7) & ~size_t{7}); }
// libc++ (wasm32): up to 10 chars inside the string; more: a block of the capacity + 1, rounded up to 16.
size_t str_heap(const std::string& s) { return s.size() <= 10 ? 0 : block(((s.size() + 1) + 15) & ~size_t{15}); }
size_t value_heap(const Value& v) {
  if (v.is_string()) return str_heap(v.as_string());
  if (v.is_money()) return str_heap(v.as_money().currency);
  if (v.is_file()) return str_heap(v.as_file().id) + str_heap(v.as_file().name) + str_heap(v.as_file().mime);
  if (v.is_list()) {
    size_t n = block(v.as_list().capacity() * sizeof(Value));
    for (const auto& e : v.as_list()) n += value_heap(e);
    return n;
  }
  return 0;
}
size_t used() { return mallinfo().uordblks; }
void step(const char* what) {
  std::printf("%-40s malloc in use %8.1f MB   heap %8.1f MB\n", what, used() / 1048576.0,
              emscripten_get_heap_size() / 1048576.0);
}

}  // namespace

int main(int argc, char** argv) {
  // --whole: read the file into memory first, then decode it (how the app loaded it before)
  const bool whole = argc == 3 && std::string(argv[1]) == "--whole";
  if (argc != 2 && !whole) {
    std::fprintf(stderr, "usage: kt_heap [--whole] base.bin\n");
    return 2;
  }
  const char* path = argv[argc - 1];
  std::printf("sizeof: string %zu Value %zu Hlc %zu Cell %zu field %zu Item %zu TimelineEntry %zu\n",
              sizeof(std::string), sizeof(Value), sizeof(Hlc), sizeof(Cell), sizeof(std::pair<std::string, Cell>),
              sizeof(Item), sizeof(TimelineEntry));
  step("start");
  Workspace ws;
  {
    std::uint64_t tag = 0;
    Status s;
    std::string bytes;
    if (whole) {
      if (!storage::read_file(path, &bytes)) {
        std::fprintf(stderr, "kt_heap: cannot read %s\n", path);
        return 1;
      }
      step("file read whole");
      s = decode_workspace(bytes, &ws, &tag);
      step("decoded (the file still held)");
    } else {
      const double t0 = emscripten_get_now();
      if (!storage::read_workspace(path, &ws, &tag, &s)) {
        std::fprintf(stderr, "kt_heap: cannot read %s\n", path);
        return 1;
      }
      std::printf("read and decoded in %.1f ms (the process's first decode)\n", emscripten_get_now() - t0);
    }
    if (!s) {
      std::fprintf(stderr, "kt_heap: %s\n", s.message.c_str());
      return 1;
    }
  }
  step(whole ? "decoded, file freed" : "decoded from the file in chunks");
  std::printf("peak: heap %.1f MB (the heap never shrinks)\n", emscripten_get_heap_size() / 1048576.0);

  size_t packed = 0, packed_entries = 0;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id))
      if (const PackedTimeline* p = ws.packed_timeline(id)) {
        packed += block(p->bytes.capacity() + 1) + (p->more.empty() ? 0 : block(p->more.capacity() + 1));
        packed_entries += p->count;
      }
  std::printf("timelines kept packed: %zu entries in %.1f MB\n", packed_entries, packed / 1048576.0);

  size_t items = 0, cells = 0, field_ids = 0, nodes = 0, values = 0, field_vec = 0, item_rest = 0;
  size_t entries = 0, entry_struct = 0, entry_strings = 0, entry_values = 0;
  size_t rare = 0;
  for (const auto& et : ws.schema().entities)
    for (const auto& id : ws.item_ids(et.id)) {
      const Item* it = ws.item(id);
      if (!it) continue;
      ++items;
      item_rest += str_heap(it->id) + str_heap(it->entity) + str_heap(it->pipeline) + str_heap(it->created_by) +
                   str_heap(it->deleted_by);
      field_vec += block(it->fields.capacity() * sizeof(it->fields[0]));
      for (const auto& [fid, c] : it->fields) {
        ++cells;
        field_ids += str_heap(fid);
        nodes += str_heap(c.hlc.node.str());  // what a std::string per cell cost (before interning)
        values += value_heap(c.value);
      }
      const auto& tl = ws.timeline(id);
      entry_struct += block(tl.capacity() * sizeof(TimelineEntry));
      for (const auto& e : tl) {
        ++entries;
        entry_strings += str_heap(e.id) + str_heap(e.item) + str_heap(e.author) + str_heap(e.field);
        rare += str_heap(e.text) + str_heap(e.target) + str_heap(e.note) + str_heap(e.payload);
        entry_values += value_heap(e.old_value) + value_heap(e.new_value);
      }
    }
  step("every timeline decoded (the breakdown below)");
  const auto mb = [](size_t n) { return n / 1048576.0; };
  std::printf("\n%zu items, %zu cells, %zu timeline entries\n", items, cells, entries);
  std::printf("cells: field vectors (sizeof %zu each) %.1f MB, field id strings %.1f MB, Hlc node as strings "
              "would take %.1f MB (now interned), "
              "value heap %.1f MB\n",
              sizeof(std::pair<std::string, Cell>), mb(field_vec), mb(field_ids), mb(nodes), mb(values));
  std::printf("items: Item structs %.1f MB (+ hash map nodes), item strings %.1f MB\n",
              mb(items * block(sizeof(Item) + sizeof(std::string) + 8)), mb(item_rest));
  std::printf("timeline: entry vectors (sizeof %zu each) %.1f MB, id/item/author/field strings %.1f MB, "
              "text/target/note/payload %.1f MB, value heap %.1f MB\n",
              sizeof(TimelineEntry), mb(entry_struct), mb(entry_strings), mb(rare), mb(entry_values));
  return 0;
}
