#include "ui/font_cache.hpp"

#include <imgui_internal.h>

#include <cstring>
#include <vector>

namespace kt::ui {

// Named (not anonymous): the build puts several files into one unit.
namespace atlas_bytes {

constexpr char kMagic[4] = {'K', 'T', 'F', 'A'};
constexpr std::uint32_t kVersion = 1;
constexpr int kMaxSide = 16384;        // ImGui's own atlases stay far below (TexDesiredWidth, 4096 rows)
constexpr int kMaxGlyphs = 1 << 20;    // per font

void put(std::string& out, const void* p, size_t n) { out.append(static_cast<const char*>(p), n); }
template <typename T>
void put(std::string& out, T v) { put(out, &v, sizeof v); }
void put_uv(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// A bounded reader of a snapshot: every read checks what is left; a failed one stops all later ones.
struct In {
  const char* p;
  const char* end;
  bool ok = true;
  bool get(void* dst, size_t n) {
    if (!ok || static_cast<size_t>(end - p) < n) return ok = false;
    std::memcpy(dst, p, n);
    p += n;
    return true;
  }
  template <typename T>
  T get() {
    T v{};
    get(&v, sizeof v);
    return v;
  }
  std::uint64_t uv() {
    std::uint64_t v = 0;
    for (int shift = 0; ok && shift < 64; shift += 7) {
      if (p == end) return ok = false, 0;
      const auto b = static_cast<unsigned char>(*p++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    ok = false;
    return 0;
  }
};

std::uint64_t fnv(const void* data, size_t n, std::uint64_t h = 1469598103934665603ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

int font_index(const ImFontAtlas& atlas, const ImFont* f) {
  for (int i = 0; i < atlas.Fonts.Size; ++i)
    if (atlas.Fonts[i] == f) return i;
  return -1;
}

// Everything ImFontAtlas::Build's result depends on, as bytes: equal keys, equal atlases.
std::string key_of(const ImFontAtlas& atlas) {
  std::string k;
  put(k, std::uint32_t{IMGUI_VERSION_NUM});
  put(k, static_cast<std::uint32_t>(sizeof(ImFontGlyph)));
  put(k, atlas.Flags);
  put(k, atlas.TexDesiredWidth);
  put(k, atlas.TexGlyphPadding);
  put(k, atlas.Fonts.Size);
  put(k, atlas.ConfigData.Size);
  for (const ImFontConfig& c : atlas.ConfigData) {
    put(k, c.FontDataSize);
    put(k, c.FontData ? fnv(c.FontData, static_cast<size_t>(c.FontDataSize)) : 0);
    put(k, c.FontNo);
    put(k, c.SizePixels);
    put(k, c.OversampleH);
    put(k, c.OversampleV);
    put(k, c.PixelSnapH);
    put(k, c.GlyphExtraSpacing);
    put(k, c.GlyphOffset);
    put(k, c.GlyphMinAdvanceX);
    put(k, c.GlyphMaxAdvanceX);
    put(k, c.MergeMode);
    put(k, c.FontBuilderFlags);
    put(k, c.RasterizerMultiply);
    put(k, c.EllipsisChar);
    put(k, font_index(atlas, c.DstFont));
    const ImWchar* r = c.GlyphRanges ? c.GlyphRanges : const_cast<ImFontAtlas&>(atlas).GetGlyphRangesDefault();
    size_t n = 0;
    while (r[n]) ++n;
    put(k, static_cast<std::uint32_t>(n));
    put(k, r, n * sizeof(ImWchar));
  }
  return k;
}

// The coverage pixels, mostly empty: runs of zeros and of other bytes, each a count (varint), the latter
// followed by its bytes.
void put_pixels(std::string& out, const unsigned char* px, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t z = i;
    while (z < n && px[z] == 0) ++z;
    put_uv(out, z - i);
    size_t l = z;
    // A literal run ends at four zeros in a row (a shorter run of zeros costs more as a run of its own).
    while (l < n && !(l + 3 < n && px[l] == 0 && px[l + 1] == 0 && px[l + 2] == 0 && px[l + 3] == 0)) ++l;
    if (l > n) l = n;
    put_uv(out, l - z);
    put(out, px + z, l - z);
    i = l;
  }
}
bool get_pixels(In& in, unsigned char* px, size_t n) {
  size_t i = 0;
  while (in.ok && i < n) {
    const std::uint64_t z = in.uv();
    if (z > n - i) return false;
    std::memset(px + i, 0, static_cast<size_t>(z));
    i += static_cast<size_t>(z);
    const std::uint64_t l = in.uv();
    if (l > n - i || !in.get(px + i, static_cast<size_t>(l))) return false;
    i += static_cast<size_t>(l);
    if (z == 0 && l == 0) return false;  // no progress: damaged
  }
  return in.ok && i == n;
}

struct FontPart {
  float size = 0, ascent = 0, descent = 0;
  int surface = 0;
  std::vector<ImFontGlyph> glyphs;
};

}  // namespace atlas_bytes

using namespace atlas_bytes;

std::string atlas_snapshot(const ImFontAtlas& atlas) {
  if (!atlas.TexPixelsAlpha8 || atlas.TexWidth <= 0 || atlas.TexHeight <= 0 || atlas.Fonts.Size == 0) return {};
  std::string out;
  put(out, kMagic, sizeof kMagic);
  put(out, kVersion);
  const std::string key = key_of(atlas);
  put(out, static_cast<std::uint32_t>(key.size()));
  out += key;
  put(out, atlas.TexWidth);
  put(out, atlas.TexHeight);
  put(out, atlas.CustomRects.Size);
  for (const ImFontAtlasCustomRect& r : atlas.CustomRects) {
    put(out, r.Width);
    put(out, r.Height);
    put(out, r.X);
    put(out, r.Y);
  }
  for (const ImFont* f : atlas.Fonts) {
    put(out, f->FontSize);
    put(out, f->Ascent);
    put(out, f->Descent);
    put(out, f->MetricsTotalSurface);
    put(out, f->Glyphs.Size);
    put(out, f->Glyphs.Data, sizeof(ImFontGlyph) * static_cast<size_t>(f->Glyphs.Size));
  }
  put_pixels(out, atlas.TexPixelsAlpha8, static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight));
  return out;
}

bool atlas_restore(ImFontAtlas* atlas, std::string_view snapshot) {
  if (!atlas || atlas->Locked || atlas->Fonts.Size == 0 || atlas->TexPixelsAlpha8 || atlas->TexPixelsRGBA32) return false;
  In in{snapshot.data(), snapshot.data() + snapshot.size()};
  char magic[4] = {};
  in.get(magic, sizeof magic);
  if (!in.ok || std::memcmp(magic, kMagic, sizeof magic) != 0 || in.get<std::uint32_t>() != kVersion) return false;
  const std::string key = key_of(*atlas);
  const auto key_size = in.get<std::uint32_t>();
  if (!in.ok || key_size != key.size() || static_cast<size_t>(in.end - in.p) < key.size() ||
      std::memcmp(in.p, key.data(), key.size()) != 0)
    return false;
  in.p += key.size();
  const int w = in.get<int>(), h = in.get<int>();
  if (!in.ok || w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide) return false;
  const int nrects = in.get<int>();
  if (!in.ok || nrects < 0 || nrects > 64) return false;
  struct Rect { unsigned short w, h, x, y; };
  std::vector<Rect> rects(static_cast<size_t>(nrects));
  for (Rect& r : rects) {
    r.w = in.get<unsigned short>();
    r.h = in.get<unsigned short>();
    r.x = in.get<unsigned short>();
    r.y = in.get<unsigned short>();
    if (in.ok && r.x != 0xFFFF && (r.x + r.w > w || r.y + r.h > h)) return false;
  }
  std::vector<FontPart> fonts(static_cast<size_t>(atlas->Fonts.Size));
  for (FontPart& f : fonts) {
    f.size = in.get<float>();
    f.ascent = in.get<float>();
    f.descent = in.get<float>();
    f.surface = in.get<int>();
    const int n = in.get<int>();
    if (!in.ok || n < 0 || n > kMaxGlyphs) return false;
    f.glyphs.resize(static_cast<size_t>(n));
    if (!in.get(f.glyphs.data(), sizeof(ImFontGlyph) * f.glyphs.size())) return false;
    for (const ImFontGlyph& g : f.glyphs)
      if (g.Codepoint > IM_UNICODE_CODEPOINT_MAX) return false;
  }
  const size_t npx = static_cast<size_t>(w) * static_cast<size_t>(h);
  std::vector<unsigned char> px(npx);
  if (!get_pixels(in, px.data(), npx) || in.p != in.end) return false;

  // The atlas's own rectangles (the mouse cursors, the white pixel, the baked lines) as Build registers
  // them; the snapshot must have packed the same ones.
  ImFontAtlasBuildInit(atlas);
  if (atlas->CustomRects.Size != nrects) return false;
  for (int i = 0; i < nrects; ++i)
    if (atlas->CustomRects[i].Width != rects[static_cast<size_t>(i)].w || atlas->CustomRects[i].Height != rects[static_cast<size_t>(i)].h)
      return false;
  for (const ImFontConfig& c : atlas->ConfigData)
    if (font_index(*atlas, c.DstFont) < 0) return false;

  // From here on nothing can fail: the atlas is built as ImFontAtlasBuildWithStbTruetype would.
  atlas->ClearTexData();
  atlas->TexID = nullptr;
  for (int i = 0; i < nrects; ++i) {
    atlas->CustomRects[i].X = rects[static_cast<size_t>(i)].x;
    atlas->CustomRects[i].Y = rects[static_cast<size_t>(i)].y;
  }
  atlas->TexWidth = w;
  atlas->TexHeight = h;
  atlas->TexUvScale = ImVec2(1.0f / static_cast<float>(w), 1.0f / static_cast<float>(h));
  atlas->TexPixelsAlpha8 = static_cast<unsigned char*>(IM_ALLOC(npx));
  std::memcpy(atlas->TexPixelsAlpha8, px.data(), npx);
  for (ImFontConfig& c : atlas->ConfigData) {
    const FontPart& f = fonts[static_cast<size_t>(font_index(*atlas, c.DstFont))];
    ImFontAtlasBuildSetupFont(atlas, c.DstFont, &c, f.ascent, f.descent);
  }
  for (int i = 0; i < atlas->Fonts.Size; ++i) {
    ImFont* font = atlas->Fonts[i];
    const FontPart& f = fonts[static_cast<size_t>(i)];
    font->FontSize = f.size;
    font->Glyphs.resize(static_cast<int>(f.glyphs.size()));
    if (!f.glyphs.empty()) std::memcpy(font->Glyphs.Data, f.glyphs.data(), sizeof(ImFontGlyph) * f.glyphs.size());
    for (const ImFontGlyph& g : f.glyphs) {
      const unsigned page = g.Codepoint / 4096;
      font->Used4kPagesMap[page >> 3] |= static_cast<ImU8>(1u << (page & 7));
    }
    font->MetricsTotalSurface = f.surface;
    font->DirtyLookupTables = true;
  }
  ImFontAtlasBuildFinish(atlas);
  return true;
}

std::uint64_t atlas_print(const ImFontAtlas& atlas) {
  if (!atlas.TexPixelsAlpha8) return 0;
  std::uint64_t h = fnv(atlas.TexPixelsAlpha8, static_cast<size_t>(atlas.TexWidth) * static_cast<size_t>(atlas.TexHeight));
  for (const ImFont* f : atlas.Fonts) {
    h = fnv(f->Glyphs.Data, sizeof(ImFontGlyph) * static_cast<size_t>(f->Glyphs.Size), h);
    h = fnv(f->IndexAdvanceX.Data, sizeof(float) * static_cast<size_t>(f->IndexAdvanceX.Size), h);
    h = fnv(&f->Ascent, sizeof f->Ascent, h);
    h = fnv(&f->Descent, sizeof f->Descent, h);
  }
  return h;
}

}  // namespace kt::ui
