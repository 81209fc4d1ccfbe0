#include "ingest/tcp_diagnosis.hpp"

#include "ingest/error_classifier.hpp"
#include "util/unique_fd.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace villagecam::ingest {
namespace {

struct AddrInfoFree {
  void operator()(addrinfo* a) const { if (a) freeaddrinfo(a); }
};

}  // namespace

int defaultPort(const config::RtspUrl& url) {
  if (url.port) return url.port;
  return url.scheme == "rtsps" ? 322 : 554;
}

std::optional<StreamFailure> diagnoseTcp(const config::RtspUrl& url, std::chrono::milliseconds timeout) {
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string where = url.host + ":" + std::to_string(defaultPort(url));
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(defaultPort(url)).c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> addresses(raw);
  if (rc != 0) {
    return StreamFailure{FailureKind::Unreachable, "camera host name '" + url.host + "' not resolved (" + gai_strerror(rc) + ")"};
  }
  int last_error = 0;
  for (addrinfo* a = addresses.get(); a; a = a->ai_next) {
    UniqueFd s(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (s.get() < 0) continue;
    if (::connect(s.get(), a->ai_addr, a->ai_addrlen) == 0) return std::nullopt;
    if (errno != EINPROGRESS) {
      last_error = errno;
      continue;
    }
    pollfd p{s.get(), POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
      return StreamFailure{FailureKind::Timeout, "no answer from " + where + " (wrong address, or a firewall drops it)"};
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) return std::nullopt;
    last_error = err;
  }
  switch (last_error) {
    case ECONNREFUSED:
      return StreamFailure{FailureKind::Refused, "connection refused by " + where + " (nothing listens on that port)"};
    case ENETUNREACH:
    case EHOSTUNREACH:
      return StreamFailure{FailureKind::Unreachable, "camera address " + where + " unreachable (" + std::strerror(last_error) + ")"};
    default:
      return StreamFailure{FailureKind::Refused, "cannot connect to " + where + " (" + std::strerror(last_error) + ")"};
  }
}

StreamFailure explainFailure(StreamFailure failure, const config::RtspUrl& url, std::chrono::milliseconds timeout) {
  if (failure.reason != kCouldNotConnect) return failure;
  if (auto why = diagnoseTcp(url, timeout)) return *why;
  return failure;
}

}  // namespace villagecam::ingest
