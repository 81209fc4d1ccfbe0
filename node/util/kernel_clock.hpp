// What the kernel says of the wall clock: is it synchronised (by NTP or
// another time source) or not? Read with adjtimex(2), changing nothing.
#pragma once

#include <optional>

namespace villagecam {

// nullopt when the kernel cannot be asked.
std::optional<bool> kernelClockSynchronised();

}  // namespace villagecam
