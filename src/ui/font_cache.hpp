// The built font atlas kept between starts. Rasterising the atlas (four fonts of ~400 glyphs) took ~140 ms of
// a phone's throttled start at DPR 3 (bench/browser.mjs --device phone, the "fonts" → "renderer" milestones);
// restoring it from a snapshot is a copy. A snapshot holds what ImFontAtlas::Build makes (the coverage
// pixels, the glyphs of every font, the places of the atlas's own rectangles) and, first, a key of
// everything the build depends on (ImGui's version, every font's file bytes, size, ranges and options): it
// is used only for an atlas set up exactly the same way. No files here: the platform keeps the bytes.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kt::ui {

// The snapshot of a built atlas (io.Fonts after Build or GetTexDataAs*, its 8-bit pixels still there);
// empty when there is nothing to keep.
std::string atlas_snapshot(const ImFontAtlas& atlas);

// Builds `atlas` (its fonts added, not built) from a snapshot: true when the snapshot is whole and made for
// this very setup. Anything else (another key, damaged or truncated bytes) changes nothing and returns
// false: the caller builds the atlas as usual.
bool atlas_restore(ImFontAtlas* atlas, std::string_view snapshot);

// A checksum of a built atlas's pixels and glyphs (tests: a restored atlas is the one that was built).
std::uint64_t atlas_print(const ImFontAtlas& atlas);

}  // namespace kt::ui
