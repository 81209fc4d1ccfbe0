#include "analysis/cadence.hpp"

#include <algorithm>
#include <vector>

namespace villagecam::analysis {
namespace {

std::int64_t nanoseconds(Duration d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(); }

}  // namespace

void CadenceJudge::restart() {
  last_.reset();
  first_.reset();
  steps_.clear();
}

void CadenceJudge::add(const FrameTiming& frame) {
  if (!first_) first_ = frame.arrived;
  if (last_) {
    Step step{frame.arrived, frame.arrived - last_->arrived, std::nullopt};
    if (frame.timestamp_ns && last_->timestamp_ns) step.advance = *frame.timestamp_ns - *last_->timestamp_ns;
    steps_.push_back(step);
  }
  last_ = frame;
  forget(frame.arrived);
  // Once a window: the stream's interval where it flows well, its lower
  // quartile (dropped frames and bursts only lengthen the others).
  if (frame.arrived >= next_interval_ && frame.arrived - *first_ >= t_.least_data) {
    std::vector<std::int64_t> advances;
    for (const auto& s : steps_) {
      if (s.advance && *s.advance > 0) advances.push_back(*s.advance);
    }
    if (advances.size() >= 10) {
      const auto q = advances.begin() + static_cast<long>(advances.size() / 4);
      std::nth_element(advances.begin(), q, advances.end());
      intervals_.emplace_back(frame.arrived, *q);
      next_interval_ = frame.arrived + t_.window;
    }
  }
  while (!intervals_.empty() && intervals_.front().first < frame.arrived - t_.memory) intervals_.pop_front();
}

void CadenceJudge::forget(SteadyTime now) {
  while (!steps_.empty() && steps_.front().arrived < now - t_.window) steps_.pop_front();
}

std::optional<std::int64_t> CadenceJudge::ownInterval() const {
  if (intervals_.empty()) return std::nullopt;
  std::int64_t lowest = intervals_.front().second;
  for (const auto& [at, interval] : intervals_) lowest = std::min(lowest, interval);
  return lowest;
}

std::optional<CadenceFigures> CadenceJudge::figures() const {
  const auto own = ownInterval();
  if (!own || *own <= 0 || !first_ || !last_ || last_->arrived - *first_ < t_.least_data) return std::nullopt;
  const SteadyTime now = last_->arrived;
  const std::int64_t jump = std::max(nanoseconds(t_.least_jump), static_cast<std::int64_t>(t_.jump_frames * *own));
  const std::int64_t gap = std::max(nanoseconds(t_.least_gap), static_cast<std::int64_t>(t_.gap_frames * *own));
  CadenceFigures f;
  f.own_rate = 1e9 / static_cast<double>(*own);
  std::int64_t span = 0;
  int counted = 0;
  for (const auto& s : steps_) {
    if (s.arrived < now - t_.window) continue;
    const std::int64_t waited = nanoseconds(s.waited);
    f.largest_gap = std::max(f.largest_gap, static_cast<double>(waited) / 1e9);
    if (!s.advance) continue;
    const std::int64_t advance = *s.advance;
    // Far ahead while the frames kept coming, or back by more than a frame
    // or two: the timestamps jumped (not counted in the rate).
    if ((advance > jump && waited < advance / 2) || advance < -2 * *own) {
      ++f.timestamp_jumps;
      continue;
    }
    // A long wait for a frame whose timestamp moved on by far less: it was
    // held on the way, and the ones after it catch up.
    if (waited >= gap && advance < waited / 2) ++f.bursts;
    if (advance > 0) {
      span += advance;
      ++counted;
    }
  }
  if (counted == 0 || span <= 0) return std::nullopt;
  f.rate = counted * 1e9 / static_cast<double>(span);
  return f;
}

bool CadenceJudge::stutters() const {
  const auto f = figures();
  return f && (f->rate < t_.slow_share * f->own_rate || f->timestamp_jumps > 0 || f->bursts >= t_.bursts);
}

}  // namespace villagecam::analysis
