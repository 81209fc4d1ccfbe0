#include "relay/appsrc_feed.hpp"

#include <gst/app/gstappsrc.h>

#include "ingest/gst_ptr.hpp"

namespace villagecam::relay {

AppsrcFeed::AppsrcFeed(GstElement* appsrc, std::size_t max_queue_bytes, SteadyTime created)
    : appsrc_(GST_ELEMENT(gst_object_ref(appsrc))), max_queue_bytes_(max_queue_bytes), last_unit_(created) {}

AppsrcFeed::~AppsrcFeed() { gst_object_unref(appsrc_); }

void AppsrcFeed::format(const ingest::EncodedFormat& format) {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  if (!codec_) codec_ = format.codec;
  if (*codec_ != format.codec) {
    // The media's payloader is for the other codec: this media ends, and
    // the viewers' next one is built for the new codec.
    ended_ = true;
    gst_app_src_end_of_stream(GST_APP_SRC(appsrc_));
    return;
  }
  if (format.caps == caps_) return;
  caps_ = format.caps;
  gst::CapsPtr caps(gst_caps_from_string(caps_.c_str()));
  if (caps) gst_app_src_set_caps(GST_APP_SRC(appsrc_), caps.get());
  waiting_for_key_ = true;  // new parameter sets: start again at a key frame
}

void AppsrcFeed::unit(const ingest::EncodedUnit& unit) {
  std::lock_guard lock(mutex_);
  if (ended_ || caps_.empty()) return;
  if (unit.discont() && !unit.key()) waiting_for_key_ = true;  // its references are lost
  if (waiting_for_key_ && !unit.key()) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (gst_app_src_get_current_level_bytes(GST_APP_SRC(appsrc_)) > max_queue_bytes_) {
    waiting_for_key_ = true;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  waiting_for_key_ = false;
  // A new buffer over the same memory: the camera pipeline's own buffer
  // (and its timestamps, which the decoder still needs) stay untouched.
  GstBuffer* out = gst_buffer_copy(unit.buffer());
  GST_BUFFER_PTS(out) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS(out) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION(out) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_FLAG_UNSET(out, GST_BUFFER_FLAG_DISCONT);
  gst_app_src_push_buffer(GST_APP_SRC(appsrc_), out);  // takes `out`
  last_unit_ = unit.arrivedSteady();
  sent_.fetch_add(1, std::memory_order_relaxed);
}

void AppsrcFeed::interrupted() {
  std::lock_guard lock(mutex_);
  waiting_for_key_ = true;
}

void AppsrcFeed::closed() { end(); }

void AppsrcFeed::end() {
  std::lock_guard lock(mutex_);
  if (ended_) return;
  ended_ = true;
  gst_app_src_end_of_stream(GST_APP_SRC(appsrc_));
}

bool AppsrcFeed::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

SteadyTime AppsrcFeed::lastUnit() const {
  std::lock_guard lock(mutex_);
  return last_unit_;
}

std::optional<std::string> AppsrcFeed::codec() const {
  std::lock_guard lock(mutex_);
  return codec_;
}

}  // namespace villagecam::relay
