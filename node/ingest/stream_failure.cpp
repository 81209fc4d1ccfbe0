#include "ingest/stream_failure.hpp"

#include "i18n/messages.hpp"
#include "net/tcp_check.hpp"

namespace villagecam::ingest {
namespace {

health::FailureKind kindOf(net::TcpFailureKind k) {
  switch (k) {
    case net::TcpFailureKind::Unresolved:
    case net::TcpFailureKind::Unreachable: return health::FailureKind::Unreachable;
    case net::TcpFailureKind::NoAnswer: return health::FailureKind::Timeout;
    case net::TcpFailureKind::Refused: return health::FailureKind::Refused;
  }
  return health::FailureKind::Other;
}

}  // namespace

std::string couldNotConnect() { return i18n::tr(i18n::Msg::CamCouldNotConnect); }

int defaultPort(const config::RtspUrl& url) {
  if (url.port) return url.port;
  return url.scheme == "rtsps" ? 322 : 554;
}

StreamFailure explainFailure(StreamFailure failure, const config::RtspUrl& url, std::chrono::milliseconds timeout) {
  if (failure.reason != couldNotConnect()) return failure;
  if (auto why = net::checkTcp(url.host, defaultPort(url), timeout, i18n::tr(i18n::Msg::NounCamera))) {
    return StreamFailure{kindOf(why->kind), std::move(why->reason)};
  }
  return failure;
}

}  // namespace villagecam::ingest
