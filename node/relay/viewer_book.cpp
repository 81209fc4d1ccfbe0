#include "relay/viewer_book.hpp"

#include <algorithm>
#include <cmath>

namespace villagecam::relay {

const char* toString(Refusal r) {
  switch (r) {
    case Refusal::None: return "none";
    case Refusal::UnknownCamera: return "unknown_camera";
    case Refusal::CameraOffline: return "camera_offline";
    case Refusal::TooManyViewers: return "too_many_viewers";
    case Refusal::NotEnoughBandwidth: return "not_enough_bandwidth";
  }
  return "none";
}

int rtspStatus(Refusal r) {
  switch (r) {
    case Refusal::None: return 200;
    case Refusal::UnknownCamera: return 404;
    case Refusal::NotEnoughBandwidth: return 453;
    case Refusal::CameraOffline:
    case Refusal::TooManyViewers: return 503;
  }
  return 503;
}

Refusal ViewerBook::check(ViewerId who, const std::string& camera, const Rates& rates) const {
  if (watching_.count({who, camera})) return Refusal::None;
  if (viewers(camera) >= limits_.max_viewers_per_camera) return Refusal::TooManyViewers;
  const auto it = rates.find(camera);
  const std::uint64_t cost = it == rates.end() ? 0 : it->second;
  if (outgoing(rates) + cost > limits_.max_bits_per_second) return Refusal::NotEnoughBandwidth;
  return Refusal::None;
}

bool ViewerBook::join(ViewerId who, const std::string& camera) { return watching_.insert({who, camera}).second; }

bool ViewerBook::leave(ViewerId who, const std::string& camera) { return watching_.erase({who, camera}) > 0; }

std::vector<std::string> ViewerBook::leaveAll(ViewerId who) {
  std::vector<std::string> left;
  for (auto it = watching_.lower_bound({who, std::string()}); it != watching_.end() && it->first == who;) {
    left.push_back(it->second);
    it = watching_.erase(it);
  }
  return left;
}

int ViewerBook::viewers(const std::string& camera) const {
  return static_cast<int>(std::count_if(watching_.begin(), watching_.end(),
                                        [&](const auto& w) { return w.second == camera; }));
}

std::uint64_t ViewerBook::outgoing(const Rates& rates) const {
  std::uint64_t total = 0;
  for (const auto& [who, camera] : watching_) {
    if (const auto it = rates.find(camera); it != rates.end()) total += it->second;
  }
  return total;
}

std::vector<ViewerBook::ViewerId> ViewerBook::watchersOf(const std::string& camera) const {
  std::vector<ViewerId> out;
  for (const auto& [who, c] : watching_) {
    if (c == camera) out.push_back(who);
  }
  return out;
}

void BitRate::sample(double at_seconds, std::uint64_t bytes) {
  if (!samples_.empty() && (bytes < samples_.back().second || at_seconds <= samples_.back().first)) {
    samples_.clear();  // a counter that went back: start again
  }
  samples_.emplace_back(at_seconds, bytes);
  if (samples_.size() > window_ + 1) samples_.erase(samples_.begin());
}

std::uint64_t BitRate::bitsPerSecond() const {
  if (samples_.size() < 2) return 0;
  const double seconds = samples_.back().first - samples_.front().first;
  const double bits = 8.0 * static_cast<double>(samples_.back().second - samples_.front().second);
  return seconds > 0 ? static_cast<std::uint64_t>(std::llround(bits / seconds)) : 0;
}

}  // namespace villagecam::relay
