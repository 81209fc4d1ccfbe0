// What a reload (SIGHUP) does, decided from the config before and after and
// nothing else: which cameras stop, restart, start or are retuned in place,
// which zones and areas are gone (their alerts end), and which sections
// changed that a running node cannot take over (they are logged and apply at
// the next restart). Pure: the node carries the plan out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace villagecam::app {

// A camera's stream key (CameraUnit::streamKey) by camera id: what, when it
// changes, needs the camera's stream restarted.
using StreamKeys = std::map<std::string, std::string>;

struct ReloadPlan {
  std::vector<std::string> remove;   // running, no longer enabled: stop; their alerts end, their topics clear
  std::vector<std::string> restart;  // running, and their stream key changed
  std::vector<std::string> add;      // enabled, not running
  std::vector<std::string> retune;   // same stream, other zones, masks or thresholds: changed in place
  std::map<std::string, std::vector<std::string>> zones_gone;  // by retuned camera: zones whose events end
  std::vector<std::string> areas_gone;                         // areas whose alerts end
  bool log_level_changed = false;
  // Sections (key paths) whose change applies only at the next restart.
  std::vector<std::string> at_restart;

  // "N camera(s) running; added: ...; restarted: ...; removed: ...; zones
  // retuned in place: ...[; applies at the next restart: ...]"
  std::string summary(std::size_t cameras_running) const;
};

// `running`: the keys of the cameras running now; `wanted`: those the new
// config's enabled cameras would have.
ReloadPlan planReload(const config::Config& before, const config::Config& after, const StreamKeys& running,
                      const StreamKeys& wanted);

// The key paths of the sections that differ and that only a restart applies:
// node, state_dir, uptime_flush_interval, mqtt.* (by key), alerts,
// view_quality, snapshots, http, a camera's gb_code. Never a value: a
// password stays unsaid.
std::vector<std::string> sectionsNeedingRestart(const config::Config& before, const config::Config& after);

}  // namespace villagecam::app
