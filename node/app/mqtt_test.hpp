// `villagecam-node mqtt-test`: one round trip through the configured broker
// with the node's TLS settings and credentials, for installers.
#pragma once

#include <string>

#include "config/config.hpp"

namespace villagecam::app {

struct MqttTestResult {
  bool ok = false;
  std::string broker;   // the one that answered
  std::string topic;    // the test topic used
  double round_trip_ms = 0;
  std::string error;    // plain words: name not resolved, refused, TLS, credentials, ACL
};

MqttTestResult runMqttTest(const config::MqttConfig& mqtt, std::chrono::milliseconds timeout);

}  // namespace villagecam::app
