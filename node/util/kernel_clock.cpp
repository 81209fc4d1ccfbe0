#include "util/kernel_clock.hpp"

#include <sys/timex.h>

namespace villagecam {

std::optional<bool> kernelClockSynchronised() {
  struct timex tx {};
  tx.modes = 0;  // read only
  const int state = ::adjtimex(&tx);
  if (state < 0) return std::nullopt;
  return state != TIME_ERROR && (tx.status & STA_UNSYNC) == 0;
}

}  // namespace villagecam
