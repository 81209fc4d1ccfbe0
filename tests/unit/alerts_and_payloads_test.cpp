// Alert lifecycle, messages, payload JSON and the outbox, without a broker.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "events/alert_book.hpp"
#include "events/camera_alerts.hpp"
#include "events/coverage_alerts.hpp"
#include "mqtt/outbox.hpp"
#include "contract/payloads.hpp"
#include "contract/topics.hpp"
#include "util/time_format.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using events::AlertPhase;
using events::AlertType;
using health::CameraState;

const WallTime kT0 = WallTime(std::chrono::hours(24 * 365 * 56)) + 123ms;

events::CameraCondition cond(CameraState s, const std::string& code = "refused") {
  return {"bridge", "河堤桥头", s, code, "connection refused"};
}

// The node's use of the book for a camera's health: Connecting is skipped.
class CameraAlertTracker {
 public:
  explicit CameraAlertTracker(config::Language l) : book_(l) {}
  std::vector<events::Alert> update(const events::CameraCondition& c, WallTime now) {
    if (c.state == CameraState::Connecting) return {};
    return book_.set(events::cameraSubject(c.camera_id), events::cameraHealthAlert(c), now);
  }
  std::vector<events::Alert> forget(const std::string& id, WallTime now) {
    return book_.end(events::cameraSubject(id), now);
  }
  std::vector<events::Alert> openAlerts() const { return book_.openAlerts(); }
  void restore(const std::vector<events::Alert>& open) { book_.restore(open); }

 private:
  events::AlertBook book_;
};

TEST(CameraAlerts, OfflineThenBackIsOneAlertWithAStartAndAnEnd) {
  CameraAlertTracker t(config::Language::ZhCN);
  EXPECT_TRUE(t.update(cond(CameraState::Connecting), kT0).empty());
  EXPECT_TRUE(t.update(cond(CameraState::Online), kT0).empty());
  const auto start = t.update(cond(CameraState::Offline), kT0 + 1s);
  ASSERT_EQ(start.size(), 1u);
  EXPECT_EQ(start[0].type, AlertType::CameraOffline);
  EXPECT_EQ(start[0].phase, AlertPhase::Start);
  EXPECT_EQ(start[0].message, "摄像头「河堤桥头」离线：连接被拒绝");
  EXPECT_TRUE(t.update(cond(CameraState::Offline), kT0 + 5s).empty());  // still the same incident
  const auto end = t.update(cond(CameraState::Online), kT0 + 91s);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].id, start[0].id);
  EXPECT_EQ(end[0].phase, AlertPhase::End);
  EXPECT_DOUBLE_EQ(*end[0].durationSeconds(), 90.0);
  EXPECT_EQ(end[0].message, "摄像头「河堤桥头」已恢复在线（离线1分30秒）");
}

TEST(CameraAlerts, OneBadStateTurningIntoAnotherEndsTheFirst) {
  CameraAlertTracker t(config::Language::En);
  t.update(cond(CameraState::Online), kT0);
  const auto stalled = t.update(cond(CameraState::Stalled, "stalled"), kT0 + 1s);
  const auto offline = t.update(cond(CameraState::Offline), kT0 + 3s);
  ASSERT_EQ(offline.size(), 2u);
  EXPECT_EQ(offline[0].id, stalled[0].id);
  EXPECT_EQ(offline[0].phase, AlertPhase::End);
  EXPECT_EQ(offline[1].type, AlertType::CameraOffline);
  EXPECT_EQ(offline[1].message, "Camera '河堤桥头' is offline: connection refused");
}

TEST(CameraAlerts, OpenAlertsSurviveARestartAndEndWithTheirId) {
  CameraAlertTracker before(config::Language::En);
  const auto start = before.update(cond(CameraState::Unauthorized, "unauthorized"), kT0);
  CameraAlertTracker after(config::Language::En);
  after.restore(before.openAlerts());
  EXPECT_TRUE(after.update(cond(CameraState::Connecting), kT0 + 10s).empty());
  const auto end = after.update(cond(CameraState::Online), kT0 + 20s);
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].id, start[0].id);
  EXPECT_EQ(after.forget("bridge", kT0 + 30s).size(), 0u);
}

TEST(AlertIds, AreVersion4Uuids) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const auto a = events::newAlertId(), b = events::newAlertId();
  EXPECT_TRUE(std::regex_match(a, uuid)) << a;
  EXPECT_NE(a, b);
}

TEST(Payloads, TimesAreRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(toRfc3339(WallTime(std::chrono::milliseconds(1764398427123))), "2025-11-29T06:40:27.123Z");
  EXPECT_EQ(*fromRfc3339("2025-11-29T06:40:27.123Z"), WallTime(std::chrono::milliseconds(1764398427123)));
}

