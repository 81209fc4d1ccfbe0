// GB/T 28181: every alert's alarm method, type and priority (one table,
// events/gb28181_alarm), and the 20-digit device codes of the node and its
// cameras (config/gb_device_code), each bad part named.
#include <gtest/gtest.h>

#include <set>

#include "analysis/view_quality.hpp"
#include "config/config_loader.hpp"
#include "config/gb_device_code.hpp"
#include "events/gb28181_alarm.hpp"

namespace villagecam {
namespace {

using events::AlertType;
using events::GbAlarm;

// The codes the standard defines (GB/T 28181-2022 A.2.5.3; 2016 A.2.5).
bool definedType(int method, int type, bool edition_2022) {
  switch (method) {
    case 2: return type >= 1 && type <= 5;                       // 设备报警
    case 5: return type >= 1 && type <= (edition_2022 ? 13 : 12);  // 视频报警 (13 图像遮挡报警 new in 2022)
    case 6: return type >= 1 && type <= 2;                       // 设备故障报警
    default: return false;
  }
}

TEST(GbAlarm, EveryAlertTypeHasOneRowAndEveryCodeIsTheStandards) {
  const AlertType all[] = {AlertType::CameraOffline, AlertType::CameraStalled, AlertType::CameraUnauthorized,
                           AlertType::ViewTampered,  AlertType::CoverageLost,  AlertType::Motion,
                           AlertType::Intrusion};
  for (const auto type : all) {
    int general = 0;
    for (const auto& row : events::gbAlarmTable()) general += row.alert == type && row.issue.empty();
    EXPECT_EQ(general, 1) << events::toString(type);
  }
  std::set<std::pair<int, std::string_view>> seen;
  for (const auto& row : events::gbAlarmTable()) {
    EXPECT_TRUE(seen.emplace(static_cast<int>(row.alert), row.issue).second) << "two rows for " << row.issue;
    const GbAlarm& a = row.alarm;
    EXPECT_GE(a.method, 1);
    EXPECT_LE(a.method, 7);
    EXPECT_GE(a.priority, 1);
    EXPECT_LE(a.priority, 4);
    EXPECT_EQ(a.type.has_value(), a.type_2016.has_value());
    if (a.type) {
      EXPECT_TRUE(definedType(a.method, *a.type, true)) << a.method << "/" << *a.type;
      EXPECT_TRUE(definedType(a.method, *a.type_2016, false)) << a.method << "/" << *a.type_2016;
    }
    EXPECT_FALSE(row.why.empty());
  }
}

TEST(GbAlarm, ACoverIsImageOcclusionUnder2022AndVideoAnomalyUnder2016) {
  events::Alert a;
  a.type = AlertType::ViewTampered;
  a.issues = {"frozen"};
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{5, 11, 11, 3, std::nullopt}));
  a.issues = {"frozen", "occluded"};  // the most urgent issue names the alarm
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{5, 13, 11, 2, std::nullopt}));
  a.issues = {"blank"};
  EXPECT_EQ(events::gbAlarmOf(a).type, 13);
  // Every view issue the node can raise has its alarm: occlusion or anomaly.
  for (const auto issue : analysis::kViewIssues) {
    a.issues = {analysis::toString(issue)};
    const auto alarm = events::gbAlarmOf(a);
    EXPECT_EQ(alarm.method, 5) << a.issues[0];
    EXPECT_TRUE(alarm.type == 11 || alarm.type == 13) << a.issues[0];
  }
}

TEST(GbAlarm, CameraLossIsVideoLossAndAnIntrusionEntersThenLeaves) {
  events::Alert a;
  a.type = AlertType::CameraOffline;
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{2, 1, 1, 2, std::nullopt}));
  a.type = AlertType::CameraStalled;
  EXPECT_EQ(events::gbAlarmOf(a).type, 1);
  a.type = AlertType::Motion;
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{5, 2, 2, 4, std::nullopt}));
  a.type = AlertType::Intrusion;
  a.phase = events::AlertPhase::Start;
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{5, 6, 6, 1, 1}));
  a.phase = events::AlertPhase::End;
  EXPECT_EQ(events::gbAlarmOf(a).event_type, 2);
  a.type = AlertType::CoverageLost;
  EXPECT_EQ(events::gbAlarmOf(a), (GbAlarm{7, std::nullopt, std::nullopt, 2, std::nullopt}));
}

using config::GbDeviceRole;

