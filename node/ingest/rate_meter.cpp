#include "ingest/rate_meter.hpp"

namespace villagecam::ingest {

void RateMeter::sample(SteadyTime now, std::uint64_t frames, std::uint64_t bytes) {
  samples_.push_back({now, frames, bytes});
  while (samples_.size() > 2 && now - samples_[1].at >= window_) samples_.pop_front();
}

double RateMeter::span() const {
  return samples_.size() < 2 ? 0.0 : toSeconds(samples_.back().at - samples_.front().at);
}

double RateMeter::framesPerSecond() const {
  const double s = span();
  return s > 0 ? static_cast<double>(samples_.back().frames - samples_.front().frames) / s : 0.0;
}

double RateMeter::bitsPerSecond() const {
  const double s = span();
  return s > 0 ? 8.0 * static_cast<double>(samples_.back().bytes - samples_.front().bytes) / s : 0.0;
}

}  // namespace villagecam::ingest
