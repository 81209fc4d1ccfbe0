// The config's durations (seconds as double) in the clock's own unit.
#pragma once

#include <chrono>

#include "util/clock.hpp"

namespace villagecam {

template <class Rep, class Period>
constexpr Duration toDuration(std::chrono::duration<Rep, Period> d) {
  return std::chrono::duration_cast<Duration>(d);
}

}  // namespace villagecam
