// Index: [Helpers] [Reading a request's head] [Workers] [Connections] [The reader thread]
// [GuardedHttp]
#include "server/front_door.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace kt::server {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Helpers
// ---------------------------------------------------------------------------------------------------------

namespace {

using Clock = std::chrono::steady_clock;

const char* reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool tchar(unsigned char c) {
  return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Best effort, never blocking: what a refused client gets, or "100 Continue".
void send_now(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

std::string answer(int status, const std::string& code, const std::string& message,
                   const httplib::Headers& extra, int retry_after) {
  const std::string body = nlohmann::json{{"error", code}, {"message", message}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
  out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\nCache-Control: no-store\r\n";
  if (retry_after > 0) out += "Retry-After: " + std::to_string(retry_after) + "\r\n";
  for (const auto& [k, v] : extra) out += k + ": " + v + "\r\n";
  out += "\r\n";
  return out + body;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Reading a request's head
// ---------------------------------------------------------------------------------------------------------

struct Head {
  int status = 0;  // 0: the head is good; otherwise the refusal
  std::string code, message;
  std::string method, target;
  std::string
      normalized;  // request line and headers as httplib will read them (ends with the empty line)
  std::size_t content_length = 0;
  bool expect_continue = false;
};

Head refused(Head h, int status, std::string code, std::string message) {
  h.status = status;
  h.code = std::move(code);
  h.message = std::move(message);
  return h;
}

bool host_allowed(std::string_view host, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  // "name:port", "[v6]:port", "name": compare with and without the port.
  std::string_view name = host;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close != std::string_view::npos) name = host.substr(0, close + 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    name = host.substr(0, colon);
  }
  for (const auto& a : allowed)
    if (iequals(a, host) || iequals(a, name)) return true;
  return false;
}

// Checks a request's head strictly (RFC 9110/9112, with the choices a small API server can afford:
// CRLF line ends only, no folding, one Content-Length, no transfer or content codings in requests).
Head read_head(std::string_view text, const FrontLimits& lim) {
  Head h;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))
      return refused(h, 400, "bad_request", "a bare CR in the request head");
    if (c == '\n' && (i == 0 || text[i - 1] != '\r'))
      return refused(h, 400, "bad_request", "a bare LF in the request head");
    if (c == 0) return refused(h, 400, "bad_request", "a NUL byte in the request head");
  }
  size_t eol = text.find("\r\n");
  const std::string_view line = text.substr(0, eol);
  // Request line: METHOD SP target SP HTTP/1.x
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos)
    return refused(h, 400, "bad_request", "the request line is not METHOD TARGET VERSION");
  h.method = std::string(line.substr(0, sp1));
  h.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const std::string_view version = line.substr(sp2 + 1);
  for (unsigned char c : h.method)
    if (!tchar(c)) return refused(h, 400, "bad_request", "the method is not a token");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.substr(0, 5) == "HTTP/")
      return refused(h, 505, "http_version", "only HTTP/1.0 and HTTP/1.1");
    return refused(h, 400, "bad_request", "the request line has no HTTP version");
  }
  static const char* kMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  if (std::none_of(std::begin(kMethods), std::end(kMethods),
                   [&](const char* m) { return h.method == m; }))
    return refused(h, 501, "not_implemented", "the method " + h.method + " is not served here");
  if (h.target.empty() || h.target.front() != '/')
    return refused(h, 400, "bad_request", "the target must be a path");
  for (unsigned char c : h.target)
    if (c <= 0x20 || c >= 0x7f)
      return refused(h, 400, "bad_request", "the target has a byte that must be percent-encoded");
  // A percent-encoded NUL or line break would cut the path or forge log lines after httplib decodes
  // it.
  for (size_t p = h.target.find('%'); p != std::string::npos; p = h.target.find('%', p + 1)) {
    if (p + 2 >= h.target.size() || !std::isxdigit(static_cast<unsigned char>(h.target[p + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(h.target[p + 2])))
      return refused(h, 400, "bad_request", "a malformed percent-encoding in the target");
    const int v = std::stoi(h.target.substr(p + 1, 2), nullptr, 16);
    if (v < 0x20 || v == 0x7f)
      return refused(h, 400, "bad_request", "the target encodes a control character");
  }

  h.normalized.reserve(text.size());
  h.normalized.append(line).append("\r\n");
  size_t headers = 0, lengths = 0, hosts = 0;
  bool has_length = false, chunked = false,
       expects_body = h.method == "POST" || h.method == "PUT" || h.method == "PATCH";
  std::string host;
  for (size_t at = eol + 2; at < text.size();) {
    const size_t end = text.find("\r\n", at);
    const std::string_view l = text.substr(at, end - at);
    at = end + 2;
    if (l.empty()) break;  // the end of the head
    if (++headers > lim.max_headers)
      return refused(h, 431, "headers_too_large",
                     "more than " + std::to_string(lim.max_headers) + " headers");
    if (l.front() == ' ' || l.front() == '\t')
      return refused(h, 400, "bad_request", "a folded header line");
    const size_t colon = l.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return refused(h, 400, "bad_request", "a header line without a name");
    const std::string_view name = l.substr(0, colon);
    for (unsigned char c : name)
      if (!tchar(c))
        return refused(h, 400, "bad_request", "a header name with a character that is not allowed");
    const std::string_view value = trim(l.substr(colon + 1));
    for (unsigned char c : value)
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return refused(h, 400, "bad_request", "a control character in a header value");
    if (iequals(name, "Content-Length")) {
      if (++lengths > 1) return refused(h, 400, "bad_request", "more than one Content-Length");
      if (value.empty() || value.size() > 15 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return refused(h, 400, "bad_request", "Content-Length is not a number");
      h.content_length = std::stoull(std::string(value));
      has_length = true;
    } else if (iequals(name, "Transfer-Encoding")) {
      chunked = true;
    } else if (iequals(name, "Content-Encoding")) {
      if (!iequals(value, "identity"))
        return refused(h, 415, "encoded_body",
                       "request bodies are taken without a Content-Encoding");
      continue;
    } else if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue"))
        return refused(h, 417, "expectation_failed", "only Expect: 100-continue");
      h.expect_continue = true;
      continue;  // answered here; httplib must not answer it a second time
    } else if (iequals(name, "Host")) {
      ++hosts;
      host = std::string(value);
    }
    h.normalized.append(l).append("\r\n");
  }
  if (chunked && has_length)
    return refused(h, 400, "bad_request", "both Transfer-Encoding and Content-Length");
  if (chunked) return refused(h, 411, "length_required", "send the body with a Content-Length");
  if (hosts > 1 || (hosts == 0 && version == "HTTP/1.1"))
    return refused(h, 400, "bad_request", "HTTP/1.1 needs one Host header");
  if (hosts == 1 && !host_allowed(host, lim.allowed_hosts))
    return refused(h, 421, "wrong_host", "this server does not answer for " + host);
  if (h.content_length > lim.max_body)
    return refused(h, 413, "too_large",
                   "the body is larger than " + std::to_string(lim.max_body >> 20) + " MiB");
  // httplib reads a POST without a length up to the end of the stream: say it is empty.
  if (!has_length && expects_body) h.normalized.append("Content-Length: 0\r\n");
  if (!h.expect_continue || h.content_length == 0) h.expect_continue = false;
  h.normalized.append("\r\n");
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Workers
// ---------------------------------------------------------------------------------------------------------

namespace {

// Worker threads started as requests need them, up to `max`; threads stay for later bursts (an idle
// one costs a stack). A long poll holds its worker while it waits; nothing else does between
// requests.
class WorkerPool {
 public:
  WorkerPool(size_t max, size_t queued) : max_(std::max<size_t>(1, max)), queued_(queued) {}
  ~WorkerPool() { shutdown(); }

  // False when every worker is busy, no more may start and the queue is full (the caller refuses).
  bool try_enqueue(std::function<void()> fn) {
    std::unique_lock lock(mu_);
    if (stopping_) return false;
    const bool idle_one = idle_ > jobs_.size();
    if (!idle_one && threads_.size() >= max_ && jobs_.size() >= queued_) return false;
    jobs_.push_back(std::move(fn));
    if (idle_one || threads_.size() >= max_) {
      lock.unlock();
      cv_.notify_one();
      return true;
    }
    threads_.emplace_back([this] { work(); });
    return true;
  }

  void shutdown() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads) t.join();
  }

  size_t busy() const {
    std::lock_guard lock(mu_);
    return threads_.size() - idle_ + jobs_.size();
  }

 private:
  void work() {
    std::unique_lock lock(mu_);
    for (;;) {
      ++idle_;
      cv_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
      --idle_;
      if (jobs_.empty()) return;  // stopping, and nothing left to serve
      auto fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  const size_t max_, queued_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Connections
// ---------------------------------------------------------------------------------------------------------

namespace {

struct Conn {
  int fd = -1;
  std::string ip;
  int port = 0;
  enum class Phase { Idle, Head, Body, Busy, Lingering } phase = Phase::Idle;
  Clock::time_point deadline;
  std::string in;       // bytes read that no served request has taken yet
  Head head;            // the request being read (after its head)
  size_t head_len = 0;  // bytes of `in` its head took
  size_t reserved = 0;  // body bytes reserved from the budget
  std::string request;  // the checked request handed to a worker: normalized head, then the body
  size_t served = 0;
};

// The stream httplib reads a checked request from (memory) and writes its answer to (the socket,
// waiting for it to drain, up to the write timeout without progress).
class RequestStream : public httplib::Stream {
 public:
  RequestStream(const Conn& c, int write_timeout_ms) : c_(c), write_timeout_ms_(write_timeout_ms) {}
  bool is_readable() const override { return pos_ < c_.request.size(); }
  bool is_writable() const override {
    pollfd p{c_.fd, POLLOUT, 0};
    return ::poll(&p, 1, write_timeout_ms_) > 0 && (p.revents & POLLOUT);
  }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, c_.request.size() - pos_);
    std::memcpy(ptr, c_.request.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::send(c_.fd, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return failed();
      pollfd p{c_.fd, POLLOUT, 0};
      if (::poll(&p, 1, write_timeout_ms_) <= 0 || (p.revents & (POLLERR | POLLHUP)))
        return failed();
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.ip;
    port = c_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof a;
    ip.clear();
    port = 0;
    if (::getsockname(c_.fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return;
    char buf[INET6_ADDRSTRLEN] = "";
    if (a.ss_family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
      ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
      port = ntohs(v4->sin_port);
    } else if (a.ss_family == AF_INET6) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
      port = ntohs(v6->sin6_port);
    }
    ip = buf;
  }
  socket_t socket() const override { return c_.fd; }
  bool broken() const { return broken_; }

 private:
  ssize_t failed() {
    broken_ = true;
    return -1;
  }
  const Conn& c_;
  const int write_timeout_ms_;
  size_t pos_ = 0;
  bool broken_ = false;
};

bool peer_of(int fd, std::string* ip, int* port) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return false;
  char buf[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    *port = ntohs(v4->sin_port);
  } else if (a.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    *port = ntohs(v6->sin6_port);
  } else {
    return false;
  }
  *ip = buf;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] The reader thread
// ---------------------------------------------------------------------------------------------------------

struct FrontDoor::Impl {
  FrontLimits lim;
  Serve serve;
  httplib::Headers answer_headers;
  std::function<void(const Refusal&)> log;
  WorkerPool pool;
  int ep = -1, wake = -1;
  std::thread reader;

  // Shared with the listening thread and the workers.
  std::mutex mu;
  bool stopping = false;
  std::deque<std::shared_ptr<Conn>> inbox;  // adopted or served, for the reader to (re)register
  std::unordered_map<std::string, size_t> per_address;
  size_t open = 0;
  std::atomic<size_t> budget_used{0};

  // The reader's own: the connections it watches (none that a worker holds).
  std::unordered_map<int, std::shared_ptr<Conn>> conns;

  Impl(FrontLimits l, Serve s, httplib::Headers h, std::function<void(const Refusal&)> lg)
      : lim(std::move(l)),
        serve(std::move(s)),
        answer_headers(std::move(h)),
        log(std::move(lg)),
        pool(lim.workers, lim.queued) {
    ep = ::epoll_create1(EPOLL_CLOEXEC);
    wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ep < 0 || wake < 0) throw std::runtime_error("cannot create the front door's epoll");
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = wake;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, wake, &e);
    reader = std::thread([this] { run(); });
  }

  ~Impl() {
    stop();
    ::close(ep);
    ::close(wake);
  }

  void stop() {
    {
      std::lock_guard l(mu);
      if (stopping) return;
      stopping = true;
    }
    poke();
    if (reader.joinable()) reader.join();
    pool.shutdown();
  }

  void poke() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake, &one, sizeof one);
  }

  void note(const Conn& c, const std::string& method, const std::string& target, int status) {
    if (log) log(Refusal{method, target, c.ip, status});
  }

  // Closes a connection for good and gives back what it held.
  void finish(const std::shared_ptr<Conn>& c) {
    if (c->fd < 0) return;
    release_body(*c);
    ::close(c->fd);
    c->fd = -1;
    std::lock_guard l(mu);
    --open;
    if (auto it = per_address.find(c->ip); it != per_address.end() && --it->second == 0)
      per_address.erase(it);
  }

  void release_body(Conn& c) {
    if (c.reserved) budget_used.fetch_sub(c.reserved);
    c.reserved = 0;
  }

  bool reserve_body(Conn& c, size_t n) {
    size_t used = budget_used.load();
    do {
      if (used + n > lim.body_budget) return false;
    } while (!budget_used.compare_exchange_weak(used, used + n));
    c.reserved = n;
    return true;
  }

  // Listening thread: counts the connection against the caps, or refuses it at once.
  void adopt(int fd) {
    auto c = std::make_shared<Conn>();
    c->fd = fd;
    if (!peer_of(fd, &c->ip, &c->port)) c->ip = "?";
    std::string why;
    {
      std::lock_guard l(mu);
      if (stopping)
        why = "the server is stopping";
      else if (open >= lim.max_connections)
        why = "the server has too many open connections";
      else if (per_address[c->ip] >= lim.max_per_address)
        why = "too many open connections from your address";
      if (why.empty()) {
        ++open;
        ++per_address[c->ip];
      } else if (per_address[c->ip] == 0) {
        per_address.erase(c->ip);
      }
    }
    if (!why.empty()) {
      send_now(fd, answer(503, "busy", why + "; try again in a few seconds", answer_headers, 5));
      ::close(fd);
      note(*c, "-", "-", 503);
      return;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->phase =
        Conn::Phase::Head;  // a new connection's first byte is due within the head's deadline
    c->deadline = Clock::now() + std::chrono::milliseconds(lim.head_timeout_ms);
    {
      std::lock_guard l(mu);
      inbox.push_back(std::move(c));
    }
    poke();
  }

  // A worker has answered and the connection goes on: back to the reader for its next request.
  void resume(const std::shared_ptr<Conn>& c) {
    bool queued = false;
    {
      std::lock_guard l(mu);
      if (!stopping) {
        c->phase = Conn::Phase::Idle;
        c->deadline = Clock::now() + std::chrono::milliseconds(lim.idle_timeout_ms);
        inbox.push_back(c);
        queued = true;
      }
    }
    if (queued)
      poke();
    else
      finish(c);
  }

  void watch(const std::shared_ptr<Conn>& c) {
    epoll_event e{};
    e.events = EPOLLIN | EPOLLRDHUP;
    e.data.fd = c->fd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
    conns[c->fd] = c;
  }

  void unwatch(const std::shared_ptr<Conn>& c) {
    ::epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
    conns.erase(c->fd);
  }

  // Answers a refusal and lets the connection drain briefly before closing, so that the client
  // reads the answer instead of a reset.
  void refuse(const std::shared_ptr<Conn>& c, int status, const std::string& code,
              const std::string& message, int retry_after = 0) {
    note(*c, c->head.method.empty() ? "-" : c->head.method,
         c->head.target.empty() ? "-" : c->head.target, status);
    release_body(*c);
    send_now(c->fd, answer(status, code, message, answer_headers, retry_after));
    ::shutdown(c->fd, SHUT_WR);
    c->phase = Conn::Phase::Lingering;
    c->in.clear();
    c->deadline = Clock::now() + std::chrono::seconds(2);
    if (!conns.count(c->fd)) watch(c);
  }

  void close_watched(const std::shared_ptr<Conn>& c) {
    unwatch(c);
    finish(c);
  }

  // Reads what the socket has, then moves the request on (or closes a connection the client
  // closed).
  void on_readable(const std::shared_ptr<Conn>& c) {
    char buf[16384];
    size_t dropped = 0;
    for (;;) {
      const ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (c->phase == Conn::Phase::Lingering) {  // drained and dropped, a bounded amount per turn
          if ((dropped += static_cast<size_t>(n)) >= 256 * 1024) break;
          continue;
        }
        c->in.append(buf, static_cast<size_t>(n));
        // Never more than one request's worth plus the next head: the rest waits in the socket.
        const size_t cap =
            (c->phase == Conn::Phase::Body ? c->head_len + c->head.content_length : 0) +
            lim.max_head + 4;
        if (c->in.size() >= cap) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      // The client closed (or the socket failed): nothing to answer.
      return close_watched(c);
    }
    if (c->phase != Conn::Phase::Lingering) progress(c);
  }

  // Moves the connection's request on with the bytes it has: head, body, then a worker.
  void progress(const std::shared_ptr<Conn>& c) {
    using P = Conn::Phase;
    if (c->phase == P::Idle || c->phase == P::Head) {
      size_t skip = 0;  // empty lines before a request are allowed (RFC 9112 2.2)
      while (c->in.size() >= skip + 2 && c->in.compare(skip, 2, "\r\n") == 0) skip += 2;
      if (skip) c->in.erase(0, skip);
      if (c->in.empty()) return;
      if (c->phase == P::Idle) {
        c->phase = P::Head;
        c->deadline = Clock::now() + std::chrono::milliseconds(lim.head_timeout_ms);
      }
      const size_t first_eol = c->in.find("\r\n");
      if ((first_eol == std::string::npos ? c->in.size() : first_eol) > lim.max_request_line)
        return refuse(
            c, 414, "uri_too_long",
            "the request line is longer than " + std::to_string(lim.max_request_line) + " bytes");
      const size_t end = c->in.find("\r\n\r\n");
      if (end == std::string::npos || end + 4 > lim.max_head) {
        if (c->in.size() >= lim.max_head || end != std::string::npos)
          return refuse(
              c, 431, "headers_too_large",
              "the request head is larger than " + std::to_string(lim.max_head >> 10) + " KiB");
        return;  // more to come
      }
      c->head_len = end + 4;
      c->head = read_head(std::string_view(c->in).substr(0, c->head_len), lim);
      if (c->head.status) return refuse(c, c->head.status, c->head.code, c->head.message);
      if (c->head.content_length && !reserve_body(*c, c->head.content_length))
        return refuse(c, 503, "busy",
                      "the server is receiving too much at once; try again in a few seconds", 5);
      c->phase = P::Body;
      const auto body_ms =
          1000 * static_cast<long long>(c->head.content_length /
                                        std::max<size_t>(1, lim.body_bytes_per_second));
      c->deadline += std::chrono::milliseconds(body_ms);
      if (c->head.expect_continue && c->in.size() < c->head_len + c->head.content_length)
        send_now(c->fd, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (c->phase == P::Body) {
      const size_t total = c->head_len + c->head.content_length;
      if (c->in.size() < total) return;  // more to come
      c->request.clear();
      c->request.reserve(c->head.normalized.size() + c->head.content_length);
      c->request.append(c->head.normalized).append(c->in, c->head_len, c->head.content_length);
      c->in.erase(0, total);
      dispatch(c);
    }
  }

  void dispatch(const std::shared_ptr<Conn>& c) {
    unwatch(c);
    c->phase = Conn::Phase::Busy;
    const bool queued = pool.try_enqueue([this, c] {
      RequestStream strm(*c, lim.write_timeout_ms);
      bool closed = false;
      const bool close = c->served + 1 >= lim.max_requests_per_connection;
      bool ok = false;
      try {
        ok = serve(strm, close, closed);
      } catch (...) {
        ok = false;  // httplib answers handler exceptions itself; anything else ends the connection
      }
      ++c->served;
      c->head = Head{};
      std::string().swap(c->request);
      release_body(*c);
      if (!ok || closed || close || strm.broken())
        finish(c);
      else
        resume(c);
    });
    if (!queued) refuse(c, 503, "busy", "every worker is busy; try again in a few seconds", 5);
  }

  void expire(Clock::time_point now) {
    std::vector<std::shared_ptr<Conn>> due;
    for (auto& [fd, c] : conns)
      if (now >= c->deadline) due.push_back(c);
    for (auto& c : due) {
      // Half a request: it gets an answer. A connection that said nothing (new, or kept alive after
      // its last answer) or has had its answer is simply closed.
      const bool partial =
          (c->phase == Conn::Phase::Head && !c->in.empty()) || c->phase == Conn::Phase::Body;
      if (partial)
        refuse(c, 408, "timeout", "the request did not arrive in time");
      else
        close_watched(c);
    }
  }

  void run() {
    std::vector<epoll_event> events(256);
    auto next_scan = Clock::now();
    for (;;) {
      const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
      std::deque<std::shared_ptr<Conn>> fresh;
      bool stop_now = false;
      {
        std::lock_guard l(mu);
        fresh.swap(inbox);
        stop_now = stopping;
      }
      if (stop_now) {
        for (auto& c : fresh) finish(c);
        std::vector<std::shared_ptr<Conn>> all;
        for (auto& [fd, c] : conns) all.push_back(c);
        for (auto& c : all) close_watched(c);
        return;
      }
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake) {
          std::uint64_t v;
          [[maybe_unused]] auto r = ::read(wake, &v, sizeof v);
          continue;
        }
        auto it = conns.find(fd);
        if (it == conns.end()) continue;
        auto c = it->second;  // keeps it alive while it may be closed
        on_readable(c);
      }
      for (auto& c : fresh) {
        watch(c);
        if (!c->in.empty()) progress(c);  // a pipelined request already read
      }
      const auto now = Clock::now();
      if (now >= next_scan) {
        expire(now);
        next_scan = now + std::chrono::milliseconds(100);
      }
    }
  }
};

FrontDoor::FrontDoor(FrontLimits limits, Serve serve, httplib::Headers answer_headers,
                     std::function<void(const Refusal&)> log)
    : impl_(std::make_unique<Impl>(std::move(limits), std::move(serve), std::move(answer_headers),
                                   std::move(log))) {}

FrontDoor::~FrontDoor() = default;

void FrontDoor::adopt(int fd) {
  impl_->adopt(fd);
}

void FrontDoor::stop() {
  impl_->stop();
}

std::size_t FrontDoor::connections() const {
  std::lock_guard l(impl_->mu);
  return impl_->open;
}

// A request's text for the log: control characters, quotes and bytes outside ASCII as \xNN, so that
// a path can never forge a line or a field of its own.
std::string log_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] GuardedHttp
// ---------------------------------------------------------------------------------------------------------

bool GuardedHttp::process_and_close_socket(socket_t sock) {
  if (!door_) {
    ::close(sock);
    return false;
  }
  door_->adopt(sock);
  return true;
}

}  // namespace kt::server
