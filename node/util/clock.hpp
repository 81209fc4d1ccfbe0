// Time for everything that decides (backoff, stalls, uptime), injectable so
// tests drive it without sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace villagecam {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime steady() const = 0;  // for intervals and deadlines
  virtual WallTime wall() const = 0;      // for history that outlives the process
};

class SystemClock final : public Clock {
 public:
  SteadyTime steady() const override { return std::chrono::steady_clock::now(); }
  WallTime wall() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to; steady and wall move together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start = WallTime(std::chrono::hours(24 * 365 * 56)))
      : wall_start_(start) {}
  SteadyTime steady() const override { return SteadyTime(offset_.load()); }
  WallTime wall() const override {
    return wall_start_ + std::chrono::duration_cast<WallTime::duration>(offset_.load() + wall_step_.load());
  }
  void advance(Duration d) { offset_ = offset_.load() + d; }
  // The wall clock alone jumps (NTP stepping a clock that booted wrong).
  void stepWall(Duration d) { wall_step_ = wall_step_.load() + d; }

 private:
  WallTime wall_start_;
  std::atomic<Duration> offset_{Duration::zero()};
  std::atomic<Duration> wall_step_{Duration::zero()};
};

template <typename D>
double toSeconds(D d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace villagecam
