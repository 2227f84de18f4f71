// The font atlas kept between starts: what ImFontAtlas::Build() makes of the fonts load_theme() gave it
// (the coverage texture, every font's glyphs and metrics), written out once and taken back at the next
// start instead of rasterising every glyph again (a phone's DPR 3 atlas, 1024×2048: ~190 ms of its start
// with the CPU throttled 4×, against ~30 ms to take it back).
//
// The saved atlas names what it was built from (atlas_key: every font file's bytes, sizes, ranges, options,
// the atlas's settings and ImGui's version): an atlas for other fonts, another pixel ratio or another build
// of ImGui is never taken; neither is one that does not read exactly (the bytes come from the browser's
// storage: every count, size and coordinate is checked before anything is kept). Then the fonts are
// rasterised as ever.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct ImFontAtlas;

namespace kt::ui {

// A print of everything Build() gave `atlas` for its fonts (its inputs are in atlas_key).
std::uint64_t atlas_key(const ImFontAtlas& atlas);

// The built atlas (IsBuilt(), coverage texture: GetTexDataAsAlpha8) as bytes: the texture (TexWidth ×
// TexHeight bytes) first, then what describes it and the glyphs, then a trailer of kSavedAtlasTrailer bytes
// (the size of that description, the key, the format). The texture comes first so that a start never has
// to copy it: the renderer hands the file's first bytes to WebGL as they are in the page's memory.
std::string save_atlas(const ImFontAtlas& atlas);
constexpr size_t kSavedAtlasTrailer = 20;

// What a saved atlas's trailer (its last kSavedAtlasTrailer bytes) says of a file of `file_size` bytes:
// false when it is no saved atlas of this format.
struct SavedAtlasParts {
  std::uint64_t key = 0;      // atlas_key of the fonts it was built from
  std::uint64_t pixels = 0;   // the texture's bytes, at the file's start
  std::uint64_t meta_size = 0;  // the description's, after them
};
bool saved_atlas_parts(std::string_view trailer, std::uint64_t file_size, SavedAtlasParts* out);

// Makes the next Build() of `atlas` (GetTexDataAsAlpha8 calls it) take the atlas from a saved one (its
// `parts` and its description `meta`, read from the file) when it is what save_atlas() wrote for the same
// fonts, and rasterise them otherwise. Call after the fonts are added (with no parts: rasterised). A taken
// atlas has no texture in memory (TexPixelsAlpha8 stays null: GetTexDataAsAlpha8 gives none): its owner
// uploads the saved one.
void restore_atlas_on_build(ImFontAtlas* atlas, const SavedAtlasParts& parts = {}, std::string meta = {});

// How the atlas's last Build() went: true when it was taken from saved bytes.
bool atlas_restored();

// A print of what the atlas holds after Build but its texture (its size and coordinates, the glyphs, lookup
// tables, fallback and ellipsis characters): a restored atlas has the same as a rasterised one (the browser
// tests compare them, and the textures apart).
std::uint64_t atlas_print(const ImFontAtlas& atlas);

}  // namespace kt::ui
