#include "ingest/camera_worker.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "i18n/messages.hpp"
#include "ingest/stream_failure.hpp"
#include "util/logging.hpp"
#include "util/duration.hpp"

namespace villagecam::ingest {
namespace {

// How often the worker refreshes its measured rates when nothing happens.
constexpr Duration kHealthPeriod = std::chrono::milliseconds(500);

}  // namespace

SupervisorPolicy policyFrom(const config::IngestConfig& ingest) {
  SupervisorPolicy p;
  p.connect_timeout = toDuration(ingest.connect_timeout);
  p.stall_timeout = toDuration(ingest.stall_timeout);
  p.backoff_initial = toDuration(ingest.backoff_initial);
  p.backoff_max = toDuration(ingest.backoff_max);
  p.unauthorized_retry = toDuration(ingest.unauthorized_retry);
  return p;
}

CameraWorker::CameraWorker(config::CameraConfig camera, const config::IngestConfig& ingest,
                           RenderedPipeline rendered, const Clock& clock)
    : camera_(std::move(camera)),
      rendered_(std::move(rendered)),
      clock_(clock),
      log_(cameraLogger(camera_.id)),
      supervisor_(policyFrom(ingest), clock.steady(), std::hash<std::string>{}(camera_.id) ^
                                                          static_cast<std::uint64_t>(clock.wall().time_since_epoch().count())) {
  health_.id = camera_.id;
  health_.name = camera_.name;
  health_.url = camera_.url.redacted();
  health_.gb_code = camera_.gb_code;
  health_.since = clock_.wall();
  health_.reason = i18n::tr(i18n::Msg::CamStarting);
}

CameraWorker::~CameraWorker() { stop(); }

void CameraWorker::start() {
  last_loop_ = clock_.steady().time_since_epoch().count();
  thread_ = std::thread([this] { run(); });
}

void CameraWorker::stop() {
  stopping_ = true;
  mailbox_->wake();
  if (thread_.joinable()) thread_.join();
}

health::CameraHealth CameraWorker::health() const {
  std::lock_guard lock(health_mutex_);
  return health_;
}

void CameraWorker::startStream(SteadyTime now) {
  counters_->frames_since_key = 0;
  counters_->timings.take();  // the last connection's
  ++connection_;
  const Duration sampled = camera_.analysis.mode == config::AnalysisMode::Health ? sample_every_ : Duration::zero();
  try {
    FrameOutput output{{camera_.analysis.width, camera_.analysis.height}, config::streamedFps(camera_), sampled, relay_};
    output.key_frames_only = camera_.analysis.mode == config::AnalysisMode::Keyframes;
    pipeline_ = std::make_unique<CameraPipeline>(rendered_, camera_.url, camera_.credentials, mailbox_, counters_,
                                                 std::move(output));
  } catch (const std::exception& e) {
    supervisor_.streamStarted(now);
    supervisor_.streamFailed(now, health::FailureKind::Other, e.what());
    log_->error("{}", e.what());
    return;
  }
  supervisor_.streamStarted(now);
  log_->debug("connecting to {} (attempt {})", camera_.url.redacted(), supervisor_.attempts());
  pipeline_->play();
}

void CameraWorker::stopStream() {
  pipeline_.reset();  // joins the pipeline's streaming threads
  if (relay_) relay_->interrupted();
  mailbox_->clear();  // what the old stream left behind is no news
  rates_.reset();
}

void CameraWorker::run() {
  health::StateInfo reported = supervisor_.state();
  while (!stopping_) {
    SteadyTime now = clock_.steady();
    last_loop_ = now.time_since_epoch().count();

    switch (supervisor_.poll(now)) {
      case CameraSupervisor::Action::StartStream:
        startStream(now);
        break;
      case CameraSupervisor::Action::StopStream:
        stopStream();
        break;
      case CameraSupervisor::Action::None:
        break;
    }

    const SteadyTime deadline = std::min(supervisor_.nextDeadline(), now + kHealthPeriod);
    Mailbox::Batch batch = mailbox_->waitUntil(std::max(deadline, clock_.steady()));
    if (stopping_) break;
    now = clock_.steady();

    const std::uint64_t frames = counters_->frames.load(std::memory_order_relaxed);
    if (frames != frames_seen_) {
      frames_seen_ = frames;
      last_frame_ = now;
      supervisor_.frameArrived(now);
    }
    if (batch.frame) {
      ++frames_decoded_;
      if (frame_handler_) frame_handler_(analysis::AnalysisFrame(mailbox_->latestFrame(), grey_buffer_, colour_buffer_));
    }
    for (auto failure : batch.failures) {
      if (!supervisor_.streaming()) break;
      stopStream();
      failure = explainFailure(failure, camera_.url, std::chrono::seconds(1));
      supervisor_.streamFailed(clock_.steady(), failure.kind, failure.reason);
    }

    refreshHealth(now);
    if (stream_handler_ && supervisor_.state().state == health::CameraState::Online) {
      const auto h = health();
      stream_handler_({now, counters_->key_frames.load(std::memory_order_relaxed),
                       counters_->frames.load(std::memory_order_relaxed),
                       counters_->key_bytes.load(std::memory_order_relaxed),
                       counters_->delta_bytes.load(std::memory_order_relaxed), h.width, h.height, connection_,
                       counters_->timings.take()});
    }
    const health::StateInfo& state = supervisor_.state();
    if (state.state != reported.state || state.reason != reported.reason) {
      const auto next = supervisor_.nextAttemptAt();
      const std::string retry =
          next ? fmt::format("; retrying in {:.1f} s", toSeconds(*next - clock_.steady())) : std::string();
      if (state.state == reported.state) {
        log_->debug("{}: {}{}", toString(state.state), state.reason, retry);
      } else if (state.state == health::CameraState::Online) {
        log_->info("{} -> {}: {}", toString(reported.state), toString(state.state), state.reason);
      } else {
        log_->warn("{} -> {}: {}{}", toString(reported.state), toString(state.state), state.reason, retry);
      }
      reported = state;
      if (state_handler_) state_handler_(health());
    }
  }
  stopStream();
}

void CameraWorker::refreshHealth(SteadyTime now) {
  rates_.sample(now, counters_->frames.load(std::memory_order_relaxed),
                counters_->bytes.load(std::memory_order_relaxed));
  const StreamInfo info = pipeline_ ? pipeline_->info() : StreamInfo{};
  const WallTime wall_now = clock_.wall();
  auto toWall = [&](SteadyTime t) {
    return wall_now - std::chrono::duration_cast<WallTime::duration>(now - t);
  };
  const health::StateInfo& state = supervisor_.state();

  std::lock_guard lock(health_mutex_);
  health_.state = state.state;
  health_.since = toWall(state.since);
  health_.reason = state.reason;
  health_.failure = supervisor_.attempts() > 0 && state.state != health::CameraState::Online &&
                            state.state != health::CameraState::Connecting
                        ? toString(supervisor_.lastFailure())
                        : "";
  if (!info.codec.empty()) health_.codec = info.codec;
  if (info.width > 0) {
    health_.width = info.width;
    health_.height = info.height;
  }
  const bool online = state.state == health::CameraState::Online;
  health_.fps = online ? rates_.framesPerSecond() : 0.0;
  health_.bitrate_kbps = online ? rates_.bitsPerSecond() / 1000.0 : 0.0;
  const auto gop = counters_->last_gop_frames.load(std::memory_order_relaxed);
  health_.keyframe_interval_s = gop > 0 && health_.fps > 0 ? static_cast<double>(gop) / health_.fps : 0.0;
  if (frames_seen_ > 0) health_.last_frame = toWall(last_frame_);
  health_.reconnects = supervisor_.reconnects();
  health_.frames_received = frames_seen_;
  health_.frames_decoded = frames_decoded_;
  health_.frames_dropped = mailbox_->framesDropped();
  health_.frames_without_reference = counters_->without_reference.load(std::memory_order_relaxed);
  health_.frames_corrupt = counters_->corrupt.load(std::memory_order_relaxed);
  const auto next = supervisor_.nextAttemptAt();
  health_.next_attempt = next ? std::optional<WallTime>(toWall(*next)) : std::nullopt;
}

}  // namespace villagecam::ingest
