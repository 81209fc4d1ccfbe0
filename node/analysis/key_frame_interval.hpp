// The stream's key-frame interval (GOP length in seconds), from the key
// frames' own timestamps: the camera's setting, whatever the frame rate,
// dropped frames or the arrival jitter of the link. Trusted only over at
// least two whole GOPs (three key frames): one GOP may be cut short by a
// camera that starts a new one on a scene change or a new client, and a
// measurement window shorter than a GOP says nothing but a lower bound.
// Pure: fed the encoded frames in stream order.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace villagecam::analysis {

struct KeyFrameIntervalEstimate {
  // The median spacing of consecutive key frames, the upper middle one of an
  // even count, in seconds (nullopt: fewer than two whole GOPs seen).
  std::optional<double> seconds;
  int gops = 0;  // whole GOPs seen (spacings between key frames)
  // Fewer than `kLeastGops`: the interval is at least this long (the
  // longest stretch of the stream seen without a second key frame; 0 when
  // no frame had a timestamp).
  double at_least_seconds = 0;
  // The shortest and longest whole GOP seen (a camera with a variable,
  // "smart" GOP shows a spread).
  double shortest_seconds = 0;
  double longest_seconds = 0;
};

class KeyFrameInterval {
 public:
  static constexpr int kLeastGops = 2;

  // One encoded frame in stream order; `timestamp_ns` nullopt: none given
  // (not counted). A timestamp that goes back starts the count again (a new
  // connection, a camera's clock reset).
  void add(bool key_frame, std::optional<std::int64_t> timestamp_ns);
  KeyFrameIntervalEstimate estimate() const;
  bool enough() const { return static_cast<int>(spacings_ns_.size()) >= kLeastGops; }

 private:
  std::vector<std::int64_t> spacings_ns_;
  std::optional<std::int64_t> first_key_ns_, last_key_ns_;
  std::optional<std::int64_t> first_ns_;  // of the stretch since the count (re)started
  std::optional<std::int64_t> last_ns_;
};

}  // namespace villagecam::analysis
