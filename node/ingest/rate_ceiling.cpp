#include "ingest/rate_ceiling.hpp"

#include <cmath>

namespace villagecam::ingest {

RateCeiling::RateCeiling(double max_fps) {
  if (max_fps > 0) {
    period_ns_ = static_cast<std::uint64_t>(std::llround(1e9 / max_fps));
    tolerance_ns_ = period_ns_ / 10;
  }
}

bool RateCeiling::take(std::optional<std::uint64_t> pts) {
  if (period_ns_ == 0 || !pts) return true;
  const bool restart = !next_due_ || *pts + period_ns_ < *next_due_ ||  // went back
                       *pts > *next_due_ + 2 * period_ns_;               // a gap
  if (restart) {
    next_due_ = *pts + period_ns_;
    return true;
  }
  if (*pts + tolerance_ns_ < *next_due_) return false;
  *next_due_ += period_ns_;
  return true;
}

}  // namespace villagecam::ingest
