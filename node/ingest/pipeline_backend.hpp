// The two ways a CameraPipeline reads a camera, behind one interface
// (ingest-internal): GStreamer's rtspsrc with the whole template, or FFmpeg's
// demuxer feeding the template's chain from its parser on.
#pragma once

#include <memory>
#include <optional>

#include "ingest/camera_pipeline.hpp"

namespace villagecam::ingest {

class PipelineBackend {
 public:
  virtual ~PipelineBackend() = default;
  virtual void play() = 0;
  virtual StreamInfo info() const = 0;
  virtual void askForPicture() = 0;
};

// Both throw std::runtime_error if the template does not build.
std::unique_ptr<PipelineBackend> makeRtspsrcPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                                                     const std::optional<config::Credentials>& credentials,
                                                     std::shared_ptr<Mailbox> mailbox,
                                                     std::shared_ptr<StreamCounters> counters, FrameOutput output);
std::unique_ptr<PipelineBackend> makeDemuxerPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                                                     const std::optional<config::Credentials>& credentials,
                                                     std::shared_ptr<Mailbox> mailbox,
                                                     std::shared_ptr<StreamCounters> counters, FrameOutput output);

}  // namespace villagecam::ingest
