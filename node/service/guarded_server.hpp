// cpp-httplib's server with the limits every client meets, for the node's
// endpoint and the county console alike:
// - a request's head and body (Content-Length, at most RequestLimits) must
//   all have arrived within http.request_timeout, before a handler's thread
//   reads a byte of it: a slow client (slowloris) is answered 408 and let go,
//   an oversized one 413/431, a chunked one 411, all before anything is read
//   into memory (the bytes are peeked at, the socket's low-water mark set so
//   the wait costs nothing);
// - one address (an IPv6 /64) holds at most http.max_connections_per_client
//   connections (trusted proxies excepted); more are answered 503 at once.
//   The pool is finite: many addresses at once can still hold every thread,
//   each for at most request_timeout (docs/county.md, Security);
// - one request per connection, so every request passes the gate; reads and
//   writes of the answer wait at most http.request_timeout each, so a
//   client that stops reading (a stalled live page) lets its thread go.
// Refusals are counted and logged at most once a minute per kind.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "util/request_gate.hpp"

namespace villagecam::service {

class GuardedServer : public httplib::Server {
 public:
  struct Counters {
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> too_many{0};   // per-address bound
    std::atomic<std::uint64_t> timed_out{0};  // head or body not in time
    std::atomic<std::uint64_t> refused{0};    // too large, chunked, malformed
  };

  // threads: the pool that serves connections (each waits for its request
  // in one, at most request_timeout).
  GuardedServer(const config::HttpConfig& config, RequestLimits limits, std::string log_name, std::size_t threads);

  // Binds to host:port (0: any free port) with a listen backlog of
  // SOMAXCONN, so a flood of connections does not drop the SYNs of others;
  // returns the port, or -1.
  int bind(const std::string& host, int port);

  const Counters& counters() const { return counters_; }

  // Serves one request read from `stream`, the gate's limits checked first,
  // as a connection would be (for the fuzzer, which has no socket); false
  // if the request was refused or not served.
  bool serve(httplib::Stream& stream, std::string_view request);
  // The client a request comes from: its address, or the address a trusted
  // proxy names last in X-Forwarded-For.
  std::string clientOf(const httplib::Request& req) const;
  bool trusted(const std::string& address) const;

 protected:
  bool process_and_close_socket(socket_t sock) override;

 private:
  // Waits for the whole request; 0 when it is there, else the status to answer.
  int awaitRequest(socket_t sock);
  void refuse(socket_t sock, int status);
  void note(const char* what, const std::string& address);

  config::HttpConfig config_;
  RequestLimits limits_;
  std::string log_name_;
  Counters counters_;
  std::mutex mutex_;
  std::map<std::string, int> open_;  // connections per address
  std::map<std::string, std::chrono::steady_clock::time_point> logged_;  // per kind of refusal
};

}  // namespace villagecam::service
