// The server's front door: every connection is read here, on one thread, before any worker sees it.
//
// cpp-httplib serves a connection on one worker thread from accept to close, reading the request
// with a timeout per read (5 s) but no deadline for the whole: a client that sends one byte of its
// headers every two seconds holds a worker for ever, and a few hundred such clients hold them all
// (issue 20: /api/health did not answer for 36 s). It also inflates a gzip body before its size
// limit applies, accepts duplicate Content-Length headers and bare CRs, and cuts paths at an
// encoded NUL.
//
// So the listening thread hands each accepted socket to the FrontDoor, which reads requests with
// epoll: a request line and headers within a deadline, checked strictly (sizes, counts, framing,
// encodings, the Host), then the body within a deadline that grows with its declared size. Only a
// complete, checked request goes to a worker, which gives it to httplib from memory and writes the
// answer; the connection then comes back here to wait for its next request. Waiting clients cost a
// socket and a small buffer, never a thread; everything a client may hold is capped (per address,
// in total, buffered body bytes), and what exceeds a cap is refused here with a short answer (503,
// 408, 413, 431, ...) instead of waiting.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kt::server {

struct FrontLimits {
  int head_timeout_ms = 10000;   // from the request's first byte to the end of its headers
  int idle_timeout_ms = 5000;    // a kept-alive connection waiting for its next request
  int write_timeout_ms = 30000;  // writing an answer without any progress
  // A body has the head's deadline plus one second per this many bytes it declares: a slow link
  // still sends 4 MiB (about 2 minutes at 32 KiB/s), a client trickling bytes is cut off.
  std::size_t body_bytes_per_second = 32 * 1024;
  std::size_t max_request_line = 8 * 1024;  // 414 above
  std::size_t max_head = 32 * 1024;         // request line and headers; 431 above
  std::size_t max_headers = 100;            // 431 above
  std::size_t max_body = 4 * 1024 * 1024;   // 413 above
  std::size_t max_connections = 4096;       // open connections in all; 503 above
  std::size_t max_per_address = 256;        // open connections from one address; 503 above
  std::size_t body_budget =
      256u << 20;  // body bytes buffered for all connections together; 503 above
  std::size_t max_requests_per_connection = 1000;
  std::size_t workers = 512;  // most worker threads (started as needed)
  std::size_t queued = 256;   // complete requests waiting for a worker; 503 above
  // The Host names (with or without a port) requests may carry; empty: any. Others get 421 (DNS
  // rebinding: a page of another site whose name resolves to this server's address).
  std::vector<std::string> allowed_hosts;
};

// What the front door refused, for the access log: the method and target when they were read, the
// status.
struct Refusal {
  std::string method, target, remote;
  int status = 0;
};

class FrontDoor {
 public:
  // Serves one checked request read from `strm` and writes its answer there; returns whether the
  // connection may go on (httplib's process_request).
  using Serve =
      std::function<bool(httplib::Stream& strm, bool close_connection, bool& connection_closed)>;
  // Extra headers of the front door's own answers (security headers).
  FrontDoor(FrontLimits limits, Serve serve, httplib::Headers answer_headers,
            std::function<void(const Refusal&)> log);
  ~FrontDoor();
  FrontDoor(const FrontDoor&) = delete;
  FrontDoor& operator=(const FrontDoor&) = delete;

  // Takes an accepted socket (from the listening thread): it is read, served and closed from here
  // on.
  void adopt(int fd);
  // Closes every waiting connection and stops the reader and the workers (running requests finish
  // first).
  void stop();

  // For tests and the health answer: open connections, and requests being served or queued.
  std::size_t connections() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A request's text for the access log, with every byte that could forge a line or a field escaped.
std::string log_safe(std::string_view s);

// httplib's server with its sockets handed to a FrontDoor, and its request processing open to it.
class GuardedHttp : public httplib::Server {
 public:
  void set_front_door(FrontDoor* door) { door_ = door; }
  bool serve(httplib::Stream& strm, bool close_connection, bool& connection_closed) {
    return process_request(strm, close_connection, connection_closed, nullptr);
  }

 private:
  // Called on the listening thread for every accepted socket (through the task queue, which runs it
  // at once).
  bool process_and_close_socket(socket_t sock) override;
  FrontDoor* door_ = nullptr;
};

// A task queue that runs each task at once on the calling thread: httplib's listening thread only
// adopts sockets, which takes microseconds.
class InlineQueue : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

}  // namespace kt::server
