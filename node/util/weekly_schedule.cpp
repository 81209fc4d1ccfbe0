#include "util/weekly_schedule.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

namespace villagecam {

bool WeeklySchedule::activeAt(int weekday, int minute) const {
  if (windows.empty()) return true;
  for (const auto& w : windows) {
    const auto on = [&](int day) { return std::find(w.days.begin(), w.days.end(), day) != w.days.end(); };
    if (w.from_minute <= w.to_minute) {
      if (on(weekday) && minute >= w.from_minute && minute < w.to_minute) return true;
    } else {  // past midnight: the evening of its day, or the morning after
      if (on(weekday) && minute >= w.from_minute) return true;
      if (on((weekday + 6) % 7) && minute < w.to_minute) return true;
    }
  }
  return false;
}

bool WeeklySchedule::activeAt(WallTime t) const {
  if (windows.empty()) return true;
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&s, &local);
  return activeAt((local.tm_wday + 6) % 7, local.tm_hour * 60 + local.tm_min);
}

std::optional<std::vector<int>> parseDays(const std::string& text) {
  static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  auto day = [](const std::string& s) -> std::optional<int> {
    for (int i = 0; i < 7; ++i) {
      if (s == names[i]) return i;
    }
    return std::nullopt;
  };
  if (text == "daily") return std::vector<int>{0, 1, 2, 3, 4, 5, 6};
  std::vector<int> out;
  std::stringstream parts(text);
  for (std::string part; std::getline(parts, part, ',');) {
    const auto dash = part.find('-');
    const auto first = day(part.substr(0, dash));
    const auto last = dash == std::string::npos ? first : day(part.substr(dash + 1));
    if (!first || !last) return std::nullopt;
    for (int d = *first;; d = (d + 1) % 7) {  // "sat-mon" wraps over the week's end
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
      if (d == *last) break;
    }
  }
  if (out.empty()) return std::nullopt;
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<int> parseClock(const std::string& text) {
  int h = 0, m = 0;
  char colon = 0;
  std::istringstream in(text);
  if (!(in >> h >> colon >> m) || colon != ':' || !in.eof() || text.size() != 5) return std::nullopt;
  if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace villagecam
