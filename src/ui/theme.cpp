#include "ui/theme.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace kt::ui {

namespace {

Fonts g_fonts;
float g_scale = 1.0f;
float g_screen_short = 0;  // set_screen_short_side
constexpr float kFramePadY = 7;  // CSS px above and below a framed control's text on the desktop (29 px high)

bool file_exists(const std::string& p) {
  FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) return false;
  std::fclose(f);
  return true;
}

const ImWchar* text_ranges() {
  static const ImWchar kRanges[] = {
      0x0020, 0x00FF,  // Latin-1
      0x0400, 0x045F,  // Cyrillic
      0x0490, 0x0491,  // Ґ ґ
      0x2010, 0x2027,  // dashes, quotes, bullet, ellipsis
      0x2030, 0x203A,
      0x20AC, 0x20AC,  // €
      0x20B8, 0x20B8,  // ₸
      0x20BD, 0x20BD,  // ₽
      0x2116, 0x2116,  // №
      0x2122, 0x2122,
      0,
  };
  return kRanges;
}

const ImWchar* symbol_ranges() {
  static const ImWchar kRanges[] = {
      0x2190, 0x2193,  // arrows
      0x21BA, 0x21BB,  // undo / redo
      0x25B2, 0x25BC,  // triangles
      0x25CF, 0x25CF,  // circle
      0x2605, 0x2606, 0x260E, 0x260E, 0x2630, 0x2630, 0x2699, 0x2699,
      0x2709, 0x2709, 0x270E, 0x270E, 0x2713, 0x2715,
      0,
  };
  return kRanges;
}

// Horizontal oversampling (glyphs rasterised at twice the width, for sharper text at fractional positions)
// pays off at 1-1.5 device pixels per CSS pixel; at 2 and more (phones: 3) a pixel is too small to see the
// difference, and it doubles the rasterising of the font atlas (which took ~250 ms of a phone's start at DPR 3
// with the CPU throttled 4×: bench/browser.mjs --device phone).
int oversample_h() { return g_scale >= 2.0f ? 1 : 2; }

ImFont* add_font(const std::string& dir, const char* file, float size) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontConfig cfg;
  cfg.OversampleH = oversample_h();
  cfg.OversampleV = 1;
  cfg.PixelSnapH = false;
  ImFont* f = io.Fonts->AddFontFromFileTTF((dir + "/" + file).c_str(), size, &cfg, text_ranges());
  if (!f) return nullptr;
  ImFontConfig merge;
  merge.MergeMode = true;
  merge.OversampleH = oversample_h();
  merge.GlyphMinAdvanceX = size * 0.6f;
  io.Fonts->AddFontFromFileTTF((dir + "/Symbols.ttf").c_str(), size, &merge, symbol_ranges());
  // The icons (src/ui/icons.hpp), a little larger than the text and sitting on its middle.
  static const ImWchar kIcons[] = {0xE000, 0xF8FF, 0};
  if (file_exists(dir + "/Icons.ttf")) {
    ImFontConfig icons = merge;
    icons.GlyphMinAdvanceX = size * 1.1f;
    icons.GlyphOffset = ImVec2(0, size * 0.14f);
    io.Fonts->AddFontFromFileTTF((dir + "/Icons.ttf").c_str(), size * 1.05f, &icons, kIcons);
  }
  return f;
}