TEST(Payloads, AnAlertRoundTripsThroughJson) {
  CameraAlertTracker t(config::Language::En);
  t.update(cond(CameraState::Online), kT0);
  t.update(cond(CameraState::Offline), kT0 + 1s);
  auto end = t.update(cond(CameraState::Online), kT0 + 2500ms)[0];
  const auto j = contract::alertJson(end, "n1", config::Language::En);
  EXPECT_EQ(j["schema"], "villagecam.alert/1.8");
  EXPECT_EQ(j["phase"], "end");
  EXPECT_EQ(j["duration_s"], 1.5);
  EXPECT_EQ(j["area"], nullptr);
  EXPECT_EQ(j["clip"], nullptr);
  const auto back = contract::alertFromJson(j);
  EXPECT_EQ(back.id, end.id);
  EXPECT_EQ(back.started_at, end.started_at);
  EXPECT_EQ(back.ended_at, end.ended_at);
  EXPECT_FALSE(back.clip);
  // 1.4: the clip it names, planned and then written.
  end.clip = events::ClipRef{end.id, kT0 - 3s, kT0 + 6s, "ready", 1'965'975};
  const auto with_clip = contract::alertJson(end, "n1", config::Language::En);
  EXPECT_EQ(with_clip["clip"]["status"], "ready");
  EXPECT_EQ(with_clip["clip"]["bytes"], 1'965'975);
  EXPECT_EQ(contract::alertFromJson(with_clip).clip, end.clip);
}

TEST(Payloads, AnOccludedViewSaysHowMuchOfItIsCovered) {
  events::AlertBook book(config::Language::En);
  const auto started = book.set("view/gate", events::viewTamperedAlert("gate", "East gate", {"occluded"}, 0.4166), kT0);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_NE(started[0].message.find("42% of the view covered"), std::string::npos) << started[0].message;
  const auto j = contract::alertJson(started[0], "n1", config::Language::En);
  EXPECT_EQ(j["covered_share"], 0.42);
  EXPECT_EQ(contract::alertFromJson(j).covered_share, 0.42);
  // Other issues carry no share.
  EXPECT_FALSE(events::viewTamperedAlert("gate", "East gate", {"defocus"}, 0.5)->covered_share.has_value());
  events::AlertBook zh(config::Language::ZhCN);
  EXPECT_NE(zh.set("view/gate", events::viewTamperedAlert("gate", "东门", {"occluded"}, 0.6), kT0)[0].message.find("60%"),
            std::string::npos);
}

TEST(Payloads, CameraStatusNeverCarriesAPassword) {
  health::CameraHealth h;
  h.id = "gate";
  h.url = config::parseRtspUrl("rtsp://admin:123456@10.0.0.7/ch1").url->redacted();
  const auto j = contract::cameraStatusJson(h, {}, {}, "n1", kT0).dump();
  EXPECT_EQ(j.find("123456"), std::string::npos);
  EXPECT_NE(j.find("rtsp://admin:***@10.0.0.7/ch1"), std::string::npos);
}

TEST(Topics, AreBuiltFromThePrefix) {
  EXPECT_EQ(contract::topics::state("villagecam/n1"), "villagecam/n1/state");
  EXPECT_EQ(contract::topics::cameraStatus("villagecam/n1", "gate"), "villagecam/n1/cameras/gate/status");
  EXPECT_EQ(contract::topics::alerts("county/x"), "county/x/alerts");
}

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vc-outbox-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(OutboxTest, KeepsOrderAcrossReopeningAndForgetsWhatWasAcknowledged) {
  {
    mqtt::Outbox box(dir_, {100, 1 << 20});
    for (int i = 1; i <= 5; ++i) EXPECT_EQ(box.push("alert " + std::to_string(i)), static_cast<std::uint64_t>(i));
    box.ack(2);
    box.ack(2);  // idempotent
  }
  mqtt::Outbox reopened(dir_, {100, 1 << 20});
  const auto entries = reopened.peek(0, 10);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].payload, "alert 1");
  EXPECT_EQ(entries[1].payload, "alert 3");
  EXPECT_EQ(reopened.peek(3, 10).front().seq, 4u);
  EXPECT_EQ(reopened.push("alert 6"), 6u);  // numbering goes on after a restart
}

TEST_F(OutboxTest, DropsTheOldestWhenFullAndRemembersHowMany) {
  {
    mqtt::Outbox box(dir_, {10, 1 << 20});
    for (int i = 1; i <= 15; ++i) box.push("alert " + std::to_string(i));
    EXPECT_EQ(box.depth(), 10u);
    EXPECT_EQ(box.dropped(), 5u);
    EXPECT_EQ(box.peek(0, 1).front().payload, "alert 6");
  }
  mqtt::Outbox reopened(dir_, {10, 1 << 20});
  EXPECT_EQ(reopened.dropped(), 5u);
  EXPECT_EQ(reopened.depth(), 10u);
}

TEST_F(OutboxTest, IsBoundedByBytesToo) {
  mqtt::Outbox box(dir_, {1000, 100});
  for (int i = 0; i < 10; ++i) box.push(std::string(30, 'x'));
  EXPECT_LE(box.bytes(), 100u);
  EXPECT_EQ(box.depth(), 3u);
  EXPECT_EQ(box.dropped(), 7u);
}

TEST_F(OutboxTest, ATornWriteFromACrashIsIgnored) {
  std::filesystem::create_directories(dir_);
  { mqtt::Outbox box(dir_, {100, 1 << 20}); box.push("whole"); }
  std::ofstream(dir_ / "00000000000000000002.alert.json.tmp.999") << "{\"half";
  mqtt::Outbox reopened(dir_, {100, 1 << 20});
  EXPECT_EQ(reopened.depth(), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "00000000000000000002.alert.json.tmp.999"));
}

}  // namespace
}  // namespace villagecam
