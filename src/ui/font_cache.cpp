#include "ui/font_cache.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/fnv.hpp"

namespace kt::ui {

namespace {

constexpr char kMagic[4] = {'K', 'T', 'F', 'A'};
constexpr std::uint32_t kFormat = 1;

constexpr int kMaxSide = 16384;        // ImGui's own limit on a texture's side
constexpr std::uint32_t kMaxGlyphs = 0x10000;  // one per code point of ImWchar16 (and the tab)

struct Writer {
  std::string out;
  template <typename T>
  void pod(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  template <typename T>
  T pod() {
    T v{};
    if (in.size() < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string_view take(size_t n) {
    if (in.size() < n) {
      ok = false;
      return {};
    }
    std::string_view s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
  }
};

int font_index(const ImFontAtlas& atlas, const ImFont* f) {
  for (int i = 0; i < atlas.Fonts.Size; ++i)
    if (atlas.Fonts[i] == f) return i;
  return -1;
}

bool finite(float v) { return std::isfinite(v); }
bool uv_ok(float v) { return finite(v) && v >= 0.0f && v <= 1.0f; }

// One font of a saved atlas, read and checked before anything of the atlas changes.
struct SavedFont {
  float ascent = 0, descent = 0;
  int surface = 0;
  std::vector<ImFontGlyph> glyphs;
};

bool glyph_ok(const ImFontGlyph& g) {
  for (float v : {g.U0, g.V0, g.U1, g.V1})
    if (!uv_ok(v)) return false;
  const float xy[5] = {g.X0, g.Y0, g.X1, g.Y1, g.AdvanceX};
  for (float v : xy)
    if (!finite(v) || std::fabs(v) > 1e5f) return false;
  return g.Codepoint <= IM_UNICODE_CODEPOINT_MAX;
}

// Takes the saved atlas's description (`meta`, as save_atlas wrote it after the texture: the trailer
// gone) into `atlas` when it is what save_atlas wrote for the same fonts and a texture of `pixels` bytes;
// false (and the atlas as it was, but for the custom rectangles Build registers anyway) otherwise.
bool restore(ImFontAtlas* atlas, std::string_view meta, size_t pixels) {
  Reader r{meta};
  const int w = r.pod<std::int32_t>(), h = r.pod<std::int32_t>();
  if (!r.ok || w < 1 || h < 1 || w > kMaxSide || h > kMaxSide ||
      static_cast<size_t>(w) * static_cast<size_t>(h) != pixels)
    return false;
  const ImVec2 white = r.pod<ImVec2>();
  ImVec4 lines[IM_DRAWLIST_TEX_LINES_WIDTH_MAX + 1];
  for (ImVec4& l : lines) l = r.pod<ImVec4>();
  if (!r.ok || !uv_ok(white.x) || !uv_ok(white.y)) return false;
  for (const ImVec4& l : lines)
    if (!uv_ok(l.x) || !uv_ok(l.y) || !uv_ok(l.z) || !uv_ok(l.w)) return false;
  // The custom rectangles (the white pixel, the mouse cursors, the baked lines) as packed.
  const std::uint32_t nrects = r.pod<std::uint32_t>();
  if (!r.ok || nrects > 64) return false;
  std::vector<std::pair<unsigned short, unsigned short>> rects(nrects);
  for (auto& [x, y] : rects) {
    x = r.pod<unsigned short>();
    y = r.pod<unsigned short>();
  }
  const std::uint32_t nfonts = r.pod<std::uint32_t>();
  if (!r.ok || nfonts != static_cast<std::uint32_t>(atlas->Fonts.Size)) return false;
  std::vector<SavedFont> fonts(nfonts);
  for (SavedFont& f : fonts) {
    f.ascent = r.pod<float>();
    f.descent = r.pod<float>();
    f.surface = r.pod<std::int32_t>();
    const std::uint32_t n = r.pod<std::uint32_t>();
    if (!r.ok || n > kMaxGlyphs || !finite(f.ascent) || !finite(f.descent)) return false;
    const std::string_view raw = r.take(static_cast<size_t>(n) * sizeof(ImFontGlyph));
    if (!r.ok) return false;
    f.glyphs.resize(n);
    if (n) std::memcpy(f.glyphs.data(), raw.data(), raw.size());
    for (const ImFontGlyph& g : f.glyphs)
      if (!glyph_ok(g)) return false;
  }
  if (!r.ok || !r.in.empty()) return false;

  // As ImFontAtlasBuildWithStbTruetype and ImFontAtlasBuildFinish leave the atlas, with the glyphs taken
  // instead of rasterised and packed, and no texture: the renderer takes it from the file.
  ImFontAtlasBuildInit(atlas);  // registers the custom rectangles
  if (static_cast<std::uint32_t>(atlas->CustomRects.Size) != nrects) return false;
  for (const ImFontAtlasCustomRect& c : atlas->CustomRects)
    if (c.Font) return false;  // glyphs of custom rectangles: none here (load_theme adds none)
  atlas->TexID = static_cast<ImTextureID>(nullptr);
  atlas->ClearTexData();
  atlas->TexWidth = w;
  atlas->TexHeight = h;
  atlas->TexUvScale = ImVec2(1.0f / static_cast<float>(w), 1.0f / static_cast<float>(h));
  atlas->TexUvWhitePixel = white;
  std::memcpy(atlas->TexUvLines, lines, sizeof lines);
  for (int i = 0; i < atlas->CustomRects.Size; ++i) {
    atlas->CustomRects[i].X = rects[static_cast<size_t>(i)].first;
    atlas->CustomRects[i].Y = rects[static_cast<size_t>(i)].second;
  }
  for (ImFontConfig& cfg : atlas->ConfigData) {
    const int fi = font_index(*atlas, cfg.DstFont);
    if (fi < 0) return false;  // never: AddFont sets it (and the key covers it)
    ImFontAtlasBuildSetupFont(atlas, cfg.DstFont, &cfg, fonts[static_cast<size_t>(fi)].ascent,
                              fonts[static_cast<size_t>(fi)].descent);
  }
  for (int i = 0; i < atlas->Fonts.Size; ++i) {
    ImFont* font = atlas->Fonts[i];
    SavedFont& f = fonts[static_cast<size_t>(i)];
    font->Glyphs.resize(static_cast<int>(f.glyphs.size()));
    if (!f.glyphs.empty()) std::memcpy(font->Glyphs.Data, f.glyphs.data(), f.glyphs.size() * sizeof(ImFontGlyph));
    font->MetricsTotalSurface = f.surface;
    font->BuildLookupTable();
  }
  atlas->TexReady = true;
  return true;
}

ImFontAtlas* g_armed = nullptr;
std::string g_meta;
size_t g_pixels = 0;
bool g_restored = false;

bool build_from_saved(ImFontAtlas* atlas) {
  atlas->FontBuilderIO = nullptr;  // once: a later Build() rasterises unless armed again
  g_restored = atlas == g_armed && !g_meta.empty() && restore(atlas, g_meta, g_pixels);
  g_armed = nullptr;
  g_meta = std::string();
  if (g_restored) return true;
  return ImFontAtlasGetBuilderForStbTruetype()->FontBuilder_Build(atlas);
}

const ImFontBuilderIO kFromSaved = {build_from_saved};

}  // namespace

std::uint64_t atlas_key(const ImFontAtlas& atlas) {
  Fnv1a k;
  k.bytes(kMagic, 4);
  k.pod(kFormat);
  k.pod(static_cast<std::int32_t>(IMGUI_VERSION_NUM));
  k.pod(static_cast<std::uint32_t>(sizeof(ImFontGlyph)));
  k.pod(static_cast<std::uint32_t>(sizeof(ImWchar)));
  k.pod(atlas.Flags, atlas.TexDesiredWidth, atlas.TexGlyphPadding, atlas.Fonts.Size);
  for (const ImFontConfig& c : atlas.ConfigData) {
    k.pod(c.FontDataSize);
    if (c.FontData && c.FontDataSize > 0) k.bytes(c.FontData, static_cast<size_t>(c.FontDataSize));
    k.pod(c.FontNo, c.SizePixels, c.OversampleH, c.OversampleV, c.PixelSnapH, c.GlyphExtraSpacing, c.GlyphOffset);
    for (const ImWchar* r = c.GlyphRanges; r && *r; ++r) k.pod(*r);
    k.pod(ImWchar{0}, c.GlyphMinAdvanceX, c.GlyphMaxAdvanceX, c.MergeMode, c.FontBuilderFlags, c.RasterizerMultiply,
          c.EllipsisChar, font_index(atlas, c.DstFont));
  }
  return k.h;
}

std::string save_atlas(const ImFontAtlas& atlas) {
  if (!atlas.IsBuilt() || !atlas.TexPixelsAlpha8 || atlas.TexWidth < 1 || atlas.TexHeight < 1) return {};
  Writer w;
  const size_t pixels = static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight);
  size_t glyphs = 0;
  for (const ImFont* f : atlas.Fonts) glyphs += static_cast<size_t>(f->Glyphs.Size);
  w.out.reserve(pixels + 256 + glyphs * sizeof(ImFontGlyph) + static_cast<size_t>(atlas.Fonts.Size) * 16 + kSavedAtlasTrailer);
  w.out.append(reinterpret_cast<const char*>(atlas.TexPixelsAlpha8), pixels);
  w.pod(static_cast<std::int32_t>(atlas.TexWidth));
  w.pod(static_cast<std::int32_t>(atlas.TexHeight));
  w.pod(atlas.TexUvWhitePixel);
  for (const ImVec4& l : atlas.TexUvLines) w.pod(l);
  w.pod(static_cast<std::uint32_t>(atlas.CustomRects.Size));
  for (const ImFontAtlasCustomRect& r : atlas.CustomRects) {
    w.pod(r.X);
    w.pod(r.Y);
  }
  w.pod(static_cast<std::uint32_t>(atlas.Fonts.Size));
  for (const ImFont* f : atlas.Fonts) {
    w.pod(f->Ascent);
    w.pod(f->Descent);
    w.pod(static_cast<std::int32_t>(f->MetricsTotalSurface));
    w.pod(static_cast<std::uint32_t>(f->Glyphs.Size));
    w.out.append(reinterpret_cast<const char*>(f->Glyphs.Data), static_cast<size_t>(f->Glyphs.size_in_bytes()));
  }
  w.pod(static_cast<std::uint32_t>(w.out.size() - pixels));
  w.pod(atlas_key(atlas));
  w.pod(kFormat);
  w.out.append(kMagic, 4);
  return std::move(w.out);
}

bool saved_atlas_parts(std::string_view trailer, std::uint64_t file_size, SavedAtlasParts* out) {
  Reader r{trailer};
  const std::uint32_t meta = r.pod<std::uint32_t>();
  out->key = r.pod<std::uint64_t>();
  const std::uint32_t format = r.pod<std::uint32_t>();
  const std::string_view magic = r.take(4);
  if (!r.ok || !r.in.empty() || std::memcmp(magic.data(), kMagic, 4) != 0 || format != kFormat ||
      file_size < kSavedAtlasTrailer || meta > file_size - kSavedAtlasTrailer)
    return false;
  out->meta_size = meta;
  out->pixels = file_size - kSavedAtlasTrailer - meta;
  return true;
}

void restore_atlas_on_build(ImFontAtlas* atlas, const SavedAtlasParts& parts, std::string meta) {
  g_armed = atlas;
  g_meta = parts.key == atlas_key(*atlas) && meta.size() == parts.meta_size ? std::move(meta) : std::string();
  g_pixels = static_cast<size_t>(parts.pixels);
  g_restored = false;
  atlas->FontBuilderIO = &kFromSaved;
}

bool atlas_restored() { return g_restored; }

std::uint64_t atlas_print(const ImFontAtlas& atlas) {
  Fnv1a p;
  p.pod(atlas.TexWidth, atlas.TexHeight, atlas.TexUvScale, atlas.TexUvWhitePixel, atlas.TexUvLines);
  for (const ImFont* f : atlas.Fonts) {
    p.pod(f->FontSize, f->Ascent, f->Descent, f->FallbackChar, f->EllipsisChar, f->DotChar, f->FallbackAdvanceX,
          f->MetricsTotalSurface, f->ConfigDataCount, f->Used4kPagesMap,
          static_cast<std::int32_t>(f->FallbackGlyph ? f->FallbackGlyph - f->Glyphs.Data : -1));
    p.bytes(f->Glyphs.Data, static_cast<size_t>(f->Glyphs.size_in_bytes()));
    p.bytes(f->IndexAdvanceX.Data, static_cast<size_t>(f->IndexAdvanceX.size_in_bytes()));
    p.bytes(f->IndexLookup.Data, static_cast<size_t>(f->IndexLookup.size_in_bytes()));
  }
  return p.h;
}

}  // namespace kt::ui
