#include "ingest/camera_pipeline.hpp"

#include "ingest/pipeline_backend.hpp"

namespace villagecam::ingest {

CameraPipeline::CameraPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                               const std::optional<config::Credentials>& credentials,
                               std::shared_ptr<Mailbox> mailbox, std::shared_ptr<StreamCounters> counters,
                               FrameOutput output)
    : backend_(rendered.demuxer
                   ? makeDemuxerPipeline(rendered, url, credentials, std::move(mailbox), std::move(counters), output)
                   : makeRtspsrcPipeline(rendered, url, credentials, std::move(mailbox), std::move(counters), output)) {}

CameraPipeline::~CameraPipeline() = default;

void CameraPipeline::play() { backend_->play(); }

StreamInfo CameraPipeline::info() const { return backend_->info(); }

void CameraPipeline::askForPicture() { backend_->askForPicture(); }

}  // namespace villagecam::ingest
