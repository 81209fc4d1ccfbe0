// The running node: one CameraWorker per enabled camera, the uptime store,
// and the once-a-second tick that ties them together.
#pragma once

#include <spdlog/logger.h>

#include <map>
#include <memory>
#include <vector>

#include "config/config.hpp"
#include "health/uptime_store.hpp"
#include "ingest/camera_health.hpp"
#include "ingest/camera_worker.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

struct CameraStatus {
  ingest::CameraHealth health;
  health::UptimeStats uptime;
};

class Node {
 public:
  // Throws std::runtime_error (naming the path) if the state directory or a
  // pipeline template cannot be used.
  Node(config::Config config, const Clock& clock);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void start();
  // Accounts uptime since the last tick and saves it when due.
  void tick();
  // Stops every camera (in parallel), saves the ledger.
  void stop();

  std::vector<CameraStatus> status() const;
  const config::Config& config() const { return config_; }

 private:
  // How often the log gets a one-line summary of all cameras.
  static constexpr Duration kSummaryPeriod = std::chrono::minutes(15);

  void logSummary(const std::vector<ingest::CameraHealth>& healths, WallTime now) const;

  config::Config config_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  health::UptimeStore uptime_;
  std::vector<std::unique_ptr<ingest::CameraWorker>> workers_;
  WallTime last_tick_{};
  SteadyTime next_summary_{};
  bool started_ = false;
};

// Prepares the state directory (creates it, checks it is writable).
void prepareStateDir(const std::filesystem::path& dir);

health::Presence presenceOf(ingest::CameraState state);

}  // namespace villagecam::app
