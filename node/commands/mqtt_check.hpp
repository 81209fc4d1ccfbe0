// `villagecam-node mqtt-test`: one round trip through the configured broker
// with the node's TLS settings and credentials, for installers.
#pragma once

#include <string>

namespace villagecam::commands {

// Loads the config, makes the round trip (mqtt::roundTrip) and prints the
// outcome in plain words.
int mqttTest(const std::string& config_path, double timeout_s);

}  // namespace villagecam::commands
