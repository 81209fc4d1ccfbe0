#include "analysis/stillness.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <vector>

namespace villagecam::analysis {

double frameDifference(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || a.size() != b.size() || a.type() != b.type()) return -1;
  return cv::norm(a, b, cv::NORM_L1) / static_cast<double>(a.total() * a.channels());
}

void PictureStillness::learnedAtBaseline(double temporal_noise) {
  live_reference_ = std::max(live_reference_, temporal_noise);
}

void PictureStillness::add(double difference, SteadyTime at) {
  if (difference < 0) return;
  samples_.emplace_back(at, difference);
  while (!samples_.empty() && samples_.front().first < at - t_.window) samples_.pop_front();
  // The live reference: the busiest recent window that was not still.
  if (const auto m = median(at); m && *m >= t_.still_difference) live_reference_ = std::max(live_reference_, *m);
}

std::optional<double> PictureStillness::median(SteadyTime now) const {
  std::vector<double> v;
  for (const auto& [t, d] : samples_) {
    if (t >= now - t_.window) v.push_back(d);
  }
  // Half a window of frames at least, three frames at least (analysis runs
  // at 1 or 2 frames a second on small boxes): key frames of a frozen
  // picture differ by their noise, one in a GOP; the median is the delta
  // frames'.
  if (v.size() < 3 || samples_.front().first > now - t_.window / 2) return std::nullopt;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::optional<bool> PictureStillness::still(SteadyTime now) const {
  if (live_reference_ < t_.live_difference) return std::nullopt;
  const auto m = median(now);
  if (!m) return std::nullopt;
  return *m < t_.still_difference;
}

double KeyFrameStillness::noiseFloor(const cv::Mat& a, const cv::Mat& b) {
  if (a.empty() || a.size() != b.size() || a.type() != b.type()) return -1;
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  constexpr int kGrid = 8;
  std::vector<double> blocks;
  blocks.reserve(kGrid * kGrid);
  for (int by = 0; by < kGrid; ++by) {
    for (int bx = 0; bx < kGrid; ++bx) {
      const cv::Rect r(bx * diff.cols / kGrid, by * diff.rows / kGrid, diff.cols / kGrid, diff.rows / kGrid);
      blocks.push_back(cv::mean(diff(r))[0]);
    }
  }
  std::nth_element(blocks.begin(), blocks.begin() + static_cast<long>(blocks.size() / 4), blocks.end());
  return blocks[blocks.size() / 4];
}

std::optional<double> KeyFrameStillness::liveFloor() const {
  if (live_.size() < t_.live_pairs) return std::nullopt;
  std::vector<double> v(live_.begin(), live_.end());
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

void KeyFrameStillness::add(const cv::Mat& grey, SteadyTime at, bool learn) {
  const double floor = recent_.empty() ? -1 : noiseFloor(recent_.back().grey, grey);
  double nearest = floor;  // the newest kept one's is `floor`: the others are compared once each
  for (std::size_t k = 0; k + 1 < recent_.size(); ++k) {
    const double f = noiseFloor(recent_[k].grey, grey);
    if (f >= 0 && f < nearest) nearest = f;
  }
  if (recent_.size() > t_.dated_keys) {
    recent_.pop_front();
    if (stopped_from_ > 0) --stopped_from_;
  }
  recent_.push_back({at, grey.clone()});
  if (floor < 0) return;
  nearest_ = nearest;
  const auto live = liveFloor();
  const bool judged = live && *live >= t_.live_floor;
  if (judged && stopped_) {
    // Still the stopped picture: nearer to one of its key frames than live
    // key frames come to each other.
    stopped_ = nearestStopped(grey) < std::min(t_.stopped_share * *live, t_.compression_floor);
  } else {
    // A repeat, where the pair before it looks re-encoded too. A looped
    // recording repeats its key frames exactly as well, but each differs
    // from the one before as live ones do: that is not a stopped picture.
    stopped_ = judged && nearest < t_.still_share * *live && floor < t_.stopped_share * *live;
  }
  if (stopped_) {
    if (!still_since_) date();
    return;  // a stopped picture teaches nothing about the live view
  }
  still_since_.reset();
  if (!learn) return;
  live_.push_back(floor);
  while (live_.size() > t_.remembered) live_.pop_front();
}

void KeyFrameStillness::date() {
  // The key frames from the one the newest repeats showed the stopped
  // picture; an earlier one that is as near to any later one by its
  // compression alone did too (its quantiser came back later).
  const double within = std::min(t_.compression_share * *liveFloor(), t_.compression_floor);
  const double repeat = t_.still_share * *liveFloor();
  const cv::Mat& now = recent_.back().grey;
  std::size_t first = recent_.size() - 2;
  for (std::size_t i = 0; i + 1 < recent_.size(); ++i) {
    const double f = noiseFloor(recent_[i].grey, now);
    if (f >= 0 && f < repeat) {
      first = i;
      break;
    }
  }
  auto nearestLater = [&](std::size_t key) {
    double nearest = -1;
    for (std::size_t later = key + 1; later < recent_.size(); ++later) {
      const double f = noiseFloor(recent_[key].grey, recent_[later].grey);
      if (f >= 0 && (nearest < 0 || f < nearest)) nearest = f;
    }
    return nearest;
  };
  while (first > 0) {
    const double nearest = nearestLater(first - 1);
    if (nearest < 0 || nearest >= within) break;  // another size, or a live picture
    --first;
  }
  still_since_ = recent_[first].at;
  stopped_from_ = first;
}

double KeyFrameStillness::nearestStopped(const cv::Mat& grey) const {
  // The stopped picture's key frames: from the one the stop was dated by,
  // which has moved down the deque as the newest came in.
  double nearest = -1;
  for (std::size_t k = stopped_from_; k + 1 < recent_.size(); ++k) {
    const double f = noiseFloor(recent_[k].grey, grey);
    if (f >= 0 && (nearest < 0 || f < nearest)) nearest = f;
  }
  return nearest < 0 ? 1e9 : nearest;
}

std::optional<bool> KeyFrameStillness::still() const {
  const auto live = liveFloor();
  if (!live || *live < t_.live_floor || !nearest_) return std::nullopt;
  return stopped_;
}

void StreamStillness::add(const StreamSample& s) {
  if (!samples_.empty() && (s.frames < samples_.back().frames || s.at <= samples_.back().at)) samples_.clear();
  samples_.push_back(s);
  while (samples_.size() > 2 && samples_[1].at <= s.at - t_.key_window) samples_.pop_front();
  if (const auto w = window(); w && w->delta_share >= t_.collapsed_delta_share) {
    live_reference_ = std::max(live_reference_, w->delta_share);
  }
}

std::optional<StreamStillness::Window> StreamStillness::window() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto& a = samples_.front();
  const auto& b = samples_.back();
  if (b.at - a.at < t_.key_window || b.width <= 0 || b.height <= 0) return std::nullopt;
  // The newest sample at least delta_window old: the recent delta frames.
  auto r = samples_.rbegin();
  while (r != samples_.rend() && r->at > b.at - t_.delta_window) ++r;
  if (r == samples_.rend()) return std::nullopt;
  const auto keys = b.key_frames - a.key_frames;
  const auto recent_keys = b.key_frames - r->key_frames;
  const auto deltas = (b.frames - r->frames) - recent_keys;
  // Key frames must still come (a stalled stream is not a frozen picture,
  // the supervisor judges that) and delta frames between them.
  if (keys == 0 || deltas < 4) return std::nullopt;
  const double key_size = static_cast<double>(b.key_bytes - a.key_bytes) / static_cast<double>(keys);
  const double delta_size = static_cast<double>(b.delta_bytes - r->delta_bytes) / static_cast<double>(deltas);
  if (key_size <= 0) return std::nullopt;
  return Window{delta_size / key_size, delta_size / (static_cast<double>(b.width) * b.height)};
}

std::optional<bool> StreamStillness::still() const {
  if (live_reference_ < t_.live_delta_share) return std::nullopt;
  const auto w = window();
  if (!w) return std::nullopt;
  return w->delta_share < t_.collapsed_delta_share && w->bytes_per_pixel < t_.collapsed_bytes_per_pixel;
}

}  // namespace villagecam::analysis
