// The stream's cadence: does the camera deliver its frames at its own rate,
// evenly and in order, or does it stutter (卡顿)? Judged from the encoded
// frames' timestamps and arrival times alone, so in every analysis mode
// (health decodes one key frame a minute but sees every encoded frame).
//
// Three faults, each measured over the last `window`:
// - slow: the frames the stream's timestamps account for are far fewer than
//   its own rate would give (an overloaded encoder, a link dropping frames);
// - timestamp jumps: a timestamp far ahead of or behind the one before while
//   the frames kept arriving (a camera's clock reset, a broken muxer);
// - bursts: the frames stop arriving for a while and then come all at once,
//   their timestamps evenly spaced (a link that buffers, then catches up).
// The stream's own rate is learned from it: the interval its timestamps
// keep when it flows well (a low quantile of their spacing, the lowest such
// over `memory`, so that a camera set to a lower rate is taken at it then).
// Pure: no GStreamer; time is the frames' arrival times (the window ends at
// the last frame's: a stream that stops altogether is the camera
// supervisor's to judge, not this).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "util/clock.hpp"

namespace villagecam::analysis {

// One encoded frame: when it arrived and its timestamp (the decoding one,
// which rises frame by frame even where pictures are reordered).
struct FrameTiming {
  SteadyTime arrived{};
  std::optional<std::int64_t> timestamp_ns;  // nullopt: the stream gave none
  bool key = false;                          // a key frame
};

struct CadenceThresholds {
  Duration window = std::chrono::seconds(10);
  Duration memory = std::chrono::minutes(10);
  Duration least_data = std::chrono::seconds(5);  // of a window, before it is judged
  double slow_share = 0.5;        // frames below this share of the stream's own rate: slow
  double jump_frames = 25;        // a timestamp this many of its own intervals off...
  Duration least_jump = std::chrono::seconds(1);  // ...and at least this far: a jump
  double gap_frames = 8;          // no frame for this many intervals...
  Duration least_gap = std::chrono::milliseconds(500);  // ...and at least this long...
  int bursts = 2;                 // ...this many times in a window, each caught up: bursts
};

struct CadenceFigures {
  double own_rate = 0;       // frames per second the stream keeps when it flows well
  double rate = 0;           // frames per second its timestamps account for in the window
  double largest_gap = 0;    // seconds: the longest wait for a frame in the window
  int timestamp_jumps = 0;   // in the window
  int bursts = 0;            // in the window
};

class CadenceJudge {
 public:
  explicit CadenceJudge(CadenceThresholds t = {}) : t_(t) {}

  void add(const FrameTiming& frame);
  // A new connection: its timestamps have nothing to do with the last one's.
  void restart();
  // The last window's figures (nullopt: not enough of it yet, or no timestamps).
  std::optional<CadenceFigures> figures() const;
  // The stream stutters: slow, jumping or bursting in the last window.
  bool stutters() const;

 private:
  struct Step {
    SteadyTime arrived;
    Duration waited;                      // since the frame before arrived
    std::optional<std::int64_t> advance;  // of the timestamp since the frame before, ns
  };
  void forget(SteadyTime now);
  std::optional<std::int64_t> ownInterval() const;

  CadenceThresholds t_;
  std::optional<FrameTiming> last_;
  std::optional<SteadyTime> first_;  // of this connection
  std::deque<Step> steps_;           // of the window
  // The lower quartile of the window's timestamp advances, once per window:
  // the stream's own interval is the lowest over `memory`.
  std::deque<std::pair<SteadyTime, std::int64_t>> intervals_;
  SteadyTime next_interval_{};
};

}  // namespace villagecam::analysis
