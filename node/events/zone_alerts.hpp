// Which alert an event in a camera's zone calls for (motion or intrusion),
// for the AlertBook under zoneSubject(camera, zone). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "events/alert.hpp"

namespace villagecam::events {

// What the detector saw when a zone's event started.
struct ZoneEventFacts {
  std::string camera_id;
  std::string camera_name;
  std::string zone_id;
  std::string zone_name;
  config::ZoneKind kind = config::ZoneKind::Intrusion;
  std::vector<ObjectBox> objects;  // in the zone, normalised
  std::optional<bool> person;      // people-only zones: what the people check said
  std::uint64_t suppressed = 0;    // starts held back on this camera since the last one reported
};

// The alert a zone's event starts: motion or intrusion, reason "motion",
// "person" (a people-only zone's person confirmed) or "object".
Alert zoneAlert(const ZoneEventFacts& facts);

}  // namespace villagecam::events
