# Writes the service worker of a build: web/sw.js.in with the SHA-256 of every file it caches and a build
# version derived from them, so that a new build is a new service worker (browsers compare sw.js byte by
# byte) and the worker can refuse files that do not belong to its build.
#   cmake -DWEB_DIR=build/web -DTEMPLATE=web/sw.js.in -DFILES=index.html,kartoteka.js,... -P stamp_sw.cmake
foreach(var WEB_DIR TEMPLATE FILES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "stamp_sw.cmake: -D${var}=... is required")
  endif()
endforeach()

string(REPLACE "," ";" FILES "${FILES}")
set(KT_FILES "")
set(all "")
foreach(f IN LISTS FILES)
  if(NOT EXISTS "${WEB_DIR}/${f}")
    message(FATAL_ERROR "stamp_sw.cmake: ${WEB_DIR}/${f} does not exist")
  endif()
  file(SHA256 "${WEB_DIR}/${f}" hash)
  string(APPEND KT_FILES "  \"${f}\": \"${hash}\",\n")
  string(APPEND all "${f} ${hash}\n")
endforeach()
string(SHA256 version "${all}")
string(SUBSTRING "${version}" 0 16 KT_VERSION)
configure_file("${TEMPLATE}" "${WEB_DIR}/sw.js" @ONLY)
message(STATUS "service worker for build ${KT_VERSION}")
