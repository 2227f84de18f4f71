# Turns files of assets/ into a C++ source: each file a string literal, looked up by its path under assets/.
# The data stays editable as plain files (a translator edits assets/i18n/*.json, a designer
# assets/templates/*.html) while the code never reads a file at run time: src/core stays free of files, the
# server needs nothing beside its binary, and the web page works as a static site and offline.
#   cmake -DROOT=assets -DFILES=demo/workspace.json,templates/page.css -DOUT=core_assets.cpp
#         -DFUNCTION=kt::core_asset -P tools/embed_assets.cmake
# FUNCTION (declared by the code that uses it) is defined as std::string_view FUNCTION(std::string_view path),
# the file's bytes, or an empty view for a path not embedded. The output is rewritten only when it changes.
foreach(var ROOT FILES OUT FUNCTION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "embed_assets.cmake: -D${var}=... is required")
  endif()
endforeach()

string(REPLACE "," ";" FILES "${FILES}")
string(REGEX MATCH "^(.*)::([A-Za-z_0-9]+)$" _ "${FUNCTION}")
set(ns "${CMAKE_MATCH_1}")
set(fn "${CMAKE_MATCH_2}")
if(ns STREQUAL "" OR fn STREQUAL "")
  message(FATAL_ERROR "embed_assets.cmake: FUNCTION must be namespace::name, not ${FUNCTION}")
endif()

# A raw string literal ends at )kt_asset" : no asset may hold that. Files are text (CMake strings hold no NUL).
set(delim "kt_asset")
set(src "// Generated from assets/ by tools/embed_assets.cmake at build time: edit the files under assets/.\n")
string(APPEND src "#include <string_view>\n\nnamespace {\n\n")
set(table "")
set(i 0)
foreach(f IN LISTS FILES)
  if(NOT EXISTS "${ROOT}/${f}")
    message(FATAL_ERROR "embed_assets.cmake: ${ROOT}/${f} does not exist")
  endif()
  file(READ "${ROOT}/${f}" text)
  string(FIND "${text}" ")${delim}\"" bad)
  if(NOT bad EQUAL -1)
    message(FATAL_ERROR "embed_assets.cmake: ${ROOT}/${f} contains )${delim}\" and cannot be embedded")
  endif()
  string(APPEND src "constexpr char k${i}[] = R\"${delim}(${text})${delim}\";\n")
  string(APPEND table "    {\"${f}\", {k${i}, sizeof k${i} - 1}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND src "\nstruct Asset {\n  std::string_view path, text;\n};\n\n")
string(APPEND src "constexpr Asset kAssets[] = {\n${table}};\n\n}  // namespace\n\n")
string(APPEND src "namespace ${ns} {\n\nstd::string_view ${fn}(std::string_view path) {\n")
string(APPEND src "  for (const Asset& a : kAssets)\n    if (a.path == path) return a.text;\n  return {};\n}\n\n")
string(APPEND src "}  // namespace ${ns}\n")

file(WRITE "${OUT}.tmp" "${src}")
configure_file("${OUT}.tmp" "${OUT}" COPYONLY)
file(REMOVE "${OUT}.tmp")
