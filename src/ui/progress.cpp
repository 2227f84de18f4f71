#include "ui/progress.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ui/redraw.hpp"
#include "ui/semantics.hpp"
#include "ui/theme.hpp"

namespace kt::ui {

namespace {

struct Operation {
  std::string label;
  float fraction;  // < 0: unknown
};
std::vector<Operation> g_ops;

}  // namespace

void progress(const std::string& label, float fraction) {
  if (std::isnan(fraction)) fraction = -1;
  fraction = fraction < 0 ? -1.0f : std::min(fraction, 1.0f);
  for (auto& op : g_ops)
    if (op.label == label) {
      op.fraction = fraction;
      return;
    }
  g_ops.push_back(Operation{label, fraction});
}

void progress_end(const std::string& label) {
  g_ops.erase(std::remove_if(g_ops.begin(), g_ops.end(), [&](const Operation& op) { return op.label == label; }),
              g_ops.end());
}

int progress_count() { return static_cast<int>(g_ops.size()); }

void draw_progress() {
  if (g_ops.empty()) return;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  // Bottom left, stacked upwards: clear of the top bar, the banners under it and the toasts (bottom right).
  const float w = std::min(px(420), display.x - px(32));
  float bottom = display.y - px(20);
  ImGui::PushFont(fonts().small);
  const float line = ImGui::GetTextLineHeight();
  for (size_t i = 0; i < g_ops.size(); ++i) {
    const Operation& op = g_ops[i];
    const bool known = op.fraction >= 0;
    const float h = px(14) + line + px(10) + px(6) + px(14);
    const ImVec2 a(px(20), bottom - h);
    const ImVec2 b(a.x + w, bottom);
    dl->AddRectFilled(ImVec2(a.x, a.y + px(2)), ImVec2(b.x, b.y + px(2)), color::rgb(0x000000, 25), px(10));
    dl->AddRectFilled(a, b, color::kPanel, px(10));
    const float pad = px(16);
    std::string pct = known ? std::to_string(static_cast<int>(std::lround(op.fraction * 100))) + "%" : "";
    const float pct_w = known ? ImGui::CalcTextSize(pct.c_str()).x : 0;
    dl->PushClipRect(ImVec2(a.x + pad, a.y), ImVec2(b.x - pad - pct_w - px(8), b.y), true);
    dl->AddText(ImVec2(a.x + pad, a.y + px(14)), color::kText, op.label.c_str());
    dl->PopClipRect();
    if (known) dl->AddText(ImVec2(b.x - pad - pct_w, a.y + px(14)), color::kMuted, pct.c_str());
    const ImVec2 ba(a.x + pad, a.y + px(14) + line + px(10)), bb(b.x - pad, ba.y + px(6));
    dl->AddRectFilled(ba, bb, color::rgb(0xe6eaed), px(3));
    if (known) {
      if (op.fraction > 0)
        dl->AddRectFilled(ba, ImVec2(ba.x + (bb.x - ba.x) * op.fraction, bb.y), color::kAccent, px(3));
    } else {
      // A segment a third of the bar wide, sweeping across once every 1.5 seconds.
      const float span = bb.x - ba.x, seg = span / 3;
      const float t = static_cast<float>(std::fmod(ImGui::GetTime(), 1.5) / 1.5);
      const float x0 = ba.x - seg + (span + seg) * t;
      dl->PushClipRect(ba, bb, true);
      dl->AddRectFilled(ImVec2(x0, ba.y), ImVec2(x0 + seg, bb.y), color::kAccent, px(3));
      dl->PopClipRect();
      request_animation();
    }
    SemNode& n = sem_rect_on_top("progress:" + std::to_string(i), "progressbar", op.label, a, b);
    n.value = pct;
    bottom = a.y - px(8);
  }
  ImGui::PopFont();
}

}  // namespace kt::ui
