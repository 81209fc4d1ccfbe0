// Counters of the encoded stream, written by a pad probe on the streaming
// thread (relaxed atomics, no locks) and read by the camera's worker.
#pragma once

#include <atomic>
#include <cstdint>

namespace villagecam::ingest {

struct StreamCounters {
  std::atomic<std::uint64_t> frames{0};      // encoded frames (access units)
  std::atomic<std::uint64_t> bytes{0};       // encoded bytes
  std::atomic<std::uint64_t> key_frames{0};
  std::atomic<std::uint64_t> frames_since_key{0};
  std::atomic<std::uint64_t> last_gop_frames{0};  // frames between the last two key frames
};

}  // namespace villagecam::ingest
