// Every villagecam alert as the county's video network names an alarm:
// GB/T 28181's 报警方式 (AlarmMethod), 报警类型 (AlarmType) and 报警级别
// (AlarmPriority) of the alarm notify (CmdType Alarm; GB/T 28181-2022 9.4 and
// A.2.5.3, the same lists in A.2.3.1.6 and A.2.4.6; GB/T 28181-2016 9.4 and
// A.2.5). One table (kGbAlarms), also in docs/mqtt.md.
//
// AlarmMethod: 2 设备报警, 5 视频报警, 7 其他报警 are the ones used.
// AlarmType under 2: 1 视频丢失报警; under 5: 2 运动目标检测报警,
// 6 入侵检测报警, 11 视频异常检测报警, 13 图像遮挡报警 (new in 2022; a
// 2016 platform gets 11). AlarmPriority 1-4 (一级警情 to 四级警情): the
// standard ranks none above another; here 1 is the most urgent, as county
// platforms read it. EventType (AlarmTypeParam, with 入侵检测报警 only):
// 1 进入区域, 2 离开区域.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "events/alert.hpp"

namespace villagecam::events {

struct GbAlarm {
  int method = 7;                 // AlarmMethod
  std::optional<int> type;        // AlarmType under `method`, GB/T 28181-2022
  std::optional<int> type_2016;   // the same under GB/T 28181-2016 (differs only for 图像遮挡报警)
  int priority = 4;               // AlarmPriority, 1 (一级警情) .. 4
  std::optional<int> event_type;  // 入侵检测报警 only: 1 进入区域, 2 离开区域
  bool operator==(const GbAlarm&) const = default;
};

// One row of the table: an alert type, and for view_tampered the view issue
// it holds (empty: any other).
struct GbAlarmRow {
  AlertType alert;
  std::string_view issue;
  GbAlarm alarm;
  std::string_view why;  // in the docs' words
};

std::span<const GbAlarmRow> gbAlarmTable();

// An alert's alarm. A view_tampered alert holding several issues takes the
// most urgent row among them; an intrusion's end is 离开区域.
GbAlarm gbAlarmOf(const Alert& alert);

}  // namespace villagecam::events
