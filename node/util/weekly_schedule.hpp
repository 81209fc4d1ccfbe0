// Weekly windows in local time ("mon-fri 19:00-06:00"), for zones that are
// watched only at some hours. Pure, no dependencies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace villagecam {

// `to` before `from` runs past midnight into the next day (19:00-06:00).
// Days are those on which the window starts.
struct ScheduleWindow {
  std::vector<int> days;  // 0 = Monday ... 6 = Sunday
  int from_minute = 0;    // minutes after local midnight
  int to_minute = 0;
  bool operator==(const ScheduleWindow&) const = default;
};

// No windows: always active.
struct WeeklySchedule {
  std::vector<ScheduleWindow> windows;
  // weekday: 0 = Monday; minute: minutes after local midnight.
  bool activeAt(int weekday, int minute) const;
  bool activeAt(WallTime t) const;  // in the process's local time zone (see useTimeZone)
  bool operator==(const WeeklySchedule&) const = default;
};

// "mon-fri", "sat,sun", "daily", "mon,wed-fri", "sat-mon" → days; nullopt if malformed.
std::optional<std::vector<int>> parseDays(const std::string& text);
// "19:00" → minutes after midnight ("24:00" allowed as the end of a day).
std::optional<int> parseClock(const std::string& text);

}  // namespace villagecam
