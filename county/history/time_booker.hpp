// Books the time each camera and area spends in each state, per local day,
// from the live picture (pure: the picture and times in, seconds out).
// Durations come from the steady clock, days from the wall clock: a wall
// clock step moves which day is booked, never how much. Time the console
// cannot vouch for is not booked at all, so it stays unknown: before the
// first tick, while the broker is not connected, and over a gap between
// ticks longer than max_gap (the console stalled or was suspended).
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "history/records.hpp"
#include "live/picture.hpp"

namespace villagecam::county {

class TimeBooker {
 public:
  explicit TimeBooker(Duration max_gap = std::chrono::seconds(5)) : max_gap_(max_gap) {}

  void tick(const LivePicture& picture, SteadyTime now, WallTime wall, bool known);

  // What was booked since the last take, one row per day and subject.
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> take();
  // The same without taking: what is booked but not yet written.
  std::pair<std::vector<CameraSeconds>, std::vector<AreaSeconds>> peek() const;
  bool empty() const { return cameras_.empty() && areas_.empty(); }

 private:
  Duration max_gap_;
  std::optional<SteadyTime> last_;
  std::map<std::tuple<std::string, std::string, std::string>, CameraSeconds> cameras_;  // day, node, camera
  std::map<std::tuple<std::string, std::string, std::string>, AreaSeconds> areas_;      // day, node, area
};

}  // namespace villagecam::county
