#include "service/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <ctime>

#include <fmt/format.h>

namespace villagecam::service::systemd {
namespace {

std::uint64_t monotonicUsec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000u + static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace

void ready(const std::string& status) { sd_notify(0, ("READY=1\nSTATUS=" + status).c_str()); }
void status(const std::string& status) { sd_notify(0, ("STATUS=" + status).c_str()); }
// MONOTONIC_USEC lets systemd tell this reload from an older one (it is
// required by Type=notify-reload, harmless for Type=notify).
void reloading() { sd_notify(0, fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonicUsec()).c_str()); }
void stopping() { sd_notify(0, "STOPPING=1"); }
void watchdogPing() { sd_notify(0, "WATCHDOG=1"); }

std::optional<Duration> watchdogInterval() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::microseconds(usec));
}

}  // namespace villagecam::service::systemd
