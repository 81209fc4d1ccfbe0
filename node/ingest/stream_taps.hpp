// What every camera pipeline does with the stream, whichever RTSP client
// reads it (rtspsrc or FFmpeg's demuxer): counts each encoded access unit,
// hands it to the relay, decides whether the decoder gets it (ReferenceGate,
// KeyFrameSampler), and takes each decoded picture into the Mailbox at the
// analysis size and rate. GStreamer-typed, ingest-internal.
//
// Threads: encoded() on the thread that reads the camera, decoded() on the
// decoder's output thread (maybe the same); each keeps its own state.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <memory>

#include "ingest/camera_pipeline.hpp"
#include "ingest/frame_scaler.hpp"
#include "ingest/frame_view.hpp"
#include "ingest/key_frame_sampler.hpp"
#include "ingest/rate_ceiling.hpp"
#include "ingest/reference_gate.hpp"

namespace villagecam::ingest {

class StreamTaps {
 public:
  StreamTaps(std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters, FrameOutput output);

  // Whether a decoder follows (set before the first unit): without one no
  // unit is held back for lack of a reference.
  void setDecodes(bool decodes) { decodes_ = decodes; }
  bool decodes() const { return decodes_; }

  // One encoded access unit (borrowed). True: pass it on to the decoder.
  bool encoded(GstBuffer* buffer);
  // The encoded stream's format, for the relay (the parser's caps).
  void encodedCaps(const GstCaps* caps);
  // One decoded picture (borrowed; `caps` its format). It goes no further:
  // scaled into the mailbox if due, else dropped.
  void decoded(GstBuffer* buffer, GstCaps* caps);
  // The same for a picture decoded without GStreamer (KeyFrameDecoder):
  // `pts_ns` its time stamp if known, `corrupt` if the decoder said so.
  void decoded(const FrameView& picture, std::optional<std::uint64_t> pts_ns, bool corrupt);
  // A unit passed on that gave no picture at all: counted as corrupt.
  void undecodable() { counters_->corrupt.fetch_add(1, std::memory_order_relaxed); }

  void askForPicture() {
    if (sampler_) sampler_->askNow();
  }
  // Analysis mode health: the decoder is needed only while a sample's
  // units pass (a pipeline may let it go between samples).
  bool decodesSamplesOnly() const { return sampler_ != nullptr; }
  bool sampleUnderWay() const { return sampler_ && sampler_->passing(); }
  // Analysis mode keyframes: each key frame is decoded on its own.
  bool decodesKeyFramesOnly() const { return key_frames_only_; }
  Mailbox& mailbox() { return *mailbox_; }

 private:
  // Counts a picture out of the decoder; true: analysis takes it now.
  bool admitPicture(std::optional<std::uint64_t> pts_ns, bool corrupt);
  void takePicture(const FrameView& picture);

  std::shared_ptr<Mailbox> mailbox_;
  std::shared_ptr<StreamCounters> counters_;
  FrameScaler scaler_;            // decoded() only
  RateCeiling rate_ceiling_;      // decoded() only
  ReferenceGate reference_gate_;  // encoded() only
  std::unique_ptr<KeyFrameSampler> sampler_;  // analysis mode health
  std::shared_ptr<EncodedFanout> relay_;      // may be null
  bool decodes_ = false;
  const bool key_frames_only_;
  std::atomic<bool> first_frame_posted_{false};
};

}  // namespace villagecam::ingest
