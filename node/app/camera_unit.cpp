#include "app/camera_unit.hpp"

#include <fmt/format.h>

#include "util/duration.hpp"
#include "util/logging.hpp"

namespace villagecam::app {

ViewBaselines loadBaselinesFor(const config::CameraConfig& camera, const std::filesystem::path& baselines_dir) {
  const auto log = cameraLogger(camera.id);
  ViewBaselines baselines;
  try {
    baselines = loadViewBaselines(baselines_dir, camera.id);
  } catch (const std::exception& e) {
    log->error("{}; view checks are off until a new baseline is taken", e.what());
    return {};
  }
  if (!baselines.commissioning) {
    log->warn("no view baseline yet (villagecam-node baseline): its view is not checked, and its areas count as "
              "unverified, not covered, while it is online");
  }
  return baselines;
}

CameraUnit::CameraUnit(const config::CameraConfig& camera, const config::IngestConfig& ingest,
                       ingest::RenderedPipeline rendered, ViewBaselines baselines, const Options& options,
                       const Clock& clock, Post post)
    : clock_(clock), post_(std::move(post)), stream_key_(streamKey(camera, rendered, ingest)) {
  // The refreshed baseline is stored by the event thread: it arrives there
  // as a message, like everything else the camera says.
  auto save = [this, id = camera.id](const analysis::StoredBaseline& b, bool night) {
    post_(BaselineRefreshed{id, b, night});
  };
  auto view_options = options.view;
  view_options.sampled = camera.analysis.mode == config::AnalysisMode::Health;
  view_options.key_frames_only = camera.analysis.mode != config::AnalysisMode::Full;
  if (camera.patrol_time) view_options.patrol_time = toDuration(*camera.patrol_time);
  // The view as the baseline in use shows it: the first frames' prior for detection.
  const cv::Mat view_prior = baselines.refreshed      ? baselines.refreshed->baseline.reference
                             : baselines.commissioning ? baselines.commissioning->baseline.reference
                                                       : cv::Mat();
  view_ = std::make_unique<ViewMonitor>(std::move(baselines), view_options, save);
  if (camera.detection.enabled()) {
    detector_ = std::make_unique<DetectionMonitor>(camera.detection, options.jpeg_quality, view_prior);
  }
  worker_ = std::make_unique<ingest::CameraWorker>(camera, ingest, std::move(rendered), clock);
  worker_->sampleKeyFramesEvery(toDuration(options.view.config.health_check_interval));
  worker_->onStateChange([this](const health::CameraHealth& h) { post_(HealthChanged{h}); });
  worker_->onFrame([this](const analysis::AnalysisFrame& frame) { onFrame(frame); });
  worker_->onStreamSample([this](const analysis::StreamSample& sample) {
    if (view_->onStream(sample, clock_.steady())) post_(ViewChanged{id(), view_->state()});
    if (view_->takePictureRequest()) worker_->askForPicture();
  });
}

CameraUnit::~CameraUnit() { stop(); }

ingest::PipelineTemplate CameraUnit::loadTemplate(const config::IngestConfig& ingest) {
  return ingest::loadTemplate(ingest::pipelinesDir(ingest.pipelines_dir), ingest.pipeline);
}

ingest::RenderedPipeline CameraUnit::render(const ingest::PipelineTemplate& tmpl, const config::CameraConfig& camera,
                                            const config::IngestConfig& ingest) {
  return ingest::withRtspClient(
      ingest::forMode(ingest::render(tmpl, ingest::templateVars(camera, ingest)), camera.analysis.mode),
      ingest.rtsp_client, camera.analysis.mode, camera, ingest);
}

std::string CameraUnit::streamKey(const config::CameraConfig& c, const ingest::RenderedPipeline& rendered,
                                  const config::IngestConfig& in) {
  std::string pipeline = rendered.source + "\n" + rendered.output;
  for (const auto& [codec, chain] : rendered.decoders) pipeline += "\n" + codec + ": " + chain;
  if (rendered.demuxer) pipeline += fmt::format("\nread by FFmpeg: {} {} {}", config::toString(rendered.demuxer->transport),
                                                rendered.demuxer->io_timeout_us, rendered.demuxer->max_delay_us);
  return fmt::format("{}\n{}\n{}\n{}\n{}:{}\n{}\n{} {} {} {} {} {}", pipeline, config::streamedFps(c), c.name,
                     c.url.withoutCredentials(), c.credentials ? c.credentials->username : "",
                     c.credentials ? c.credentials->password : "", c.detection.enabled(), in.connect_timeout.count(),
                     in.stall_timeout.count(), in.backoff_initial.count(), in.backoff_max.count(),
                     in.unauthorized_retry.count(), in.latency_ms);
}

void CameraUnit::restore(const std::vector<events::Alert>& open, SteadyTime now) {
  for (const auto& a : open) {
    if (a.camera_id != id()) continue;
    if (a.type == events::AlertType::ViewTampered) {
      std::vector<analysis::ViewIssue> issues;
      for (const auto& name : a.issues) {
        if (auto i = analysis::viewIssueFrom(name)) issues.push_back(*i);
      }
      view_->restore(issues, now);
    }
    if ((a.type == events::AlertType::Motion || a.type == events::AlertType::Intrusion) && detector_) {
      detector_->restoreOpen(a.zone_id, now);
    }
  }
}

ViewState CameraUnit::initialView() const { return view_->state(); }
ViewState CameraUnit::latestView() const { return view_->state(); }

void CameraUnit::start() { worker_->start(); }

void CameraUnit::stop() {
  if (worker_) worker_->stop();
}

std::optional<DetectionStats> CameraUnit::detectionStats() const {
  if (!detector_) return std::nullopt;
  return detector_->stats();
}

void CameraUnit::retune(const config::DetectionConfig& detection) {
  if (detector_) detector_->reconfigure(detection);
}

// On the worker's thread, never a GStreamer one.
void CameraUnit::onFrame(const analysis::AnalysisFrame& frame) {
  if (detector_) {
    for (auto& e : detector_->onFrame(frame, clock_.steady(), clock_.wall())) {
      post_(ZoneEventNote{id(), camera().name, std::move(e)});
    }
  }
  if (view_->onFrame(frame, clock_.steady(), clock_.wall())) post_(ViewChanged{id(), view_->state()});
}

}  // namespace villagecam::app
