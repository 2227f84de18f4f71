// Fonts, colours and sizes of the UI. Everything is laid out in device pixels: px(16) is 16 CSS pixels at
// the current devicePixelRatio, so text stays crisp on high-DPI screens.
#pragma once

#include <imgui.h>

#include <string>

namespace kt::ui {

struct Fonts {
  ImFont* regular = nullptr;  // body text
  ImFont* medium = nullptr;   // labels, buttons, headings of sections
  ImFont* small = nullptr;    // captions, timeline meta
  ImFont* title = nullptr;    // the card title
};

// Loads the fonts from `dir` (Roboto with a symbols fallback) at `scale` and styles ImGui. Call before the
// first frame and again when the scale changes (outside NewFrame/Render). Returns false if a font is missing.
bool load_theme(const std::string& dir, float scale);
float scale();
inline float px(float css) { return css * scale(); }
const Fonts& fonts();

// The layout by the canvas width in CSS pixels: a phone below 700, a tablet below 1100, else the desktop.
// One app, three arrangements of the same widgets (the top bar's menu, the card's one column, list lines).
// A phone turned sideways (844×390) stays a phone: its touch screen's short side is under 500 CSS pixels.
enum class FormFactor { Phone, Tablet, Desktop };
FormFactor form_factor();
// The short side of the device's screen in CSS pixels (0: not known), given by the platform. Not the
// page's height, which an on-screen keyboard shrinks: a tablet typing in landscape stays a tablet.
void set_screen_short_side(float css);
inline bool is_phone() { return form_factor() == FormFactor::Phone; }
// What changes with the form factor in ImGui's style, once per frame before anything is drawn: a phone's
// scroll bars are thin (a finger scrolls the content, not the bar) and leave the content its width.
void apply_form_factor_style();
// Whether controls are a finger's targets: on a phone, and on any screen touched rather than pointed at
// (a tablet: the platform reports a coarse pointer through set_screen_short_side).
bool finger_sized();
// The least height of a control a finger must hit: 44 CSS pixels where controls are finger-sized, the
// desktop's own otherwise.
float touch_height(float desktop);
// Whether a finger is scrolling the page now (set by the platform's touch handling, app/pointer_web.cpp):
// rows that settle on a boundary (the kanban's columns) snap once it lifts.
void set_finger_scrolling(bool on);
bool finger_scrolling();
// A fling: after a quick swipe the content goes on moving, slowing down, once the finger lifted (driven by
// app/pointer_web.cpp). Its velocity in CSS pixels per millisecond, (0, 0) when there is none. What settles
// on a boundary takes the sideways part for itself in the frame the finger lifts (the phone's kanban: a
// flick goes on to the next column, not past several), which stops it there.
ImVec2 fling_velocity();
void set_fling_velocity(ImVec2 v);
void take_fling_x();

// The palette: a light, calm card in the spirit of the reference product.
namespace color {
constexpr ImU32 rgb(unsigned v, unsigned a = 255) {
  return IM_COL32((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF, a);
}
inline constexpr ImU32 kBackground = rgb(0xeef2f4);
inline constexpr ImU32 kPanel = rgb(0xffffff);
inline constexpr ImU32 kBorder = rgb(0xdfe3e6);
inline constexpr ImU32 kText = rgb(0x333333);
inline constexpr ImU32 kMuted = rgb(0x828b95);
inline constexpr ImU32 kLabel = rgb(0x959ca4);
inline constexpr ImU32 kAccent = rgb(0x2fc6f6);
inline constexpr ImU32 kAccentDark = rgb(0x0b66c3);
inline constexpr ImU32 kLink = rgb(0x2067b0);
inline constexpr ImU32 kHover = rgb(0xf1f9fd);
inline constexpr ImU32 kError = rgb(0xe53935);
inline constexpr ImU32 kErrorBg = rgb(0xffebee);
inline constexpr ImU32 kSuccess = rgb(0x7bd500);
inline constexpr ImU32 kTopBar = rgb(0x1f2a36);
inline constexpr ImU32 kWarnBg = rgb(0xfff4d6);
}  // namespace color

// "#rrggbb" -> colour; grey when malformed.
ImU32 parse_color(const std::string& hex, unsigned alpha = 255);
// Black or white, whichever reads better on `bg`.
ImU32 text_on(ImU32 bg);

}  // namespace kt::ui
