// The per-camera state machine: when to (re)start a stream, when a stream has
// failed or stalled, and what state to report. Pure logic over an injected
// time: the CameraWorker feeds it events and carries out what it decides.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "health/camera_state.hpp"
#include "util/clock.hpp"

namespace villagecam::ingest {

struct SupervisorPolicy {
  Duration connect_timeout = std::chrono::seconds(10);  // start → first frame
  Duration stall_timeout = std::chrono::seconds(3);     // frame → frame while online
  Duration backoff_initial = std::chrono::seconds(1);
  Duration backoff_max = std::chrono::seconds(30);
  Duration unauthorized_retry = std::chrono::seconds(120);
  Duration stable_after = std::chrono::seconds(10);     // online this long resets the backoff
  double jitter = 0.2;                                  // retry delays vary by up to -20 %
};

class CameraSupervisor {
 public:
  enum class Action { None, StartStream, StopStream };

  CameraSupervisor(SupervisorPolicy policy, SteadyTime now, std::uint64_t seed);

  // What to do now: start a stream when one is due, stop one that has failed
  // by timeout or stall. Call after every event and at nextDeadline().
  Action poll(SteadyTime now);

  void streamStarted(SteadyTime now);
  void frameArrived(SteadyTime now);
  // The stream failed; the worker tears it down. Schedules the next attempt.
  void streamFailed(SteadyTime now, health::FailureKind kind, const std::string& reason);

  // When poll() may next have something to do.
  SteadyTime nextDeadline() const;

  const health::StateInfo& state() const { return state_; }
  bool streaming() const { return streaming_; }
  std::uint64_t attempts() const { return attempts_; }
  std::uint64_t reconnects() const { return attempts_ > 0 ? attempts_ - 1 : 0; }
  std::optional<SteadyTime> nextAttemptAt() const;
  health::FailureKind lastFailure() const { return last_failure_; }

 private:
  void enter(health::CameraState s, SteadyTime now, std::string reason);
  Duration backoffDelay();

  SupervisorPolicy policy_;
  std::mt19937_64 rng_;
  health::StateInfo state_;
  bool streaming_ = false;
  SteadyTime stream_started_{};
  SteadyTime last_frame_{};
  bool frame_this_stream_ = false;
  SteadyTime retry_at_{};
  std::uint64_t attempts_ = 0;
  int failures_in_row_ = 0;
  health::FailureKind last_failure_ = health::FailureKind::Other;
};

}  // namespace villagecam::ingest
