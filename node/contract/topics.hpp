// Every MQTT topic the node uses, built in one place (docs/mqtt.md).
#pragma once

#include <string>

namespace villagecam::contract::topics {

inline std::string state(const std::string& prefix) { return prefix + "/state"; }
inline std::string status(const std::string& prefix) { return prefix + "/status"; }
inline std::string alerts(const std::string& prefix) { return prefix + "/alerts"; }
inline std::string cameraStatus(const std::string& prefix, const std::string& camera) {
  return prefix + "/cameras/" + camera + "/status";
}
inline std::string cameraSnapshot(const std::string& prefix, const std::string& camera) {
  return prefix + "/cameras/" + camera + "/snapshot";
}
// One snapshot an alert names, published just before that alert (not retained).
inline std::string snapshot(const std::string& prefix, const std::string& id) { return prefix + "/snapshots/" + id; }
inline std::string coverage(const std::string& prefix) { return prefix + "/coverage"; }
// What the county asks of the node (published by the county only), and the node's answers.
inline std::string commands(const std::string& prefix) { return prefix + "/commands"; }
inline std::string replies(const std::string& prefix) { return prefix + "/replies"; }
inline std::string mqttTest(const std::string& prefix, const std::string& token) {
  return prefix + "/mqtt-test/" + token;
}

}  // namespace villagecam::contract::topics
