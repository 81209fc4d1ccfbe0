// Talking to systemd (sd_notify): readiness, a status line, the watchdog,
// reloads and stops. Every call is a no-op when systemd did not start us
// (no NOTIFY_SOCKET), so the node runs the same from a shell.
#pragma once

#include <optional>
#include <string>

#include "util/clock.hpp"

namespace villagecam::service::systemd {

void ready(const std::string& status);
void status(const std::string& status);
void reloading();
void stopping();
void watchdogPing();
// The watchdog interval systemd expects pings within, if it set one for us.
std::optional<Duration> watchdogInterval();

}  // namespace villagecam::service::systemd
