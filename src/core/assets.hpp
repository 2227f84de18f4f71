// The files of assets/ the core uses (the demo workspace, the default document templates), embedded in the
// build by tools/embed_assets.cmake: the core reads no file, and the server and the web page need nothing
// beside their binaries. assets/README.md says what each file holds.
#pragma once

#include <string_view>

namespace kt {

// The bytes of assets/<path> ("demo/workspace.json"), or an empty view for a file not embedded.
std::string_view core_asset(std::string_view path);

}  // namespace kt
