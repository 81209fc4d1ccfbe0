#include "analysis/zones.hpp"


namespace villagecam::analysis {

const char* toString(ZoneKind k) { return k == ZoneKind::Motion ? "motion" : "intrusion"; }

std::vector<Blob> ZoneTracker::inside(const std::vector<Blob>& blobs) const {
  std::vector<Blob> out;
  for (const auto& b : blobs) {
    if (b.area >= spec_.min_size && contains(spec_.polygon, b.foot())) out.push_back(b);
  }
  return out;
}

}  // namespace villagecam::analysis
