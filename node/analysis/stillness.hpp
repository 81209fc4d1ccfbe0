// Is the picture frozen while the stream goes on? A hung image pipeline keeps
// the encoder running on the last picture: delta frames shrink to a few bytes
// (every block skipped) and key frames re-encode the same picture, differing
// only by compression noise. Two kinds of evidence, each judged against the
// camera's own live behaviour, never a fixed level alone:
//   - PictureStillness: consecutive decoded frames that do not differ at all,
//     where this camera's frames normally differ (its temporal noise, measured
//     at baseline and while running);
//   - StreamStillness: the encoded stream, in every analysis mode (health
//     included): delta frames collapsed against key frames that keep coming,
//     where this camera's delta frames normally carry something.
// A scene that is truly static and noise-free at commissioning cannot be told
// from a frozen one, and is not judged (never a false alarm on a still view).
// Pure: times and counters are passed in.
#pragma once

#include <cstdint>
#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include <opencv2/core.hpp>

#include "analysis/cadence.hpp"
#include "util/clock.hpp"

namespace villagecam::analysis {

struct StillnessThresholds {
  // Pictures are judged over this much recent stream (a median over it: the
  // verdict turns about half of it after the picture stops)...
  Duration window = std::chrono::seconds(3);
  // ...the stream's delta frames over this much, against the key frames over
  // `key_window` (long enough to hold one at any usual GOP).
  Duration delta_window = std::chrono::seconds(2);
  Duration key_window = std::chrono::seconds(10);
  // Pictures: the median difference of consecutive frames (mean |a - b| in
  // grey levels at analysis size) below `still_difference` is a still
  // picture; it is judged only where this camera's frames were seen to differ
  // by at least `live_difference` (temporal noise, motion).
  double still_difference = 0.02;
  double live_difference = 0.1;
  // The stream: delta frames averaging below `collapsed_delta_share` of the
  // key frames' size and below `collapsed_bytes_per_pixel`, judged only where
  // delta frames were seen at `live_delta_share` or more.
  double collapsed_delta_share = 0.004;
  double collapsed_bytes_per_pixel = 0.0003;
  double live_delta_share = 0.02;
};

// Mean |a - b| of two grey frames of the same size.
double frameDifference(const cv::Mat& a, const cv::Mat& b);

class PictureStillness {
 public:
  explicit PictureStillness(StillnessThresholds t = {}) : t_(t) {}
  // The camera's temporal noise at baseline (median consecutive difference).
  void learnedAtBaseline(double temporal_noise);
  // The difference of one decoded frame to the one before it.
  void add(double difference, SteadyTime at);
  // True: still; false: live; nullopt: too little evidence, or a camera that
  // has never been seen live.
  std::optional<bool> still(SteadyTime now) const;
  double liveReference() const { return live_reference_; }
  void reset() { samples_.clear(); }

  // The median consecutive-frame difference over the window (nullopt: too few frames).
  std::optional<double> median(SteadyTime now) const;

