// One plain TCP connection attempt that says, in words an installer
// understands, why a host cannot be reached: name not resolved, connection
// refused, no answer (firewall, wrong address), or unreachable. Used where a
// library only says "could not connect": the camera worker and probe (RTSP),
// mqtt-test and the publisher's connect failures (MQTT). No GStreamer, no
// Paho: only the socket API.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace villagecam::net {

enum class TcpFailureKind { Unresolved, Refused, NoAnswer, Unreachable };

struct TcpFailure {
  TcpFailureKind kind;
  std::string reason;  // e.g. "connection refused by 10.0.0.7:554 (nothing listens on that port)"
};

// Connects once to host:port (an IPv6 literal may be in brackets) and closes.
// `what` names the peer in the reason (Msg::NounCamera, Msg::NounBroker, said). Blocks for at most
// about `timeout` (name resolution may add to it). nullopt: the connection
// succeeded, so the problem is elsewhere.
std::optional<TcpFailure> checkTcp(const std::string& host, int port, std::chrono::milliseconds timeout,
                                   const std::string& what);

}  // namespace villagecam::net
