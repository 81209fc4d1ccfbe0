#include "yaml/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "i18n/messages.hpp"
#include "yaml/did_you_mean.hpp"

namespace villagecam::yaml {
namespace {

using i18n::Msg;
using i18n::tr;

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string describeKind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return tr(Msg::KindMapping);
    case YAML::NodeType::Sequence: return tr(Msg::KindList);
    case YAML::NodeType::Scalar: return tr(Msg::KindScalar);
    default: return tr(Msg::KindNothing);
  }
}

std::string listed(const std::vector<std::string>& items) { return i18n::joinList(items, i18n::processLanguage()); }

}  // namespace

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string indexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::vector<ConfigIssue> YamlReader::takeIssues() {
  std::stable_sort(issues_.begin(), issues_.end(), [](const ConfigIssue& a, const ConfigIssue& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return std::move(issues_);
}

void YamlReader::report(const YAML::Mark& at, const std::string& path, const std::string& message) {
  const bool located = !at.is_null();
  issues_.push_back({file_, located ? at.line + 1 : 0, located ? at.column + 1 : 0, path, message});
}

void YamlReader::reportAtFile(const std::string& path, const std::string& message) {
  issues_.push_back({file_, 0, 0, path, message});
}

std::string YamlReader::quoted(const std::string& value) const {
  return echo_values_ ? tr(Msg::QuotedValue, value) : tr(Msg::HiddenValue);
}

bool YamlReader::expectMap(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  report(node.Mark(), path, tr(Msg::ExpectedMapping, describeKind(node)));
  return false;
}

bool YamlReader::expectSequence(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) return true;
  report(node.Mark(), path, tr(Msg::ExpectedList, describeKind(node)));
  return false;
}

void YamlReader::rejectUnknownKeys(const YAML::Node& map, const std::string& path,
                                   const std::vector<std::string>& allowed) {
  std::map<std::string, YAML::Mark> seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const YAML::Mark at = entry.first.Mark();
    if (auto [it, inserted] = seen.emplace(key, at); !inserted) {
      report(at, childPath(path, key), tr(Msg::KeyGivenTwice, it->second.line + 1));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    if (auto suggestion = didYouMean(key, allowed)) {
      report(at, childPath(path, key), tr(Msg::UnknownKeyDidYouMean, *suggestion));
    } else {
      report(at, childPath(path, key), tr(Msg::UnknownKeyExpected, listed(allowed)));
    }
  }
}

std::optional<YAML::Node> YamlReader::required(const YAML::Node& map, const std::string& path,
                                               const std::string& key) {
  const YAML::Node child = map[key];
  if (child.IsDefined() && !child.IsNull()) return child;
  YAML::Mark at = map.Mark();
  if (child.IsDefined()) {
    // A null value has no place of its own; point at its key.
    for (const auto& entry : map) {
      if (entry.first.Scalar() == key) at = entry.first.Mark();
    }
  }
  report(at, childPath(path, key), tr(child.IsDefined() ? Msg::ValueRequired : Msg::MissingKey));
  return std::nullopt;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, const std::string& path,
                                              i18n::Msg expected) {
  if (node.IsScalar()) return node.Scalar();
  report(node.Mark(), path, tr(Msg::ExpectedGot, tr(expected), describeKind(node)));
  return std::nullopt;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, const std::string& path) {
  return scalar(node, path, Msg::NounString);
}

std::optional<long> YamlReader::integer(const YAML::Node& node, const std::string& path, long min,
                                        long max) {
  auto text = scalar(node, path, Msg::NounWholeNumber);
  if (!text) return std::nullopt;
  long value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    report(node.Mark(), path, tr(Msg::ExpectedGot, tr(Msg::NounWholeNumber), quoted(*text)));
    return std::nullopt;
  }
  if (value < min || value > max) {
    report(node.Mark(), path, tr(Msg::OutOfRange, value, min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& path, double min,
                                         double max) {
  auto text = scalar(node, path, Msg::NounNumber);
  if (!text) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size() || !std::isfinite(value)) {
    report(node.Mark(), path, tr(Msg::ExpectedGot, tr(Msg::NounNumber), quoted(*text)));
    return std::nullopt;
  }
  if (value < min || value > max) {
    report(node.Mark(), path, tr(Msg::OutOfRange, formatNumber(value), formatNumber(min), formatNumber(max)));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& path) {
  auto text = scalar(node, path, Msg::NounBoolean);
  if (!text) return std::nullopt;
  static const std::set<std::string> yes{"true", "True", "TRUE", "yes", "Yes", "on", "On"};
  static const std::set<std::string> no{"false", "False", "FALSE", "no", "No", "off", "Off"};
  if (yes.count(*text)) return true;
  if (no.count(*text)) return false;
  report(node.Mark(), path, tr(Msg::ExpectedGot, tr(Msg::NounBoolean), quoted(*text)));
  return std::nullopt;
}

std::optional<std::chrono::duration<double>> YamlReader::duration(const YAML::Node& node,
                                                                  const std::string& path, double min_s,
                                                                  double max_s) {
  auto text = scalar(node, path, Msg::NounDuration);
  if (!text) return std::nullopt;
  double value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  const std::string unit(ptr, end);
  static const std::map<std::string, double> units{{"", 1.0}, {"ms", 0.001}, {"s", 1.0},
                                                   {"m", 60.0}, {"h", 3600.0}};
  const auto scale = units.find(unit);
  if (ec != std::errc() || scale == units.end() || !std::isfinite(value)) {
    report(node.Mark(), path, tr(Msg::ExpectedDuration, quoted(*text)));
    return std::nullopt;
  }
  const double seconds = value * scale->second;
  if (seconds < min_s || seconds > max_s) {
    report(node.Mark(), path, tr(Msg::OutOfRangeSeconds, *text, formatNumber(min_s), formatNumber(max_s)));
    return std::nullopt;
  }
  return std::chrono::duration<double>(seconds);
}

std::optional<std::size_t> YamlReader::size(const YAML::Node& node, const std::string& path, std::size_t min,
                                            std::size_t max) {
  auto text = scalar(node, path, Msg::NounSize);
  if (!text) return std::nullopt;
  std::uint64_t value = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  const std::string unit(ptr, end);
  static const std::map<std::string, std::uint64_t> units{
      {"", 1}, {"B", 1}, {"KB", 1ull << 10}, {"MB", 1ull << 20}, {"GB", 1ull << 30}};
  const auto scale = units.find(unit);
  if (ec != std::errc() || scale == units.end()) {
    report(node.Mark(), path, tr(Msg::ExpectedSize, quoted(*text)));
    return std::nullopt;
  }
  const std::uint64_t bytes = value * scale->second;
  if (bytes < min || bytes > max) {
    report(node.Mark(), path, tr(Msg::OutOfRangeBytes, *text, min, max));
    return std::nullopt;
  }
  return static_cast<std::size_t>(bytes);
}

std::optional<size_t> YamlReader::choice(const YAML::Node& node, const std::string& path,
                                         const std::vector<std::string>& choices) {
  auto text = scalar(node, path, Msg::NounString);
  if (!text) return std::nullopt;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == *text) return i;
  }
  std::string message = tr(Msg::ExpectedOneOf, listed(choices), quoted(*text));
  if (auto suggestion = didYouMean(*text, choices)) message += tr(Msg::DidYouMean, *suggestion);
  report(node.Mark(), path, message);
  return std::nullopt;
}

}  // namespace villagecam::yaml
