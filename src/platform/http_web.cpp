// The sync transport in the browser: emscripten_fetch (XHR) with the pitfalls of Emscripten 3.1.6 handled:
// REPLACE so that no request is answered from the fetch cache, the body kept alive until the callback,
// close only inside the callback (closing in flight is a use-after-free in 3.1.6), a timeout that simply
// reports "no answer".
#include <emscripten.h>
#include <emscripten/fetch.h>

#include <cstring>
#include <memory>
#include <string>

#include "platform/http.hpp"

namespace kt::platform {

namespace {

struct Request {
  std::string method, body, auth, url;
  std::function<void(sync::HttpResponse)> done;
};

void finished(emscripten_fetch_t* f) {
  std::unique_ptr<Request> req(static_cast<Request*>(f->userData));
  sync::HttpResponse r;
  r.status = f->status;
  if (f->data && f->numBytes > 0) r.body.assign(f->data, static_cast<size_t>(f->numBytes));
  emscripten_fetch_close(f);
  // Wake the page's main loop: an answer changes what is on screen.
  EM_ASM({ if (Module.ktWake) Module.ktWake(); });
  if (req->done) req->done(std::move(r));
}

}  // namespace

void FetchTransport::send(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& token, std::function<void(sync::HttpResponse)> done) {
  auto* req = new Request{method, body, token.empty() ? "" : "Bearer " + token, base_ + path, std::move(done)};
  emscripten_fetch_attr_t a;
  emscripten_fetch_attr_init(&a);
  std::strncpy(a.requestMethod, req->method.c_str(), sizeof a.requestMethod - 1);
  const char* headers_with_auth[] = {"Content-Type", "application/json", "Authorization", req->auth.c_str(), nullptr};
  const char* headers_plain[] = {"Content-Type", "application/json", nullptr};
  a.requestHeaders = req->auth.empty() ? headers_plain : headers_with_auth;  // copied by emscripten_fetch
  if (!req->body.empty()) {
    a.requestData = req->body.data();  // not copied until sent: lives in `req` until the callback
    a.requestDataSize = req->body.size();
  }
  a.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY | EMSCRIPTEN_FETCH_REPLACE;
  // A restore's dry run and its apply read a whole workspace on the server: give them time.
  a.timeoutMSecs = path.rfind("/api/sync/poke", 0) == 0 ? 35000 : path.rfind("/api/restore/", 0) == 0 ? 180000 : 20000;
  a.userData = req;
  a.onsuccess = finished;
  a.onerror = finished;
  if (!emscripten_fetch(&a, req->url.c_str())) {
    std::unique_ptr<Request> owned(req);
    if (owned->done) owned->done(sync::HttpResponse{0, ""});
  }
}

}  // namespace kt::platform
