// One thread per camera that owns its pipeline: starts it, watches it through
// the Mailbox, tears it down and rebuilds it as the CameraSupervisor decides,
// and keeps the camera's health. A camera that hangs, fails or sends garbage
// blocks only its own worker.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.hpp"
#include "analysis/analysis_frame.hpp"
#include "analysis/stillness.hpp"
#include "health/camera_health.hpp"
#include "ingest/camera_pipeline.hpp"
#include "ingest/camera_supervisor.hpp"
#include "ingest/encoded_fanout.hpp"
#include "ingest/mailbox.hpp"
#include "ingest/pipeline_template.hpp"
#include "ingest/rate_meter.hpp"
#include "ingest/stream_counters.hpp"

namespace villagecam::ingest {

SupervisorPolicy policyFrom(const config::IngestConfig& ingest);

class CameraWorker {
 public:
  // Called on the worker's thread for every decoded frame it takes, at the
  // camera's analysis size. The frame is valid during the call only.
  using FrameHandler = std::function<void(const analysis::AnalysisFrame&)>;
  // Called on the worker's thread when the camera's state changes.
  using StateHandler = std::function<void(const health::CameraHealth&)>;
  // Called on the worker's thread about twice a second while the camera
  // streams, with the encoded stream's counters.
  using StreamHandler = std::function<void(const analysis::StreamSample&)>;

  CameraWorker(config::CameraConfig camera, const config::IngestConfig& ingest, RenderedPipeline rendered,
               const Clock& clock);
  ~CameraWorker();
  CameraWorker(const CameraWorker&) = delete;
  CameraWorker& operator=(const CameraWorker&) = delete;

  void onFrame(FrameHandler handler) { frame_handler_ = std::move(handler); }
  void onStateChange(StateHandler handler) { state_handler_ = std::move(handler); }
  void onStreamSample(StreamHandler handler) { stream_handler_ = std::move(handler); }
  // Analysis mode health: how often one key frame is decoded (before start();
  // default one a minute). Other modes decode the stream.
  void sampleKeyFramesEvery(Duration every) { sample_every_ = every; }
  // Health mode: decode the next key frame now. The worker's thread only
  // (a frame or stream handler).
  void askForPicture() {
    if (pipeline_) pipeline_->askForPicture();
  }

  // Every encoded unit of the camera's stream goes there too (before start()).
  void relayTo(std::shared_ptr<EncodedFanout> fanout) { relay_ = std::move(fanout); }

  void start();
  // Ends the thread: tears the stream down and joins. Idempotent.
  void stop();

  const config::CameraConfig& camera() const { return camera_; }
  health::CameraHealth health() const;
  // When the worker's loop last went round (for the service watchdog).
  SteadyTime lastLoop() const { return SteadyTime(Duration(last_loop_.load())); }

 private:
  void run();
  void startStream(SteadyTime now);
  void stopStream();
  void refreshHealth(SteadyTime now);

  const config::CameraConfig camera_;
  const RenderedPipeline rendered_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  CameraSupervisor supervisor_;
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::shared_ptr<StreamCounters> counters_ = std::make_shared<StreamCounters>();
  std::uint64_t connection_ = 0;  // streams started
  std::unique_ptr<CameraPipeline> pipeline_;  // only the worker thread touches it
  RateMeter rates_;
  std::uint64_t frames_seen_ = 0;
  std::uint64_t frames_decoded_ = 0;
  cv::Mat grey_buffer_, colour_buffer_;  // for analysis::AnalysisFrame, reused
  SteadyTime last_frame_{};
  Duration sample_every_ = std::chrono::minutes(1);
  std::shared_ptr<EncodedFanout> relay_;

  FrameHandler frame_handler_;
  StateHandler state_handler_;
  StreamHandler stream_handler_;

  mutable std::mutex health_mutex_;
  health::CameraHealth health_;

  std::atomic<bool> stopping_{false};
  std::atomic<Duration::rep> last_loop_{0};
  std::thread thread_;
};

}  // namespace villagecam::ingest
