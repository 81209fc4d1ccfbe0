#include "events/gb28181_alarm.hpp"

#include <algorithm>
#include <array>

namespace villagecam::events {
namespace {

constexpr int kDeviceAlarm = 2, kVideoAlarm = 5, kOtherAlarm = 7;
constexpr int kVideoLost = 1;                                                   // under 设备报警
constexpr int kMotion = 2, kIntrusion = 6, kVideoAnomaly = 11, kOcclusion = 13;  // under 视频报警

constexpr GbAlarm alarm(int method, std::optional<int> type, int priority, std::optional<int> type_2016 = {}) {
  return GbAlarm{method, type, type_2016 ? type_2016 : type, priority, std::nullopt};
}

const std::array kRows{
    GbAlarmRow{AlertType::Intrusion, "", alarm(kVideoAlarm, kIntrusion, 1),
               "someone in a zone when it is watched: the most urgent"},
    GbAlarmRow{AlertType::ViewTampered, "occluded", alarm(kVideoAlarm, kOcclusion, 2, kVideoAnomaly),
               "part of the view covered: 图像遮挡报警 (2022), 视频异常检测报警 under 2016"},
    GbAlarmRow{AlertType::ViewTampered, "blank", alarm(kVideoAlarm, kOcclusion, 2, kVideoAnomaly),
               "no picture left (a cap, paint, a bag): covered whole"},
    GbAlarmRow{AlertType::CameraOffline, "", alarm(kDeviceAlarm, kVideoLost, 2), "no video from the camera"},
    GbAlarmRow{AlertType::CameraStalled, "", alarm(kDeviceAlarm, kVideoLost, 2),
               "connected, but no video comes: lost as surely"},
    GbAlarmRow{AlertType::CoverageLost, "", alarm(kOtherAlarm, std::nullopt, 2),
               "a public area nobody watches: villagecam's own, from its cameras' alarms"},
    GbAlarmRow{AlertType::ViewTampered, "", alarm(kVideoAlarm, kVideoAnomaly, 3),
               "any other view fault (frozen, defocus, shifted, glare, dark, snow, stripes...)"},
    GbAlarmRow{AlertType::CameraUnauthorized, "", alarm(kOtherAlarm, std::nullopt, 3),
               "the camera refuses the node's credentials: no code of the standard fits"},
    GbAlarmRow{AlertType::Motion, "", alarm(kVideoAlarm, kMotion, 4), "movement in a zone"},
};

const GbAlarmRow& rowFor(AlertType type, std::string_view issue) {
  const GbAlarmRow* fallback = nullptr;
  for (const auto& row : kRows) {
    if (row.alert != type) continue;
    if (row.issue == issue) return row;
    if (row.issue.empty()) fallback = &row;
  }
  return *fallback;  // every alert type has a row without an issue (tested)
}

}  // namespace

std::span<const GbAlarmRow> gbAlarmTable() { return kRows; }

GbAlarm gbAlarmOf(const Alert& alert) {
  GbAlarm out = rowFor(alert.type, "").alarm;
  if (alert.type == AlertType::ViewTampered) {
    for (const auto& issue : alert.issues) {
      const GbAlarm a = rowFor(alert.type, issue).alarm;
      if (a.priority < out.priority) out = a;
    }
  }
  if (alert.type == AlertType::Intrusion) out.event_type = alert.phase == AlertPhase::End ? 2 : 1;
  return out;
}

}  // namespace villagecam::events
