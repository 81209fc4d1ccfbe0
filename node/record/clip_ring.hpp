// The last seconds of one camera's encoded stream, kept in memory for the
// pre-roll of evidence clips: units by reference (no copy, no decode),
// always starting at a key frame, bounded by time and by bytes (whole GOPs
// go from the front).
//
// Threads: the fan-out calls the sink side on the camera's streaming
// thread; the recorder takes from it on its own. All under mutex_.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "ingest/encoded_fanout.hpp"
#include "util/clock.hpp"

namespace villagecam::record {

// What a clip starts from: the format and the units from a key frame on.
struct RingTake {
  ingest::EncodedFormat format;
  std::vector<ingest::EncodedUnit> units;
  bool stale = false;  // the camera's connection ended after these: nothing follows them
};

class ClipRing final : public ingest::EncodedSink {
 public:
  // Keeps at least `keep` of video before the newest unit (plus the rest of
  // the GOP that reaches back that far), and never more than `max_bytes`.
  ClipRing(Duration keep, std::size_t max_bytes);

  void format(const ingest::EncodedFormat& format) override;
  void unit(const ingest::EncodedUnit& unit) override;
  // The connection ended: what is held is kept (the last seconds before a
  // camera went offline are evidence too) until the next connection's
  // first unit, which has other timestamps and starts the ring again.
  void interrupted() override;
  void closed() override;

  // The units from the key frame nearest to `from` (by arrival) to the
  // newest; nullopt if nothing is held, or no format is known.
  std::optional<RingTake> takeFrom(WallTime from) const;

  std::size_t bytes() const;
  std::size_t units() const;
  // Seconds of video held, from its first unit to its newest.
  double seconds() const;

 private:
  void trim();

  const Duration keep_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::optional<ingest::EncodedFormat> format_;
  std::deque<ingest::EncodedUnit> units_;  // from a key frame on
  std::size_t bytes_ = 0;
  bool stale_ = false;  // held from a connection that has ended
};

}  // namespace villagecam::record
