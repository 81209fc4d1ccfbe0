// Rates (frames/s, bits/s) over a sliding window of counter samples.
#pragma once

#include <cstdint>
#include <deque>

#include "util/clock.hpp"

namespace villagecam::ingest {

class RateMeter {
 public:
  explicit RateMeter(Duration window = std::chrono::seconds(5)) : window_(window) {}

  void sample(SteadyTime now, std::uint64_t frames, std::uint64_t bytes);
  double framesPerSecond() const;
  double bitsPerSecond() const;
  void reset() { samples_.clear(); }

 private:
  struct Sample {
    SteadyTime at;
    std::uint64_t frames;
    std::uint64_t bytes;
  };
  double span() const;
  Duration window_;
  std::deque<Sample> samples_;
};

}  // namespace villagecam::ingest