TEST(GbDeviceCode, GoodCodesPass) {
  EXPECT_EQ(config::gbDeviceCodeProblem("41022510001320000001", GbDeviceRole::Camera), "");  // an IPC, Lankao
  EXPECT_EQ(config::gbDeviceCodeProblem("41022510001310000002", GbDeviceRole::Camera), "");  // a camera
  EXPECT_EQ(config::gbDeviceCodeProblem("41022510001180000001", GbDeviceRole::Node), "");    // an NVR
  EXPECT_EQ(config::gbDeviceCodeProblem("41022510002000000001", GbDeviceRole::Node), "");    // a platform
  EXPECT_EQ(config::gbDeviceCodeProblem("11000090991325123456", GbDeviceRole::Camera), "");  // own industry 90-99
}

TEST(GbDeviceCode, EachBadPartIsNamed) {
  struct Case {
    std::string code;
    GbDeviceRole role;
    std::string says;
  };
  const std::vector<Case> cases{
      {"4102251000132000001", GbDeviceRole::Camera, "20 digits, this has 19"},
      {"410225100013200000012", GbDeviceRole::Camera, "20 digits, this has 21"},
      {"41022510O01320000001", GbDeviceRole::Camera, "digits only (position 9)"},
      {"99022510001320000001", GbDeviceRole::Camera, "centre code (positions 1-8) 99022510: no province 99"},
      {"41022510331320000001", GbDeviceRole::Camera, "industry code (positions 9-10) 33 is reserved"},
      {"41022510701320000001", GbDeviceRole::Camera, "industry code (positions 9-10) 70 is reserved"},
      {"41022510001180000001", GbDeviceRole::Camera, "type code (positions 11-13) 118 (网络视频录像机(NVR)) is not a camera's"},
      {"41022510002000000001", GbDeviceRole::Camera, "200 (中心信令控制服务器) is not a camera's"},
      {"41022510001320000001", GbDeviceRole::Node, "type code (positions 11-13) 132 (网络摄像机(IPC)) is not a node's"},
      {"41022510003000000001", GbDeviceRole::Node, "300 (中心用户) is not a node's"},
      {"41022510001329000001", GbDeviceRole::Camera, "network code (position 14) 9 is reserved"},
  };
  for (const auto& c : cases) {
    const auto problem = config::gbDeviceCodeProblem(c.code, c.role);
    EXPECT_NE(problem.find(c.says), std::string::npos) << c.code << ": " << problem;
  }
}

std::vector<std::string> problems(const std::string& yaml) {
  try {
    config::parseConfig(yaml, "config.yaml", "/nonexistent");
  } catch (const config::ConfigError& e) {
    std::vector<std::string> out;
    for (const auto& issue : e.issues()) out.push_back(issue.format());
    return out;
  }
  return {};
}

TEST(GbDeviceCode, TheConfigCarriesTheNodesAndEachCamerasAndNamesAProblemWhereItIs) {
  const auto cfg = config::parseConfig(
      "node: {id: v1, gb_code: \"41022510001180000001\"}\ncameras:\n"
      "  - {id: gate, rtsp_url: \"rtsp://10.0.0.2/s\", gb_code: \"41022510001320000001\"}\n"
      "  - {id: lane, rtsp_url: \"rtsp://10.0.0.3/s\"}\n",
      "config.yaml", "/nonexistent");
  EXPECT_EQ(cfg.node.gb_code, "41022510001180000001");
  EXPECT_EQ(cfg.cameras[0].gb_code, "41022510001320000001");
  EXPECT_EQ(cfg.cameras[1].gb_code, "");
  EXPECT_EQ(problems("node: {id: v1, gb_code: \"41022510001320000001\"}\ncameras:\n"
                     "  - {id: gate, rtsp_url: \"rtsp://10.0.0.2/s\", gb_code: \"4102251000132000001\"}\n"
                     "  - {id: lane, rtsp_url: \"rtsp://10.0.0.3/s\", gb_code: \"41022510001320000002\"}\n"
                     "  - {id: pond, rtsp_url: \"rtsp://10.0.0.4/s\", gb_code: \"41022510001320000002\"}\n"),
            (std::vector<std::string>{
                "config.yaml:1:25: node.gb_code: type code (positions 11-13) 132 (网络摄像机(IPC)) is not a node's: a "
                "front-end main device 111-130 (e.g. 118 NVR) or a platform device 200-299 (e.g. 200)",
                "config.yaml:3:56: cameras[0].gb_code: a GB/T 28181 device code is 20 digits, this has 19",
                "config.yaml:5:56: cameras[2].gb_code: the same device code as cameras[1].gb_code"}));
}

}  // namespace
}  // namespace villagecam
