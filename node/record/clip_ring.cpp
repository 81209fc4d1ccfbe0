#include "record/clip_ring.hpp"

#include <algorithm>
#include <cmath>

namespace villagecam::record {

ClipRing::ClipRing(Duration keep, std::size_t max_bytes) : keep_(keep), max_bytes_(max_bytes) {}

void ClipRing::format(const ingest::EncodedFormat& format) {
  std::lock_guard lock(mutex_);
  if (format_ && *format_ != format) {
    units_.clear();  // new parameter sets: what came before cannot go in the same file
    bytes_ = 0;
  }
  format_ = format;
}

void ClipRing::unit(const ingest::EncodedUnit& unit) {
  std::lock_guard lock(mutex_);
  if (stale_) {  // a new connection: its timestamps do not follow the old one's
    units_.clear();
    bytes_ = 0;
    stale_ = false;
  }
  if (unit.discont() && !unit.key()) {  // its references are lost: start again at the next key frame
    units_.clear();
    bytes_ = 0;
  }
  if (units_.empty() && !unit.key()) return;
  if (!unit.pts()) return;  // cannot be placed in a file
  units_.push_back(unit);
  bytes_ += unit.size();
  trim();
}

// Whole GOPs go from the front while the next GOP still reaches back `keep`
// before the newest unit, or while the bytes are over.
void ClipRing::trim() {
  while (!units_.empty()) {
    const auto next_key = std::find_if(units_.begin() + 1, units_.end(), [](const auto& u) { return u.key(); });
    if (next_key == units_.end()) break;  // one GOP: it stays
    const bool old_enough = units_.back().arrived() - next_key->arrived() >= keep_;
    if (!old_enough && bytes_ <= max_bytes_) break;
    for (auto it = units_.begin(); it != next_key; ++it) bytes_ -= it->size();
    units_.erase(units_.begin(), next_key);
  }
}

void ClipRing::interrupted() {
  std::lock_guard lock(mutex_);
  stale_ = true;
}

void ClipRing::closed() { interrupted(); }

std::optional<RingTake> ClipRing::takeFrom(WallTime from) const {
  std::lock_guard lock(mutex_);
  if (units_.empty() || !format_) return std::nullopt;
  std::size_t best = 0;
  auto distance = [&](std::size_t i) {
    return std::abs(std::chrono::duration<double>(units_[i].arrived() - from).count());
  };
  for (std::size_t i = 0; i < units_.size(); ++i) {
    if (units_[i].key() && distance(i) < distance(best)) best = i;
  }
  RingTake take{*format_, {}, stale_};
  take.units.assign(units_.begin() + static_cast<long>(best), units_.end());
  return take;
}

std::size_t ClipRing::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t ClipRing::units() const {
  std::lock_guard lock(mutex_);
  return units_.size();
}

double ClipRing::seconds() const {
  std::lock_guard lock(mutex_);
  if (units_.size() < 2) return 0;
  return std::chrono::duration<double>(units_.back().arrived() - units_.front().arrived()).count();
}

}  // namespace villagecam::record