void apply_style(float s) {
  ImGuiStyle style;  // fresh, so that scaling never compounds
  ImGui::StyleColorsLight(&style);
  style.WindowPadding = ImVec2(12, 12);  // popups and menus; the root window pushes zero
  style.WindowRounding = 0;
  style.WindowBorderSize = 0;
  style.ChildRounding = 8;
  style.ChildBorderSize = 0;
  style.FramePadding = ImVec2(10, kFramePadY);
  style.FrameRounding = 4;
  style.FrameBorderSize = 1;
  style.ItemSpacing = ImVec2(10, 8);
  style.ItemInnerSpacing = ImVec2(8, 6);
  style.CellPadding = ImVec2(10, 8);
  style.PopupRounding = 6;
  style.PopupBorderSize = 1;
  style.ScrollbarSize = 12;
  style.ScrollbarRounding = 6;
  style.GrabRounding = 4;
  style.TabRounding = 4;
  style.SelectableTextAlign = ImVec2(0, 0.5f);

  auto c = [](ImU32 v) { return ImGui::ColorConvertU32ToFloat4(v); };
  ImVec4* col = style.Colors;
  col[ImGuiCol_Text] = c(color::kText);
  col[ImGuiCol_TextDisabled] = c(color::kMuted);
  col[ImGuiCol_WindowBg] = c(color::kBackground);
  col[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  col[ImGuiCol_PopupBg] = c(color::kPanel);
  col[ImGuiCol_Border] = c(color::kBorder);
  col[ImGuiCol_FrameBg] = c(color::kPanel);
  col[ImGuiCol_FrameBgHovered] = c(color::kPanel);
  col[ImGuiCol_FrameBgActive] = c(color::kPanel);
  col[ImGuiCol_Button] = c(color::rgb(0xf1f3f5));
  col[ImGuiCol_ButtonHovered] = c(color::rgb(0xe3e7ea));
  col[ImGuiCol_ButtonActive] = c(color::rgb(0xd5dadf));
  col[ImGuiCol_Header] = c(color::rgb(0xe5f6fd));
  col[ImGuiCol_HeaderHovered] = c(color::kHover);
  col[ImGuiCol_HeaderActive] = c(color::rgb(0xd6f1fc));
  col[ImGuiCol_TableHeaderBg] = c(color::rgb(0xf5f7f8));
  col[ImGuiCol_TableRowBg] = c(color::kPanel);
  col[ImGuiCol_TableRowBgAlt] = c(color::rgb(0xfafbfc));
  col[ImGuiCol_TableBorderLight] = c(color::rgb(0xedf0f2));
  col[ImGuiCol_TableBorderStrong] = c(color::kBorder);
  col[ImGuiCol_CheckMark] = c(color::kAccentDark);
  col[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
  col[ImGuiCol_ScrollbarGrab] = c(color::rgb(0xc5cbd1));
  col[ImGuiCol_NavHighlight] = c(color::kAccent);
  col[ImGuiCol_TextSelectedBg] = c(color::rgb(0x2fc6f6, 90));
  col[ImGuiCol_Separator] = c(color::kBorder);

  style.ScaleAllSizes(s);
  ImGui::GetStyle() = style;
}

}  // namespace

bool load_theme(const std::string& dir, float s) {
  g_scale = s;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  if (!file_exists(dir + "/Roboto-Regular.ttf") || !file_exists(dir + "/Roboto-Medium.ttf") ||
      !file_exists(dir + "/Symbols.ttf")) {
    io.Fonts->AddFontDefault();
    g_fonts = Fonts{};
    g_fonts.regular = g_fonts.medium = g_fonts.small = g_fonts.title = io.Fonts->Fonts[0];
    apply_style(s);
    return false;
  }
  g_fonts.regular = add_font(dir, "Roboto-Regular.ttf", 15.0f * s);
  g_fonts.medium = add_font(dir, "Roboto-Medium.ttf", 15.0f * s);
  g_fonts.small = add_font(dir, "Roboto-Regular.ttf", 13.0f * s);
  g_fonts.title = add_font(dir, "Roboto-Medium.ttf", 22.0f * s);
  io.FontDefault = g_fonts.regular;
  apply_style(s);
  return g_fonts.regular && g_fonts.medium && g_fonts.small && g_fonts.title;
}

float scale() { return g_scale; }

void set_screen_short_side(float css) { g_screen_short = css; }

FormFactor form_factor() {
  const float css = ImGui::GetIO().DisplaySize.x / (g_scale > 0 ? g_scale : 1.0f);
  if (css < 700 || (g_screen_short > 0 && g_screen_short < 500)) return FormFactor::Phone;
  return css < 1100 ? FormFactor::Tablet : FormFactor::Desktop;
}

void apply_form_factor_style() {
  ImGuiStyle& style = ImGui::GetStyle();
  style.ScrollbarSize = is_phone() ? px(5) : px(12);
  // Framed controls (buttons, text fields, combo boxes) as high as a finger needs (touch_height) for the
  // regular font; the desktop's 29.
  style.FramePadding.y = finger_sized() ? std::max(px(kFramePadY), (touch_height(0) - ImGui::GetFontSize()) / 2) : px(kFramePadY);
}

bool finger_sized() { return is_phone() || g_screen_short > 0; }
float touch_height(float desktop) { return finger_sized() ? std::max(desktop, px(44)) : desktop; }

namespace {
bool g_finger_scrolling = false;
ImVec2 g_fling(0, 0);
}  // namespace
void set_finger_scrolling(bool on) { g_finger_scrolling = on; }
bool finger_scrolling() { return g_finger_scrolling; }
ImVec2 fling_velocity() { return g_fling; }
void set_fling_velocity(ImVec2 v) { g_fling = v; }
void take_fling_x() { g_fling.x = 0; }
const Fonts& fonts() { return g_fonts; }

ImU32 parse_color(const std::string& hex, unsigned alpha) {
  if (hex.size() != 7 || hex[0] != '#') return color::rgb(0x9e9e9e, alpha);
  char* end = nullptr;
  unsigned long v = std::strtoul(hex.c_str() + 1, &end, 16);
  if (end != hex.c_str() + 7) return color::rgb(0x9e9e9e, alpha);
  return color::rgb(static_cast<unsigned>(v), alpha);
}

ImU32 text_on(ImU32 bg) {
  float r = ((bg >> IM_COL32_R_SHIFT) & 0xFF) / 255.0f;
  float g = ((bg >> IM_COL32_G_SHIFT) & 0xFF) / 255.0f;
  float b = ((bg >> IM_COL32_B_SHIFT) & 0xFF) / 255.0f;
  float lum = 0.299f * r + 0.587f * g + 0.114f * b;
  return lum > 0.62f ? color::kText : color::rgb(0xffffff);
}

}  // namespace kt::ui
