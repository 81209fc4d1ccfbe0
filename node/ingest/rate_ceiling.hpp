// Which decoded frames to analyse so that a camera is analysed at no more
// than its analysis rate: the node's replacement for `videorate drop-only`
// in the software pipeline. videorate keeps the previous picture to be able
// to repeat it, which pins one more full-size decoder picture per camera
// (1.4 MB at 720p) for a job that only ever drops; this keeps two numbers.
//
// Frames are taken on a grid of the analysis period, so a camera sending
// 7 frames a second analysed at 5 keeps 5 a second on average (not every
// other frame); a camera slower than the ceiling keeps every frame. A
// timestamp that jumps back (a new stream, a camera restarting its clock) or
// far ahead (a gap) starts the grid again. Pure: the tests feed timestamps.
#pragma once

#include <cstdint>
#include <optional>

namespace villagecam::ingest {

class RateCeiling {
 public:
  // max_fps <= 0: no ceiling, every frame is taken.
  explicit RateCeiling(double max_fps);

  // pts in nanoseconds (GStreamer's clock time); nullopt: no timestamp, taken.
  bool take(std::optional<std::uint64_t> pts_ns);

 private:
  std::uint64_t period_ns_ = 0;
  std::uint64_t tolerance_ns_ = 0;  // a frame this early for its slot still counts (timestamp jitter)
  std::optional<std::uint64_t> next_due_;
};

}  // namespace villagecam::ingest
