#include "ui/redraw.hpp"

#include <algorithm>
#include <vector>

namespace kt::ui {

namespace {
std::vector<double> g_deadlines;  // a handful at most (one per visible toast)
bool g_animating = false;
}  // namespace

void request_redraw_at(double time) { g_deadlines.push_back(time); }
void request_animation() { g_animating = true; }

double next_redraw_time(double now) {
  g_deadlines.erase(std::remove_if(g_deadlines.begin(), g_deadlines.end(), [&](double t) { return t <= now; }),
                    g_deadlines.end());
  if (g_deadlines.empty()) return -1;
  return *std::min_element(g_deadlines.begin(), g_deadlines.end());
}

bool take_animation_request() {
  bool a = g_animating;
  g_animating = false;
  return a;
}

}  // namespace kt::ui
