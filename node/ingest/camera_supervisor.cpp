#include "ingest/camera_supervisor.hpp"

#include "i18n/messages.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace villagecam::ingest {

using i18n::Msg;
using i18n::tr;


CameraSupervisor::CameraSupervisor(SupervisorPolicy policy, SteadyTime now, std::uint64_t seed)
    : policy_(policy), rng_(seed) {
  state_ = {health::CameraState::Connecting, now, tr(Msg::CamStarting)};
  retry_at_ = now;
}

void CameraSupervisor::enter(health::CameraState s, SteadyTime now, std::string reason) {
  if (state_.state != s) state_.since = now;
  state_.state = s;
  state_.reason = std::move(reason);
}

Duration CameraSupervisor::backoffDelay() {
  const double initial = toSeconds(policy_.backoff_initial);
  const double cap = toSeconds(policy_.backoff_max);
  const double base = std::min(cap, initial * std::pow(2.0, std::min(failures_in_row_, 30)));
  std::uniform_real_distribution<double> spread(1.0 - policy_.jitter, 1.0);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(base * spread(rng_)));
}

CameraSupervisor::Action CameraSupervisor::poll(SteadyTime now) {
  if (!streaming_) return now >= retry_at_ ? Action::StartStream : Action::None;
  if (!frame_this_stream_) {
    if (now - stream_started_ >= policy_.connect_timeout) {
      streamFailed(now, health::FailureKind::Timeout,
                   tr(Msg::CamNoVideoWithin, std::lround(toSeconds(policy_.connect_timeout))));
      return Action::StopStream;
    }
    return Action::None;
  }
  if (state_.state == health::CameraState::Online && now - state_.since >= policy_.stable_after) {
    failures_in_row_ = 0;
  }
  if (now - last_frame_ >= policy_.stall_timeout) {
    const auto quiet = std::lround(toSeconds(now - last_frame_));
    enter(health::CameraState::Stalled, now, tr(Msg::CamNoFrameFor, quiet));
    last_failure_ = health::FailureKind::Stalled;
    streaming_ = false;
    retry_at_ = now;  // a stall is retried at once; a failing retry then backs off
    ++failures_in_row_;
    return Action::StopStream;
  }
  return Action::None;
}

void CameraSupervisor::streamStarted(SteadyTime now) {
  streaming_ = true;
  frame_this_stream_ = false;
  stream_started_ = now;
  ++attempts_;
}

void CameraSupervisor::frameArrived(SteadyTime now) {
  if (!streaming_) return;  // a late frame from a stream already given up
  last_frame_ = now;
  frame_this_stream_ = true;
  if (state_.state != health::CameraState::Online) enter(health::CameraState::Online, now, tr(Msg::CamReceivingVideo));
}

void CameraSupervisor::streamFailed(SteadyTime now, health::FailureKind kind, const std::string& reason) {
  if (!streaming_) return;  // already handled (e.g. an error after a stall stop)
  streaming_ = false;
  last_failure_ = kind;
  if (kind == health::FailureKind::Unauthorized) {
    enter(health::CameraState::Unauthorized, now, reason);
    retry_at_ = now + policy_.unauthorized_retry;
    return;
  }
  const Duration delay = backoffDelay();
  ++failures_in_row_;
  retry_at_ = now + delay;
  enter(health::CameraState::Offline, now, reason);
}

SteadyTime CameraSupervisor::nextDeadline() const {
  if (!streaming_) return retry_at_;
  if (!frame_this_stream_) return stream_started_ + policy_.connect_timeout;
  SteadyTime next = last_frame_ + policy_.stall_timeout;
  if (state_.state == health::CameraState::Online && failures_in_row_ > 0) {
    next = std::min(next, state_.since + policy_.stable_after);
  }
  return next;
}

std::optional<SteadyTime> CameraSupervisor::nextAttemptAt() const {
  if (streaming_) return std::nullopt;
  return retry_at_;
}

}  // namespace villagecam::ingest
