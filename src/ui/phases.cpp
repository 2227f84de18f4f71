#include "ui/phases.hpp"

#ifdef KT_PHASES
#include <chrono>
#include <cstdio>
#include <cstring>

namespace kt::ui::phase {
namespace {
using Clock = std::chrono::steady_clock;
struct Slot {
  const char* name;  // string literals: compared by content, the same literal may differ across units
  double ms;
  int n;
};
constexpr int kSlots = 64;
Slot g_times[kSlots], g_counts[kSlots];
int g_ntimes = 0, g_ncounts = 0;
Clock::time_point g_start, g_last;
unsigned long g_frame = 0;

Slot* find(Slot* slots, int& used, const char* name) {
  for (int i = 0; i < used; ++i)
    if (std::strcmp(slots[i].name, name) == 0) return &slots[i];
  if (used == kSlots) return nullptr;
  slots[used] = {name, 0.0, 0};
  return &slots[used++];
}
}  // namespace

void begin_frame() {
  g_ntimes = g_ncounts = 0;
  g_start = g_last = Clock::now();
}

void mark(const char* name) {
  const Clock::time_point now = Clock::now();
  if (Slot* s = find(g_times, g_ntimes, name)) {
    s->ms += std::chrono::duration<double, std::milli>(now - g_last).count();
    ++s->n;
  }
  g_last = Clock::now();  // the mark's own cost is nobody's
}

void count(const char* name, int n) {
  if (Slot* s = find(g_counts, g_ncounts, name)) s->n += n;
}

void end_frame(double slow_ms, bool drawn) {
  ++g_frame;
  const double total = std::chrono::duration<double, std::milli>(Clock::now() - g_start).count();
  if (total < slow_ms) return;
  char line[2048];
  int at = std::snprintf(line, sizeof line, "slow frame %lu: %.2f ms%s:", g_frame, total, drawn ? "" : " (not drawn)");
  for (int i = 0; i < g_ntimes && at < static_cast<int>(sizeof line) - 64; ++i)
    if (g_times[i].ms >= 0.05)
      at += std::snprintf(line + at, sizeof line - static_cast<size_t>(at), " %s %.2f%s", g_times[i].name, g_times[i].ms,
                          g_times[i].n > 1 ? "*" : "");
  for (int i = 0; i < g_ncounts && at < static_cast<int>(sizeof line) - 64; ++i)
    at += std::snprintf(line + at, sizeof line - static_cast<size_t>(at), " #%s=%d", g_counts[i].name, g_counts[i].n);
  std::fprintf(stderr, "%s\n", line);
}

}  // namespace kt::ui::phase
#endif
