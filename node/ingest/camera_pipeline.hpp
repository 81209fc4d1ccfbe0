// One streaming attempt of one camera: a pipeline built from the rendered
// template, read by GStreamer's rtspsrc or, when the rendered pipeline says
// so (RenderedPipeline::demuxer), by FFmpeg's demuxer on a thread of its own
// (pipeline_backend.hpp). Created to connect, destroyed to disconnect; its
// destructor stops every streaming thread before anything it shares goes.
// Threads: the streaming threads only count, scale a decoded picture into
// the Mailbox, post and return (StreamTaps). The template's [output] ends in
// an element named "sink"; decoded frames are taken on its input pad and
// dropped there.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "analysis/analysis_frame.hpp"
#include "ingest/encoded_fanout.hpp"
#include "ingest/mailbox.hpp"
#include "ingest/pipeline_template.hpp"
#include "ingest/stream_counters.hpp"
#include "util/clock.hpp"

namespace villagecam::ingest {

class PipelineBackend;

struct StreamInfo {
  std::string codec;  // "h264", "h265", ...
  int width = 0;      // of the camera's stream, not the analysis size
  int height = 0;
};

// What reaches the mailbox of the decoded frames.
struct FrameOutput {
  cv::Size size;        // scaled to this size; {0, 0}: the camera's own
  double max_fps = 0;   // at most this many a second (RateCeiling); 0: every one
  // Analysis mode health: one key frame decoded this often (KeyFrameSampler),
  // nothing else; zero: the stream is decoded.
  Duration sample_every{};
  // Every encoded unit the parser puts out, in every mode, before anything
  // is dropped for the decoder; null: none.
  std::shared_ptr<EncodedFanout> relay;
  // Analysis mode keyframes: only key frames go on to the decoder (the
  // others are counted and relayed, then dropped: with FFmpeg's demuxer
  // before any GStreamer element sees them).
  bool key_frames_only = false;
};

class CameraPipeline {
 public:
  // Throws std::runtime_error if the template does not build.
  CameraPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                 const std::optional<config::Credentials>& credentials, std::shared_ptr<Mailbox> mailbox,
                 std::shared_ptr<StreamCounters> counters, FrameOutput output);
  ~CameraPipeline();
  CameraPipeline(const CameraPipeline&) = delete;
  CameraPipeline& operator=(const CameraPipeline&) = delete;

  void play();
  StreamInfo info() const;
  // Analysis mode health: decode the next key frame, due or not.
  void askForPicture();

 private:
  std::unique_ptr<PipelineBackend> backend_;  // no GStreamer or FFmpeg header leaks from here
};

}  // namespace villagecam::ingest
