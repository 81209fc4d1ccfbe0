// The node's numbers in the Prometheus text exposition format (version
// 0.0.4), with conventional names: villagecam_<thing>_<unit>, counters ending
// in _total, one label per camera / area. Pure: the HTTP endpoint gathers a
// NodeMetrics and renders it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node.hpp"

namespace villagecam::app {

std::string renderMetrics(const NodeMetrics& m);  // NodeMetrics: app/node.hpp

// Escapes a label value for the text format (backslash, quote, newline).
std::string escapeLabelValue(const std::string& value);

}  // namespace villagecam::app
