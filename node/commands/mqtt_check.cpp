#include "commands/mqtt_check.hpp"

#include <fmt/format.h>

#include <iostream>

#include "commands/exit_codes.hpp"

#include "i18n/messages.hpp"
#include "mqtt/round_trip.hpp"

namespace villagecam::commands {

using i18n::Msg;
using i18n::tr;

int mqttTest(const std::string& path, double timeout) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  if (!cfg->mqtt.enabled) {
    std::cerr << tr(Msg::MqttTestNoSection, path, "mqtt:") << '\n';
    return kExitBadConfig;
  }
  const auto r = mqtt::roundTrip(cfg->mqtt, std::chrono::milliseconds(static_cast<long>(timeout * 1000)));
  if (!r.ok) {
    std::cerr << tr(Msg::Failed, "mqtt-test", r.error) << '\n';
    return kExitFailure;
  }
  std::cout << tr(Msg::MqttTestOk, "mqtt-test", r.broker, cfg->mqtt.client_id + "-test", r.topic,
                 fmt::format("{:.1f}", r.round_trip_ms))
            << '\n';
  return kExitOk;
}

}  // namespace villagecam::commands
