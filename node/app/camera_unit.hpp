// One camera of the running node: its worker (the pipeline and its
// supervisor, on the worker's thread), the view monitor and, with zones, the
// detection monitor that the worker's frames go through, and the key of its
// stream. Everything the camera has to say leaves it as a CameraMessage
// through `post`, on the worker's thread; nothing of it is read back from the
// event thread but the worker's health snapshot and the detection counters,
// each under its own leaf lock.
//
// Destruction stops the worker before the monitors it calls go (members are
// declared in that order), so no caller has to remember to.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/camera_messages.hpp"
#include "app/detection_monitor.hpp"
#include "app/view_monitor.hpp"
#include "config/config.hpp"
#include "events/alert.hpp"
#include "health/camera_health.hpp"
#include "ingest/camera_worker.hpp"
#include "ingest/pipeline_template.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

class CameraUnit {
 public:
  using Post = std::function<void(CameraMessage)>;

  struct Options {
    ViewMonitor::Options view;
    int jpeg_quality = 80;
  };

  // `baselines`: the camera's stored references.
  CameraUnit(const config::CameraConfig& camera, const config::IngestConfig& ingest, ingest::RenderedPipeline rendered,
             ViewBaselines baselines, const Options& options, const Clock& clock, Post post);
  ~CameraUnit();
  CameraUnit(const CameraUnit&) = delete;
  CameraUnit& operator=(const CameraUnit&) = delete;

  // What, if it changes, needs the camera's stream restarted: the pipeline,
  // the rate frames are taken at, where and how it connects, and the
  // supervisor's timing.
  static std::string streamKey(const config::CameraConfig& camera, const ingest::RenderedPipeline& rendered,
                               const config::IngestConfig& ingest);

  // The configured pipeline template, and a camera's stream rendered from
  // it for its analysis mode. Throw std::runtime_error naming the template.
  static ingest::PipelineTemplate loadTemplate(const config::IngestConfig& ingest);
  static ingest::RenderedPipeline render(const ingest::PipelineTemplate& tmpl, const config::CameraConfig& camera,
                                         const config::IngestConfig& ingest);

  const config::CameraConfig& camera() const { return worker_->camera(); }
  const std::string& id() const { return worker_->camera().id; }
  const std::string& streamKey() const { return stream_key_; }
  bool detects() const { return detector_ != nullptr; }

  // Before start(): the monitors take up what the camera's open alerts say
  // (after a restart of the node or of the stream), and initialView() tells the
  // view they start from. After start() the view travels in ViewChanged.
  void restore(const std::vector<events::Alert>& open, SteadyTime now);
  ViewState initialView() const;
  // Any time, from any thread: the view as its monitor sees it now (the
  // figures of its last checks; the raised issues travel in ViewChanged).
  ViewState latestView() const;

  // Every encoded unit of its stream goes there too (before start()).
  void relayTo(std::shared_ptr<ingest::EncodedFanout> fanout) { worker_->relayTo(std::move(fanout)); }

  void start();
  void stop();  // idempotent

  // Thread-safe snapshots.
  health::CameraHealth health() const { return worker_->health(); }
  SteadyTime lastLoop() const { return worker_->lastLoop(); }
  // When a check of its picture last found nothing raised (ViewState::last_passed).
  std::optional<SteadyTime> lastViewPass() const { return view_->state().last_passed; }
  std::optional<DetectionStats> detectionStats() const;

  // Zones, masks and thresholds of a reloaded config, in place (the stream
  // and the background model stay).
  void retune(const config::DetectionConfig& detection);

 private:
  void onFrame(const analysis::AnalysisFrame& frame);  // the worker's thread

  const Clock& clock_;
  Post post_;
  std::string stream_key_;
  std::unique_ptr<ViewMonitor> view_;
  std::unique_ptr<DetectionMonitor> detector_;  // cameras with zones
  std::unique_ptr<ingest::CameraWorker> worker_;  // last: destroyed (stopped) first
};

// The camera's stored baselines; logs (on cam.<id>) why its view will not be
// checked when that is so. Never throws: a baseline that cannot be read is
// logged and the view goes unchecked until a new one is taken.
ViewBaselines loadBaselinesFor(const config::CameraConfig& camera, const std::filesystem::path& baselines_dir);

}  // namespace villagecam::app
