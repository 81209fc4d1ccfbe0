// Suggests the nearest known word for a typo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace villagecam::yaml {

size_t editDistance(std::string_view a, std::string_view b);

// The closest candidate within a distance that still reads as a typo, if any.
std::optional<std::string> didYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace villagecam::yaml
