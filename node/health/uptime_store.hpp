// An uptime ledger fed once a second and saved atomically to
// <state_dir>/<file name> every flush interval and on stop: the cameras'
// uptime (uptime.json, up = delivering video) and the areas' coverage
// (coverage.json, up = covered).
#pragma once

#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "health/camera_state.hpp"
#include "health/coverage.hpp"
#include "health/uptime_ledger.hpp"
#include "util/clock.hpp"

namespace villagecam::health {

enum class Presence { Up, Down, Unknown };

// What a camera's state means for its uptime: online is up, connecting (not
// yet known since the start) unknown, any other state down. Pure.
Presence presenceOf(CameraState state);
// An area's: covered is up, uncovered down, unknown unknown. Pure.
Presence presenceOf(AreaState state);

class UptimeStore {
 public:
  // `what` names the history in logs ("uptime", "coverage") and `subjects`
  // what it is kept for ("camera(s)", "area(s)").
  UptimeStore(std::filesystem::path state_dir, const Clock& clock, std::string file_name = "uptime.json",
              std::string what = "uptime", std::string subjects = "camera(s)");

  // Loads the saved ledger; a missing file starts empty, a corrupt one is kept
  // aside as uptime.json.corrupt-<time> and the ledger starts empty.
  void load();
  // Records the time since the last call for one camera.
  void account(const std::string& camera, WallTime from, WallTime to, Presence presence);
  // Saves if the interval has passed (or force); errors are logged, not thrown,
  // and the ledger stays in memory for the next try.
  bool flush(bool force = false);
  UptimeStats stats(const std::string& camera) const;
  UptimeWindow window(const std::string& camera, std::chrono::seconds length) const;

  std::filesystem::path file() const { return state_dir_ / file_name_; }
  void setFlushInterval(Duration d) { flush_interval_ = d; }

 private:
  std::filesystem::path state_dir_;
  std::string file_name_;
  std::string what_;
  std::string subjects_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  UptimeLedger ledger_;
  Duration flush_interval_ = std::chrono::seconds(30);
  SteadyTime last_flush_{};
  bool last_flush_failed_ = false;
};

}  // namespace villagecam::health
