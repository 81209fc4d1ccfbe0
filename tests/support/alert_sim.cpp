// villagecam-alert-sim: raises numbered alerts through the node's real
// Outbox and Publisher, for the delivery tests and the MQTT benchmark.
//
//   villagecam-alert-sim --broker URI --state DIR [--count N] [--prefix P]
//                        [--max-alerts N] [--rate PER_S]
// Prints "RAISED <n>" once n alerts are on disk, "DRAINED" whenever the
// outbox becomes empty, and runs until its input closes or SIGTERM.
#include <fmt/format.h>
#include <signal.h>

#include <iostream>
#include <string>
#include <thread>

#include "events/alert.hpp"
#include "mqtt/outbox.hpp"
#include "contract/payloads.hpp"
#include "mqtt/publisher.hpp"
#include "util/logging.hpp"

using namespace villagecam;

int main(int argc, char** argv) {
  std::string broker, state, prefix = "villagecam/sim";
  long count = 0, max_alerts = 100000;
  double rate = 0;  // alerts per second; 0: as fast as the disk allows
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--broker") broker = value;
    else if (arg == "--state") state = value;
    else if (arg == "--count") count = std::stol(value);
    else if (arg == "--prefix") prefix = value;
    else if (arg == "--max-alerts") max_alerts = std::stol(value);
    else if (arg == "--rate") rate = std::stod(value);
    else {
      std::cerr << "unknown argument " << arg << "\n";
      return 2;
    }
  }
  setupLogging(LogLevel::Warn);
  config::MqttConfig cfg;
  cfg.enabled = true;
  cfg.brokers = {broker};
  cfg.client_id = "villagecam-sim-" + std::to_string(::getpid());
  cfg.topic_prefix = prefix;
  cfg.reconnect_min = config::Seconds(1);
  cfg.reconnect_max = config::Seconds(2);
  cfg.keepalive = config::Seconds(5);
  auto outbox = std::make_shared<villagecam::mqtt::Outbox>(std::string(state) + "/outbox",
                                               villagecam::mqtt::Outbox::Limits{static_cast<size_t>(max_alerts), 1u << 30});
  villagecam::mqtt::Publisher publisher(cfg, outbox);
  publisher.start();

  // The node speaks for itself: its id is its topic prefix's last level.
  const std::string node_id = prefix.substr(prefix.rfind('/') + 1);
  const auto start = std::chrono::steady_clock::now();
  for (long i = 1; i <= count; ++i) {
    events::Alert a;
    a.id = events::newAlertId();
    a.type = events::AlertType::CameraOffline;
    a.severity = events::Severity::Critical;
    a.camera_id = fmt::format("cam{:06}", i);
    a.camera_name = a.camera_id;
    a.started_at = std::chrono::system_clock::now();
    a.reason_code = "refused";
    a.detail = "simulated";
    a.message = events::renderMessage(a, config::Language::En);
    outbox->push(villagecam::contract::alertJson(a, node_id, config::Language::En).dump());
    publisher.wake();
    if (rate > 0) std::this_thread::sleep_until(start + std::chrono::duration<double>(i / rate));
  }
  std::cout << "RAISED " << count << " dropped=" << outbox->dropped() << std::endl;

  // Report when the outbox empties; end when stdin closes.
  std::thread watcher([&] {
    bool was_empty = false;
    while (true) {
      const bool empty = outbox->depth() == 0;
      if (empty && !was_empty) std::cout << "DRAINED sent=" << publisher.stats().alerts_sent << std::endl;
      was_empty = empty;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  watcher.detach();
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  publisher.stop(std::chrono::seconds(1));
  std::_Exit(0);
}
