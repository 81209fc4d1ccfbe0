#include "net/tcp_check.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "i18n/messages.hpp"
#include "util/unique_fd.hpp"

namespace villagecam::net {

using i18n::Msg;
using i18n::tr;

namespace {

struct AddrInfoFree {
  void operator()(addrinfo* a) const {
    if (a) freeaddrinfo(a);
  }
};

}  // namespace

std::optional<TcpFailure> checkTcp(const std::string& host_text, int port, std::chrono::milliseconds timeout,
                                   const std::string& what) {
  std::string host = host_text;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const std::string where = host_text + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &raw);
  std::unique_ptr<addrinfo, AddrInfoFree> addresses(raw);
  if (rc != 0) {
    return TcpFailure{TcpFailureKind::Unresolved, tr(Msg::TcpUnresolved, what, host_text, gai_strerror(rc))};
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
      return TcpFailure{TcpFailureKind::NoAnswer, tr(Msg::TcpNoAnswer, where)};
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) return std::nullopt;
    last_error = err;
  }
  switch (last_error) {
    case ECONNREFUSED:
      return TcpFailure{TcpFailureKind::Refused, tr(Msg::TcpRefused, where)};
    case ENETUNREACH:
    case EHOSTUNREACH:
      return TcpFailure{TcpFailureKind::Unreachable, tr(Msg::TcpUnreachable, what, where, std::strerror(last_error))};
    default:
      return TcpFailure{TcpFailureKind::Refused, tr(Msg::TcpCannotConnect, where, std::strerror(last_error))};
  }
}

}  // namespace villagecam::net
