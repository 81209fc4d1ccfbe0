#include "util/time_format.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace villagecam {

std::string toRfc3339(WallTime t) {
  using namespace std::chrono;
  const auto ms_total = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms_total / 1000);
  auto ms = static_cast<int>(ms_total % 1000);
  if (ms < 0) {  // before 1970: floor, not truncate
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::optional<WallTime> fromRfc3339(std::string_view text) {
  std::tm tm{};
  int ms = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return std::nullopt;
  }
  // Each field in its range, and the year one a WallTime holds (nanoseconds
  // from 1970 in 64 bits reach 1677 to 2262), so that neither a time nor the
  // difference of two such times overflows.
  if (tm.tm_year < 1970 || tm.tm_year > 2200 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60 ||
      ms < 0 || ms > 999) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t secs = timegm(&tm);
  return WallTime(std::chrono::seconds(secs)) + std::chrono::milliseconds(ms);
}

void useTimeZone(const std::string& zone) {
  if (!zone.empty()) ::setenv("TZ", (":" + zone).c_str(), 1);
  ::tzset();
}

WallTime startOfLocalDay(WallTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  local.tm_hour = local.tm_min = local.tm_sec = 0;
  local.tm_isdst = -1;  // let mktime work out daylight saving
  return std::chrono::system_clock::from_time_t(std::mktime(&local));
}

std::string localDate(WallTime t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &local);
  return out;
}

}  // namespace villagecam
