// The ids of the console's commands to the nodes: a prefix unique to this
// run of this console ("county-<what>-<8 hex>"), then a counter. A reply to
// a command of an earlier run, or of the other console of a group, matches
// none of this run's.
#pragma once

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

namespace villagecam::county {

inline std::string commandIdPrefix(const std::string& what) {
  std::random_device random;
  std::uniform_int_distribution<std::uint32_t> any;
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", any(random));
  return "county-" + what + "-" + hex;
}

}  // namespace villagecam::county
