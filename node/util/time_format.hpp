// Times on the wire: RFC 3339, UTC, milliseconds ("2026-11-29T06:40:27.123Z").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace villagecam {

std::string toRfc3339(WallTime t);
std::optional<WallTime> fromRfc3339(std::string_view text);

}  // namespace villagecam
