#include "analysis/key_frame_interval.hpp"

#include <algorithm>

namespace villagecam::analysis {

void KeyFrameInterval::add(bool key_frame, std::optional<std::int64_t> timestamp_ns) {
  if (!timestamp_ns) return;
  const std::int64_t t = *timestamp_ns;
  if (last_ns_ && t < *last_ns_) {  // the stream's time went back: nothing before it counts
    spacings_ns_.clear();
    first_key_ns_.reset();
    last_key_ns_.reset();
    first_ns_.reset();
  }
  if (!first_ns_) first_ns_ = t;
  last_ns_ = t;
  if (!key_frame) return;
  if (last_key_ns_ && t > *last_key_ns_) spacings_ns_.push_back(t - *last_key_ns_);
  if (!first_key_ns_) first_key_ns_ = t;
  last_key_ns_ = t;
}

KeyFrameIntervalEstimate KeyFrameInterval::estimate() const {
  KeyFrameIntervalEstimate e;
  e.gops = static_cast<int>(spacings_ns_.size());
  constexpr double kNs = 1e9;
  if (!spacings_ns_.empty()) {
    const auto [shortest, longest] = std::minmax_element(spacings_ns_.begin(), spacings_ns_.end());
    e.shortest_seconds = static_cast<double>(*shortest) / kNs;
    e.longest_seconds = static_cast<double>(*longest) / kNs;
  }
  if (enough()) {
    std::vector<std::int64_t> sorted = spacings_ns_;
    std::sort(sorted.begin(), sorted.end());
    // The median, the upper of the two middle ones for an even count: a GOP
    // is cut short (a key frame for a new client, a scene change), never
    // drawn out, so of two GOPs that disagree the longer is the setting.
    e.seconds = static_cast<double>(sorted[sorted.size() / 2]) / kNs;
    return e;
  }
  // Not enough: the interval is at least the longest stretch without a key
  // frame inside it (before the first key frame, between two, after the last).
  if (!first_ns_ || !last_ns_) return e;
  std::int64_t longest = e.gops > 0 ? spacings_ns_.front() : 0;
  if (last_key_ns_) {
    longest = std::max({longest, *first_key_ns_ - *first_ns_, *last_ns_ - *last_key_ns_});
  } else {
    longest = *last_ns_ - *first_ns_;
  }
  e.at_least_seconds = static_cast<double>(longest) / kNs;
  return e;
}

}  // namespace villagecam::analysis
