// Which alerts a camera's view and an area's coverage call for:
// view_tampered under viewSubject(camera), coverage_lost under
// areaSubject(area). Pure, for the AlertBook.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/alert.hpp"
#include "health/coverage.hpp"

namespace villagecam::events {

// nullopt while no issue is raised. `issues` are the raised ones (blank, ...);
// `covered_share` how much of the view a cover hides, while occluded.
std::optional<Alert> viewTamperedAlert(const std::string& camera_id, const std::string& camera_name,
                                       const std::vector<std::string>& issues,
                                       std::optional<double> covered_share = std::nullopt);

// nullopt when covered. An area whose state is unknown (its cameras are still
// connecting) has no opinion: the caller leaves its alert as it is.
std::optional<Alert> coverageAlert(const health::AreaCoverage& area);

}  // namespace villagecam::events
