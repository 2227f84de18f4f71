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

#include <cstdint>
#include <cstddef>
#include <string>

struct ImFontAtlas;

namespace kt::ui {

// A print of everything Build() gave `atlas` for its fonts (its inputs are in atlas_key).
std::uint64_t atlas_key(const ImFontAtlas& atlas);

// The built atlas (IsBuilt(), coverage texture: GetTexDataAsAlpha8) as bytes for restore_atlas().
std::string save_atlas(const ImFontAtlas& atlas);

// Makes the next Build() of `atlas` (GetTexDataAsAlpha8 calls it) take the atlas from the `size` bytes at
// `saved` when they are what save_atlas() wrote for the same fonts, and rasterise them otherwise. Call after
// the fonts are added. The bytes are allocated with IM_ALLOC and given away (nullptr: none): they become
// the atlas's texture, or are freed.
void restore_atlas_on_build(ImFontAtlas* atlas, unsigned char* saved, size_t size);

// How the atlas's last Build() went: true when it was taken from saved bytes.
bool atlas_restored();

// A print of what the atlas holds after Build (texture, glyphs, lookup tables, fallback and ellipsis
// characters): a restored atlas has the same as a rasterised one (the browser tests compare them).
std::uint64_t atlas_print(const ImFontAtlas& atlas);

}  // namespace kt::ui
