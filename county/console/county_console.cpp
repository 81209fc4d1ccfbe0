#include "console/county_console.hpp"

#include "live/views.hpp"
#include "service/signals.hpp"
#include "util/logging.hpp"

namespace villagecam::county {

CountyConsole::CountyConsole(config::CountyConfig config, const Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      picture_(config_.topic_root, config_.default_status_interval),
      feed_(config_, [this](FeedMessage m) { queue_.post(std::move(m)); }),
      server_(config_.http, *this) {}

CountyConsole::~CountyConsole() { stop(); }

int CountyConsole::start() {
  const int port = server_.start();
  thread_ = std::thread([this] { loop(); });
  feed_.start();
  return port;
}

void CountyConsole::stop() {
  feed_.stop();
  queue_.stop();
  if (thread_.joinable()) thread_.join();
  server_.stop();
}

void CountyConsole::apply(const FeedMessage& m, SteadyTime now, WallTime wall) {
  const auto applied = picture_.apply(m, now, wall);
  ++applied_;
  if (applied.kind == Applied::Kind::Bad) {
    // Counted always; logged while few, so a broken node cannot flood the log.
    if (++bad_ <= 100 || bad_ % 1000 == 0) {
      logger("county")->warn("payload refused ({} so far): {}", bad_.load(), applied.error);
    }
  }
}

void CountyConsole::loop() {
  auto log = logger("county");
  auto next_check = clock_.steady();
  while (true) {
    auto batch = queue_.waitUntil(next_check);
    {
      std::lock_guard lock(mutex_);
      const auto now = clock_.steady();
      const auto wall = clock_.wall();
      for (const auto& m : batch.messages) apply(m, now, wall);
      if (now >= next_check) {
        for (const auto& key : picture_.checkSilence(now, wall)) {
          const auto* node = picture_.node(key);
          if (!node) continue;
          if (picture_.silent(*node)) {
            log->warn("node {} ({}) is silent: {}", node->node_id, node->label(),
                      node->silent_reason == "offline" ? "its state says offline" : "no status for 3 intervals");
          } else {
            log->info("node {} ({}) is heard again", node->node_id, node->label());
          }
        }
        next_check = now + std::chrono::seconds(1);
      }
    }
    if (batch.stopping) return;
  }
}

nlohmann::json CountyConsole::summary() {
  std::lock_guard lock(mutex_);
  return summaryJson(picture_, config_.name, clock_.wall());
}

nlohmann::json CountyConsole::villages() {
  std::lock_guard lock(mutex_);
  return villagesJson(picture_);
}

nlohmann::json CountyConsole::problems() {
  std::lock_guard lock(mutex_);
  return problemsJson(picture_);
}

nlohmann::json CountyConsole::openAlerts() {
  std::lock_guard lock(mutex_);
  return openAlertsJson(picture_);
}

nlohmann::json CountyConsole::health() {
  const bool connected = feed_.connected();
  return {{"ok", connected},
          {"broker", connected ? "connected" : feed_.lastError()},
          {"messages", applied_.load()},
          {"refused", bad_.load()}};
}

int runConsole(const config::CountyConfig& config) {
  auto log = logger("county");
  SystemClock clock;
  CountyConsole console(config, clock);
  int port = 0;
  try {
    port = console.start();
  } catch (const std::exception& e) {
    log->error("{}", e.what());
    return 1;
  }
  log->info("console on http://{}:{}/ (county broker {}, topics under {}/)", config.http.host, port,
            config.mqtt.brokers.front(), config.topic_root);
  while (true) {
    const char* name = nullptr;
    if (service::waitForSignal(std::chrono::seconds(1), &name) == service::Signal::Stop) {
      log->info("{}: stopping", name ? name : "signal");
      break;
    }
  }
  console.stop();
  return 0;
}

}  // namespace villagecam::county
