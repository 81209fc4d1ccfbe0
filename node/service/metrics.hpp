// The node's numbers in the Prometheus text exposition format (version
// 0.0.4), with conventional names: villagecam_<thing>_<unit>, counters ending
// in _total, one label per camera / area. Pure: the HTTP endpoint gathers a
// NodeReport and renders it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/node_report.hpp"

namespace villagecam::service {

std::string renderMetrics(const NodeReport& m);

// Escapes a label value for the text format (backslash, quote, newline).
std::string escapeLabelValue(const std::string& value);

}  // namespace villagecam::service
