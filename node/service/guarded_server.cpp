#include "service/guarded_server.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "util/log_text.hpp"
#include "util/logging.hpp"

namespace villagecam::service {
namespace {

std::string peerAddress(socket_t sock) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text, sizeof(text));
  }
  return text;
}

const char* reasonOf(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    default: return "Service Unavailable";
  }
}

// One connection's socket as httplib reads and writes it: each read and
// write waits at most `timeout` for the socket to be ready.
class SocketStream final : public httplib::Stream {
 public:
  SocketStream(socket_t sock, std::chrono::milliseconds timeout) : sock_(sock), timeout_(timeout) {}

  bool is_readable() const override { return ready(POLLIN); }
  bool is_writable() const override { return ready(POLLOUT); }
  ssize_t read(char* ptr, size_t size) override {
    if (!is_readable()) return -1;
    return ::recv(sock_, ptr, size, 0);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    return ::send(sock_, ptr, size, MSG_NOSIGNAL);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { address(&getpeername, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address(&getsockname, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  bool ready(short events) const {
    pollfd p{sock_, events, 0};
    int n = 0;
    do {
      n = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    } while (n < 0 && errno == EINTR);
    return n > 0 && (p.revents & (events | POLLHUP)) != 0;
  }
  void address(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (get(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<sockaddr_in*>(&addr);
      inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
      port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
      port = ntohs(in6->sin6_port);
    }
    ip = text;
  }

  socket_t sock_;
  std::chrono::milliseconds timeout_;
};

}  // namespace

GuardedServer::GuardedServer(const config::HttpConfig& config, RequestLimits limits, std::string log_name,
                             std::size_t threads)
    : config_(config), limits_(limits), log_name_(std::move(log_name)) {
  set_payload_max_length(limits_.max_body);
  new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
}

int GuardedServer::bind(const std::string& host, int port) {
  if (port == 0) {
    port = bind_to_any_port(host);
  } else if (!bind_to_port(host, port)) {
    port = -1;
  }
  if (port > 0) ::listen(svr_sock_, SOMAXCONN);  // httplib listens with a backlog of 5
  return port;
}

bool GuardedServer::trusted(const std::string& address) const {
  return std::find(config_.trusted_proxies.begin(), config_.trusted_proxies.end(), address) !=
         config_.trusted_proxies.end();
}

std::string GuardedServer::clientOf(const httplib::Request& req) const {
  if (!trusted(req.remote_addr) || !req.has_header("X-Forwarded-For")) return req.remote_addr;
  // The last address not of a trusted proxy: what the nearest proxy saw.
  const auto header = req.get_header_value("X-Forwarded-For");
  std::vector<std::string> hops;
  std::size_t at = 0;
  while (at <= header.size()) {
    auto comma = header.find(',', at);
    if (comma == std::string::npos) comma = header.size();
    auto hop = header.substr(at, comma - at);
    hop.erase(0, hop.find_first_not_of(' '));
    hop.erase(hop.find_last_not_of(' ') + 1);
    if (!hop.empty()) hops.push_back(hop);
    at = comma + 1;
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!trusted(*it)) return it->size() <= 45 && it->find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos
                                  ? *it
                                  : req.remote_addr;
  }
  return req.remote_addr;
}

bool GuardedServer::serve(httplib::Stream& stream, std::string_view request) {
  if (checkRequest(request, limits_).kind != RequestVerdict::Kind::Complete) return false;
  bool closed = false;
  try {
    return process_request(stream, /*close_connection=*/true, closed, nullptr);
  } catch (...) {
    return false;
  }
}

void GuardedServer::note(const char* what, const std::string& address) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto& last = logged_[what];
    if (last != std::chrono::steady_clock::time_point{} && now - last < std::chrono::minutes(1)) return;
    last = now;
  }
  logger(log_name_)->warn("{} from {} (logged once a minute; counted in the metrics)", what, forLog(address, 46));
}

void GuardedServer::refuse(socket_t sock, int status) {
  const std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reasonOf(status) +
                             "\r\nConnection: close\r\nContent-Length: 0\r\n" +
                             (status == 503 ? "Retry-After: 5\r\n" : "") + "\r\n";
  // Never waits for a client that does not read.
  [[maybe_unused]] const auto sent = ::send(sock, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
}

int GuardedServer::awaitRequest(socket_t sock) {
  const auto deadline = std::chrono::steady_clock::now() + config_.request_timeout;
  std::vector<char> buffer(limits_.max_head + limits_.max_body + 1);
  int lowat = 1;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 408;
    pollfd p{sock, POLLIN | POLLRDHUP, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return 408;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return -1;
    const auto n = ::recv(sock, buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return -1;  // closed before a whole request
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
      return -1;
    }
    const bool closing = (p.revents & POLLRDHUP) != 0;  // no more will come
    const auto verdict = checkRequest(std::string_view(buffer.data(), static_cast<std::size_t>(n)), limits_);
    if (verdict.kind == RequestVerdict::Kind::Complete) {
      lowat = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
      return 0;
    }
    if (verdict.kind != RequestVerdict::Kind::NeedMore) return verdict.status();
    if (closing) return -1;
    // Wake only when more than what is already here has come.
    lowat = static_cast<int>(n) + 1;
    ::setsockopt(sock, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat));
  }
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  const auto peer = peerAddress(sock);
  const bool bounded = !trusted(peer);
  const auto address = addressGroup(peer);
  bool over = false;
  {
    std::lock_guard lock(mutex_);
    over = bounded && open_[address] >= config_.max_connections_per_client;
    if (!over) ++open_[address];
  }
  if (over) {
    ++counters_.too_many;
    note("too many connections at once", address);
    refuse(sock, 503);
    return false;
  }
  struct Release {
    GuardedServer& server;
    const std::string& address;
    ~Release() {
      std::lock_guard lock(server.mutex_);
      if (--server.open_[address] <= 0) server.open_.erase(address);
    }
  } release{*this, address};
  ++counters_.accepted;
  const int status = awaitRequest(sock);
  if (status == 0) {  // the whole request is here: one request, then the connection closes
    SocketStream stream(sock, std::chrono::duration_cast<std::chrono::milliseconds>(config_.request_timeout));
    bool closed = false;
    bool ok = false;
    try {  // a content provider runs outside httplib's own catch: nothing may end a pool thread
      ok = process_request(stream, /*close_connection=*/true, closed, nullptr);
    } catch (const std::exception& e) {
      logger(log_name_)->error("a request ended with an error: {}", forLog(e.what(), 200));
    } catch (...) {
      logger(log_name_)->error("a request ended with an unknown error");
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
  }
  if (status < 0) {  // the client went away
    ::close(sock);
    return false;
  }
  if (status == 408) {
    ++counters_.timed_out;
    note("a request not complete in time (408)", address);
  } else {
    ++counters_.refused;
    note(status == 413 ? "a body over the limit (413)"
         : status == 431 ? "a head over the limit (431)"
         : status == 411 ? "a body without Content-Length (411)"
         : status == 415 ? "a compressed body (415)"
                         : "a malformed request (400)",
         address);
  }
  refuse(sock, status);
  return false;
}

}  // namespace villagecam::service
