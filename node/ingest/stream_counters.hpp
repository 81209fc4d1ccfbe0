// Counters of the encoded stream, written by a pad probe on the streaming
// thread (relaxed atomics, no locks) and read by the camera's worker; and
// each encoded frame's timing, for the stream's cadence.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "analysis/cadence.hpp"

namespace villagecam::ingest {

// Each encoded frame's arrival and timestamp, from the streaming thread to
// the worker's (which takes them about twice a second). Bounded: if the
// worker falls behind, the oldest go (the cadence is judged on what is left).
class FrameTimingLog {
 public:
  void add(const analysis::FrameTiming& t) {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMost) pending_.erase(pending_.begin(), pending_.begin() + kMost / 2);
    pending_.push_back(t);
  }
  std::vector<analysis::FrameTiming> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(pending_, {});
  }

 private:
  static constexpr std::size_t kMost = 1024;
  std::mutex mutex_;
  std::vector<analysis::FrameTiming> pending_;
};

struct StreamCounters {
  std::atomic<std::uint64_t> frames{0};      // encoded frames (access units)
  std::atomic<std::uint64_t> bytes{0};       // encoded bytes
  std::atomic<std::uint64_t> key_frames{0};
  std::atomic<std::uint64_t> frames_since_key{0};
  std::atomic<std::uint64_t> last_gop_frames{0};  // frames between the last two key frames
  std::atomic<std::uint64_t> key_bytes{0};         // encoded bytes of key frames...
  std::atomic<std::uint64_t> delta_bytes{0};       // ...and of the others
  // Kept from the decoder: delta frames from a discontinuity (the join, a
  // lost packet) to the next key frame, which would decode without their
  // references (ReferenceGate)...
  std::atomic<std::uint64_t> without_reference{0};
  // ...and decoded frames the decoder itself flagged corrupt.
  std::atomic<std::uint64_t> corrupt{0};
  FrameTimingLog timings;
};



}  // namespace villagecam::ingest
