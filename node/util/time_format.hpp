// Times on the wire: RFC 3339, UTC, milliseconds ("2026-11-29T06:40:27.123Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace villagecam {

std::string toRfc3339(WallTime t);
std::optional<WallTime> fromRfc3339(std::string_view text);

// Makes `zone` (an IANA name such as Asia/Shanghai; empty keeps the system's)
// the process's local time zone. Call once at start, before other threads.
void useTimeZone(const std::string& zone);
// Local midnight of the day `t` falls in.
WallTime startOfLocalDay(WallTime t);
// The local date `t` falls on, "2026-12-06".
std::string localDate(WallTime t);

}  // namespace villagecam
