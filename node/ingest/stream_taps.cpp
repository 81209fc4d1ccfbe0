#include "ingest/stream_taps.hpp"

#include <algorithm>
#include <chrono>

#include "ingest/gst_ptr.hpp"

namespace villagecam::ingest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

StreamTaps::StreamTaps(std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters, FrameOutput output)
    : mailbox_(std::move(mailbox)),
      counters_(std::move(counters)),
      scaler_(output.size),
      rate_ceiling_(output.max_fps),
      sampler_(output.sample_every > Duration::zero() ? std::make_unique<KeyFrameSampler>(output.sample_every)
                                                      : nullptr),
      relay_(std::move(output.relay)),
      key_frames_only_(output.key_frames_only) {}

bool StreamTaps::encoded(GstBuffer* buffer) {
  auto& c = *counters_;
  const auto size = gst_buffer_get_size(buffer);
  const bool key = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  c.frames.fetch_add(1, std::memory_order_relaxed);
  c.bytes.fetch_add(size, std::memory_order_relaxed);
  // The decoding timestamp rises frame by frame where pictures are reordered.
  const GstClockTime dts = GST_BUFFER_DTS(buffer), pts = GST_BUFFER_PTS(buffer);
  const GstClockTime stamp = GST_CLOCK_TIME_IS_VALID(dts) ? dts : pts;
  c.timings.add({std::chrono::steady_clock::now(), GST_CLOCK_TIME_IS_VALID(stamp)
                                                       ? std::optional<std::int64_t>(static_cast<std::int64_t>(stamp))
                                                       : std::nullopt,
                   key});
  if (key) {
    c.key_frames.fetch_add(1, std::memory_order_relaxed);
    c.key_bytes.fetch_add(size, std::memory_order_relaxed);
    c.last_gop_frames.store(c.frames_since_key.exchange(1, std::memory_order_relaxed), std::memory_order_relaxed);
  } else {
    c.delta_bytes.fetch_add(size, std::memory_order_relaxed);
    c.frames_since_key.fetch_add(1, std::memory_order_relaxed);
  }
  if (relay_) relay_->push(EncodedUnit(buffer, std::chrono::system_clock::now(), std::chrono::steady_clock::now()));
  if (!first_frame_posted_.exchange(true, std::memory_order_relaxed)) mailbox_->postFirstEncodedFrame();
  if (key_frames_only_ && !key) return false;
  const bool complete = reference_gate_.admit(key, GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
  if (!complete && decodes_) {
    c.without_reference.fetch_add(1, std::memory_order_relaxed);
    return false;  // the decoder would smear it: no analyser, detector or baseline sees it
  }
  if (sampler_ && !sampler_->admit(key, std::chrono::steady_clock::now())) return false;  // health: no sample due
  return true;
}

void StreamTaps::encodedCaps(const GstCaps* caps) {
  if (!relay_ || !caps || gst_caps_get_size(caps) == 0) return;
  const std::string name = gst_structure_get_name(gst_caps_get_structure(caps, 0));
  const std::string codec = name == "video/x-h264" ? "h264" : name == "video/x-h265" ? "h265" : lower(name);
  gst::CharPtr text(gst_caps_to_string(caps));
  relay_->setFormat({codec, text.get()});
}

// Dropped if it comes sooner than the analysis rate allows, else scaled here
// (0.1 ms a 720p frame) into the mailbox's free slot. Either way the
// decoder's picture is released when this returns: nothing downstream holds a
// full-size picture, and the decoder's pool stays at what decoding needs.
void StreamTaps::decoded(GstBuffer* buffer, GstCaps* caps) {
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  if (!admitPicture(GST_CLOCK_TIME_IS_VALID(pts) ? std::optional<std::uint64_t>(pts) : std::nullopt,
                    GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED))) {
    return;  // not even mapped
  }
  takePicture(FrameView(buffer, caps));
}

void StreamTaps::decoded(const FrameView& picture, std::optional<std::uint64_t> pts_ns, bool corrupt) {
  if (admitPicture(pts_ns, corrupt)) takePicture(picture);
}

bool StreamTaps::admitPicture(std::optional<std::uint64_t> pts_ns, bool corrupt) {
  if (sampler_) sampler_->decoded();
  if (corrupt) {
    counters_->corrupt.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return rate_ceiling_.take(pts_ns);
}

void StreamTaps::takePicture(const FrameView& view) {
  if (!view.ok()) {
    mailbox_->postFailure({health::FailureKind::Other,
                           "the pipeline's sink takes a format the node cannot read (BGR, GRAY8 or I420)"});
    return;  // the worker stops the stream on the failure
  }
  scaler_.scale(view, mailbox_->frameToFill());
  mailbox_->postFrame();
}

}  // namespace villagecam::ingest
