// The wall clock of an edge box is not to be trusted for durations: a box
// without a battery clock boots with a wrong time and NTP steps it later, by
// hours. Durations come from the monotonic clock; the WallClockWatch turns
// each tick of both clocks into the span of wall time that may be booked
// into history: as long as the monotonic clock says passed, ending now, and
// never over wall time already booked. A step shows as the two clocks
// disagreeing: the time it jumps over stays unknown, and the step is
// reported so it can be logged. Pure: times are passed in.
#pragma once

#include <optional>

#include "util/clock.hpp"

namespace villagecam {

class WallClockWatch {
 public:
  // Disagreements up to `tolerance` are a late tick, not a step.
  explicit WallClockWatch(Duration tolerance = std::chrono::seconds(2)) : tolerance_(tolerance) {}

  struct Span {
    WallTime from{};  // book [from, to); empty when from >= to
    WallTime to{};
    std::optional<Duration> step;  // set when the wall clock jumped by this much (forward > 0)
  };

  // The first call starts the watch and books nothing.
  Span advance(SteadyTime steady, WallTime wall) {
    Span span{wall, wall, std::nullopt};
    if (started_) {
      const auto elapsed = std::chrono::duration_cast<WallTime::duration>(steady - last_steady_);
      const auto jump = wall - (last_wall_ + elapsed);
      if (jump > tolerance_ || -jump > tolerance_) span.step = std::chrono::duration_cast<Duration>(jump);
      span.from = std::max(wall - elapsed, booked_until_);
    }
    started_ = true;
    last_steady_ = steady;
    last_wall_ = wall;
    if (span.to > booked_until_) booked_until_ = span.to;
    return span;
  }

 private:
  Duration tolerance_;
  bool started_ = false;
  SteadyTime last_steady_{};
  WallTime last_wall_{};
  WallTime booked_until_{};
};

}  // namespace villagecam
