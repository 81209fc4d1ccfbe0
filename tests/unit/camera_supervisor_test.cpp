// The supervisor's decisions, driven by a manual clock: no camera, no sleep.
#include <gtest/gtest.h>

#include "ingest/camera_supervisor.hpp"

namespace villagecam::ingest {
namespace {

using namespace std::chrono_literals;
using Action = CameraSupervisor::Action;

SupervisorPolicy testPolicy() {
  SupervisorPolicy p;
  p.connect_timeout = 10s;
  p.stall_timeout = 5s;
  p.backoff_initial = 1s;
  p.backoff_max = 30s;
  p.unauthorized_retry = 120s;
  p.stable_after = 10s;
  p.jitter = 0.2;
  return p;
}

class Supervisor : public ::testing::Test {
 protected:
  SteadyTime t0{};
  SteadyTime now = t0;
  CameraSupervisor sup{testPolicy(), t0, 7};

  void at(Duration d) { now = t0 + d; }
  void goOnline() {
    ASSERT_EQ(sup.poll(now), Action::StartStream);
    sup.streamStarted(now);
    sup.frameArrived(now);
  }
};

TEST_F(Supervisor, StartsConnectingAndGoesOnlineOnTheFirstFrame) {
  EXPECT_EQ(sup.state().state, health::CameraState::Connecting);
  EXPECT_EQ(sup.poll(now), Action::StartStream);
  sup.streamStarted(now);
  EXPECT_EQ(sup.poll(now), Action::None);
  at(300ms);
  sup.frameArrived(now);
  EXPECT_EQ(sup.state().state, health::CameraState::Online);
  EXPECT_EQ(sup.state().since, now);
  EXPECT_EQ(sup.reconnects(), 0u);
}

TEST_F(Supervisor, NoFrameWithinTheConnectTimeoutIsAFailure) {
  sup.poll(now);
  sup.streamStarted(now);
  at(9999ms);
  EXPECT_EQ(sup.poll(now), Action::None);
  at(10s);
  EXPECT_EQ(sup.poll(now), Action::StopStream);
  EXPECT_EQ(sup.state().state, health::CameraState::Offline);
  EXPECT_EQ(sup.lastFailure(), health::FailureKind::Timeout);
  EXPECT_NE(sup.state().reason.find("no video within 10 s"), std::string::npos) << sup.state().reason;
}

TEST_F(Supervisor, StallIsDetectedAtTheStallTimeoutAndRetriedAtOnce) {
  goOnline();
  at(4s);
  sup.frameArrived(now);
  at(8999ms);
  EXPECT_EQ(sup.poll(now), Action::None);
  EXPECT_EQ(sup.nextDeadline(), t0 + 9s);
  at(9s);
  EXPECT_EQ(sup.poll(now), Action::StopStream);
  EXPECT_EQ(sup.state().state, health::CameraState::Stalled);
  EXPECT_EQ(sup.poll(now), Action::StartStream);  // no backoff for the first retry
}

TEST_F(Supervisor, BackoffGrowsExponentiallyWithJitterUpToTheCap) {
  sup.poll(now);
  std::vector<double> delays;
  for (int i = 0; i < 10; ++i) {
    sup.streamStarted(now);
    sup.streamFailed(now, health::FailureKind::Refused, "connection refused");
    const auto next = sup.nextAttemptAt();
    ASSERT_TRUE(next);
    delays.push_back(toSeconds(*next - now));
    EXPECT_EQ(sup.poll(now), Action::None);
    now = *next;
    EXPECT_EQ(sup.poll(now), Action::StartStream);
  }
  const double expected_base[] = {1, 2, 4, 8, 16, 30, 30, 30, 30, 30};
  for (size_t i = 0; i < delays.size(); ++i) {
    EXPECT_LE(delays[i], expected_base[i] + 1e-6) << i;
    EXPECT_GE(delays[i], expected_base[i] * 0.8 - 1e-6) << i;
  }
  EXPECT_EQ(sup.state().state, health::CameraState::Offline);
  EXPECT_EQ(sup.reconnects(), 9u);
}

TEST_F(Supervisor, JitterSpreadsCamerasThatFailTogether) {
  CameraSupervisor a(testPolicy(), t0, 1), b(testPolicy(), t0, 2);
  for (auto* s : {&a, &b}) {
    s->poll(t0);
    s->streamStarted(t0);
    s->streamFailed(t0, health::FailureKind::Refused, "x");
  }
  EXPECT_NE(*a.nextAttemptAt(), *b.nextAttemptAt());
}

TEST_F(Supervisor, UnauthorizedRetriesOnlyRarely) {
  sup.poll(now);
  sup.streamStarted(now);
  sup.streamFailed(now, health::FailureKind::Unauthorized, "401");
  EXPECT_EQ(sup.state().state, health::CameraState::Unauthorized);
  EXPECT_EQ(*sup.nextAttemptAt(), now + 120s);
  at(119s);
  EXPECT_EQ(sup.poll(now), Action::None);
  at(120s);
  EXPECT_EQ(sup.poll(now), Action::StartStream);
}

TEST_F(Supervisor, BackoffResetsOnceOnlineLongEnough) {
  sup.poll(now);
  for (int i = 0; i < 5; ++i) {  // five failures: the next delay would be ~16-30 s
    sup.streamStarted(now);
    sup.streamFailed(now, health::FailureKind::Refused, "x");
    now = *sup.nextAttemptAt();
    sup.poll(now);
  }
  sup.streamStarted(now);
  sup.frameArrived(now);
  const SteadyTime online_at = now;
  for (int s = 1; s <= 10; ++s) {
    now = online_at + std::chrono::seconds(s);
    sup.frameArrived(now);
    sup.poll(now);
  }
  sup.streamFailed(now, health::FailureKind::StreamEnded, "eos");
  EXPECT_LE(toSeconds(*sup.nextAttemptAt() - now), 1.0 + 1e-9);
}

TEST_F(Supervisor, ALateFrameAfterGivingUpChangesNothing) {
  sup.poll(now);
  sup.streamStarted(now);
  sup.streamFailed(now, health::FailureKind::Refused, "x");
  sup.frameArrived(now);
  EXPECT_EQ(sup.state().state, health::CameraState::Offline);
}

TEST_F(Supervisor, SinceStaysPutWhileTheStateDoesNotChange) {
  sup.poll(now);
  sup.streamStarted(now);
  sup.streamFailed(now, health::FailureKind::Refused, "x");
  const SteadyTime offline_since = sup.state().since;
  now = *sup.nextAttemptAt();
  sup.poll(now);
  sup.streamStarted(now);
  sup.streamFailed(now, health::FailureKind::Refused, "x");
  EXPECT_EQ(sup.state().since, offline_since);
}

}  // namespace
}  // namespace villagecam::ingest
