#include "ingest/encoded_fanout.hpp"

#include <gst/gst.h>

#include <algorithm>
#include <utility>

namespace villagecam::ingest {

EncodedUnit::EncodedUnit(GstBuffer* buffer, WallTime arrived, SteadyTime arrived_steady)
    : buffer_(gst_buffer_ref(buffer)),
      facts_{!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT),
             GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT) != 0,
             gst_buffer_get_size(buffer),
             GST_BUFFER_PTS_IS_VALID(buffer) ? std::optional<std::uint64_t>(GST_BUFFER_PTS(buffer)) : std::nullopt,
             arrived,
             arrived_steady} {}

EncodedUnit::EncodedUnit(const EncodedUnit& other)
    : buffer_(other.buffer_ ? gst_buffer_ref(other.buffer_) : nullptr), facts_(other.facts_) {}

EncodedUnit& EncodedUnit::operator=(const EncodedUnit& other) {
  if (this != &other) *this = EncodedUnit(other);
  return *this;
}

EncodedUnit::EncodedUnit(EncodedUnit&& other) noexcept
    : buffer_(std::exchange(other.buffer_, nullptr)), facts_(std::move(other.facts_)) {}

EncodedUnit& EncodedUnit::operator=(EncodedUnit&& other) noexcept {
  if (this != &other) {
    if (buffer_) gst_buffer_unref(buffer_);
    buffer_ = std::exchange(other.buffer_, nullptr);
    facts_ = std::move(other.facts_);
  }
  return *this;
}

EncodedUnit::~EncodedUnit() {
  if (buffer_) gst_buffer_unref(buffer_);
}

EncodedFanout::Subscription::Subscription(Subscription&& other) noexcept
    : fanout_(std::move(other.fanout_)), sink_(std::exchange(other.sink_, nullptr)) {}

EncodedFanout::Subscription& EncodedFanout::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    fanout_ = std::move(other.fanout_);
    sink_ = std::exchange(other.sink_, nullptr);
  }
  return *this;
}

void EncodedFanout::Subscription::reset() {
  if (!sink_) return;
  if (auto fanout = fanout_.lock()) fanout->unsubscribe(sink_);
  sink_ = nullptr;
  fanout_.reset();
}

EncodedFanout::Subscription EncodedFanout::subscribe(const std::shared_ptr<EncodedFanout>& fanout,
                                                     std::shared_ptr<EncodedSink> sink, bool from_key) {
  return subscribeMade(fanout, [&] { return std::move(sink); }, from_key);
}

EncodedFanout::Subscription EncodedFanout::subscribeMade(const std::shared_ptr<EncodedFanout>& fanout,
                                                         const std::function<std::shared_ptr<EncodedSink>()>& make,
                                                         bool from_key) {
  std::lock_guard lock(fanout->mutex_);
  auto sink = make();
  if (!sink) return {};
  EncodedSink* raw = sink.get();
  if (fanout->closed_) {
    sink->closed();
    return {};
  }
  if (fanout->format_) sink->format(*fanout->format_);
  if (from_key && fanout->format_) {
    for (const auto& unit : fanout->gop_) sink->unit(unit);
  }
  fanout->sinks_.push_back(std::move(sink));
  return Subscription(fanout, raw);
}

void EncodedFanout::unsubscribe(EncodedSink* sink) {
  std::lock_guard lock(mutex_);
  sinks_.erase(std::remove_if(sinks_.begin(), sinks_.end(), [&](const auto& s) { return s.get() == sink; }),
               sinks_.end());
}

void EncodedFanout::setFormat(EncodedFormat format) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  format_ = std::move(format);
  gop_.clear();  // units of the earlier format: no decoder of the new one takes them
  gop_bytes_ = 0;
  for (const auto& sink : sinks_) sink->format(*format_);
}

void EncodedFanout::push(const EncodedUnit& unit) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  streaming_ = true;
  bytes_ += unit.size();
  if (unit.key()) {
    gop_.clear();
    gop_bytes_ = 0;
  }
  // Kept only from a key frame on, without a gap, within the bound.
  if ((unit.key() || !gop_.empty()) && !(unit.discont() && !unit.key()) && gop_bytes_ + unit.size() <= kMaxGopBytes) {
    gop_.push_back(unit);
    gop_bytes_ += unit.size();
  } else {
    gop_.clear();
    gop_bytes_ = 0;
  }
  for (const auto& sink : sinks_) sink->unit(unit);
}

void EncodedFanout::interrupted() {
  std::lock_guard lock(mutex_);
  if (!streaming_ && !format_) return;
  streaming_ = false;
  gop_.clear();
  gop_bytes_ = 0;
  for (const auto& sink : sinks_) sink->interrupted();
}

void EncodedFanout::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  streaming_ = false;
  gop_.clear();
  gop_bytes_ = 0;
  for (const auto& sink : sinks_) sink->closed();
  sinks_.clear();
}

std::optional<EncodedFormat> EncodedFanout::format() const {
  std::lock_guard lock(mutex_);
  return format_;
}

std::uint64_t EncodedFanout::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool EncodedFanout::streaming() const {
  std::lock_guard lock(mutex_);
  return streaming_;
}

std::size_t EncodedFanout::sinks() const {
  std::lock_guard lock(mutex_);
  return sinks_.size();
}

}  // namespace villagecam::ingest
