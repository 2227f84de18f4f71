// The browser side of tabs.hpp; the lock itself is taken before main() in web/sync.pre.js.
#include <emscripten.h>

#include "platform/tabs.hpp"

EM_JS(int, kt_js_owns_store, (), { return Module.ktLock && Module.ktLock.held && !Module.ktLock.lost ? 1 : 0; });
EM_JS(int, kt_js_lost_store, (), { return Module.ktLock && Module.ktLock.lost ? 1 : 0; });
EM_JS(void, kt_js_take_over, (), { Module.ktTakeOver(); });
EM_JS(void, kt_js_reload_after_persist, (), { Module.ktReloadAfterPersist(); });

namespace kt::platform {

bool owns_store() { return kt_js_owns_store() != 0; }
bool lost_store() { return kt_js_lost_store() != 0; }
void take_over_store() { kt_js_take_over(); }
void reload_after_persist() { kt_js_reload_after_persist(); }

}  // namespace kt::platform
