// One round trip through the configured broker with the node's TLS settings
// and credentials, under a client id of its own (so a running node is not
// thrown off): connect, subscribe to a fresh test topic, publish, read it back.
// What `villagecam-node mqtt-test` reports to an installer.
#pragma once

#include <chrono>
#include <string>

#include "config/config.hpp"

namespace villagecam::mqtt {

struct MqttTestResult {
  bool ok = false;
  std::string broker;   // the one that answered
  std::string topic;    // the test topic used
  double round_trip_ms = 0;
  std::string error;    // plain words: name not resolved, refused, TLS, credentials, ACL
};

MqttTestResult roundTrip(const config::MqttConfig& mqtt, std::chrono::milliseconds timeout);

}  // namespace villagecam::mqtt