 private:
  StillnessThresholds t_;
  std::deque<std::pair<SteadyTime, double>> samples_;
  double live_reference_ = 0;
};

// Cumulative counters of the encoded stream at one moment.
struct StreamSample {
  SteadyTime at{};
  std::uint64_t key_frames = 0;
  std::uint64_t frames = 0;  // key and delta
  std::uint64_t key_bytes = 0;
  std::uint64_t delta_bytes = 0;
  int width = 0, height = 0;  // of the stream; 0: not known yet
  std::uint64_t connection = 0;       // counts the camera's connections: a new one restarts the cadence
  std::vector<FrameTiming> timings;   // of the encoded frames since the sample before
};

// Key frames compared with the recent ones (analysis modes that decode key
// frames only): a frozen picture's key frames re-encode the same picture,
// so they differ by their compression alone, where this camera's key frames
// differ, live, at least by its sensor noise. The difference is measured as
// its noise floor: the lower quartile of its mean over a grid of blocks, so
// that people or traffic in a few blocks do not count.
//
// An encoder that keeps its bit rate (ABR, or CBR) re-encodes a stopped
// picture at a quantiser that wanders from key frame to key frame, and two
// key frames at different quantisers differ almost as much as live ones
// at a lean bit rate. But two at the same quantiser are the same picture
// to the last pixel, which no live key frames are: a key frame that
// repeats one of the last few (its nearest is below `still_share` of the
// live floor), where it differs from the one just before by less than live
// ones do (a looped recording repeats its key frames too, each different
// from the one before), shows a stopped picture, and the picture stays stopped while
// each new key frame is nearer to one of them than live ones come to each
// other (below `stopped_share`).
struct KeyFrameThresholds {
  double still_share = 0.15;   // the nearest recent key frame below this share of the live floor: stopped...
  double live_floor = 0.3;     // ...judged where the live floor is at least this (grey levels)
  std::size_t live_pairs = 3;  // and was seen over this many pairs
  std::size_t remembered = 15;  // the live floor: the median of this many recent live pairs
  // Within this share of the live floor of a key frame of the stopped
  // picture, a key frame differs from it by compression alone: the picture
  // is still stopped; and earlier key frames that near showed it already
  // (the stop is dated by the earliest of them, up to `dated_keys` back).
  double compression_share = 0.7;
  // Once stopped, the picture stays stopped while each new key frame is
  // nearer than this share of the live floor to one of its key frames (and
  // than compression_floor): live key frames came no nearer than 0.92 of it
  // to any recent one, a stopped picture's re-encodings up to 0.8 (x264 at
  // 300 kbit/s): a stop may lapse for a key frame, and end a key frame late.
  double stopped_share = 0.8;
  // ...and never farther than this (grey levels): in a view where most of
  // the picture moves (a tree in the wind) the live floor is motion, not
  // noise, and its share says nothing of compression. Two encodings of one
  // picture differed by up to 1.6 at a lean 300 kbit/s for 640x360
  // (bench/detection_eval's frozen-abr-lean), where the leaves of a tree in
  // the wind, with a live floor of 7-9, differ by 3.5 and more.
  double compression_floor = 2.0;
  std::size_t dated_keys = 10;
};

class KeyFrameStillness {
 public:
  explicit KeyFrameStillness(KeyFrameThresholds t = {}) : t_(t) {}
  // One decoded key frame (grey, any fixed size), decoded at `at`. `learn`:
  // false where the view is known to move (shaking), so that its pairs do
  // not teach the live floor.
  void add(const cv::Mat& grey, SteadyTime at, bool learn = true);
  // True: the picture stopped (see KeyFrameThresholds); false: live;
  // nullopt: too little seen, or a camera whose key frames never differed
  // enough to tell.
  std::optional<bool> still() const;
  // While still: when the picture stopped at the latest (the earliest key
  // frame that showed it).
  std::optional<SteadyTime> stillSince() const { return still_since_; }
  // A new stream: its first key frame has no predecessor to compare with.
  void restart() {
    recent_.clear();
    nearest_.reset();
    stopped_ = false;
    stopped_from_ = 0;
    still_since_.reset();
  }
  std::optional<double> liveFloor() const;

  static double noiseFloor(const cv::Mat& a, const cv::Mat& b);

 private:
  KeyFrameThresholds t_;
  void date();
  double nearestStopped(const cv::Mat& grey) const;

  struct Key {
    SteadyTime at;
    cv::Mat grey;
  };
  std::deque<Key> recent_;  // the newest last
  std::optional<double> nearest_;  // the newest key frame's floor to the nearest of the recent ones
  bool stopped_ = false;
  std::size_t stopped_from_ = 0;  // while stopped: the first of its key frames in recent_
  std::optional<SteadyTime> still_since_;
  std::deque<double> live_;
};

class StreamStillness {
 public:
  explicit StreamStillness(StillnessThresholds t = {}) : t_(t) {}
  void add(const StreamSample& s);
  // Counters restart with a new stream: forget the old one's.
  void reset() { samples_.clear(); }
  std::optional<bool> still() const;
  double liveReference() const { return live_reference_; }

  struct Window {
    double delta_share = 0, bytes_per_pixel = 0;
  };
  // The recent delta-frame size against the key frames' (nullopt: too little stream).
  std::optional<Window> window() const;

 private:
  StillnessThresholds t_;
  std::deque<StreamSample> samples_;
  double live_reference_ = 0;
};

}  // namespace villagecam::analysis
