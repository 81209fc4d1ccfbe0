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
  std::atomic<std::uint64_t> key_bytes{0};         // encoded bytes of key frames...
  std::atomic<std::uint64_t> delta_bytes{0};       // ...and of the others
  // Kept from the decoder: delta frames from a discontinuity (the join, a
  // lost packet) to the next key frame, which would decode without their
  // references (ReferenceGate)...
  std::atomic<std::uint64_t> without_reference{0};
  // ...and decoded frames the decoder itself flagged corrupt.
  std::atomic<std::uint64_t> corrupt{0};
};

}  // namespace villagecam::ingest
