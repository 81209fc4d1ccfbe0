#include "commands/mqtt_check.hpp"

#include <fmt/format.h>

#include <iostream>

#include "commands/exit_codes.hpp"

#include "mqtt/round_trip.hpp"

namespace villagecam::commands {

int mqttTest(const std::string& path, double timeout) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  if (!cfg->mqtt.enabled) {
    std::cerr << path << ": no mqtt: section; nothing to test\n";
    return kExitBadConfig;
  }
  const auto r = mqtt::roundTrip(cfg->mqtt, std::chrono::milliseconds(static_cast<long>(timeout * 1000)));
  if (!r.ok) {
    std::cerr << "mqtt-test: FAILED: " << r.error << '\n';
    return kExitFailure;
  }
  std::cout << fmt::format("mqtt-test: OK: {} as {}; published and read back {} in {:.1f} ms\n", r.broker,
                           cfg->mqtt.client_id + "-test", r.topic, r.round_trip_ms);
  return kExitOk;
}

}  // namespace villagecam::commands
