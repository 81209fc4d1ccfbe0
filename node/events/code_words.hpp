// The words for the contract's codes (docs/mqtt.md), in each language: why
// a camera failed, a view's issues, the states of cameras and areas, why an
// area is not watched, why a node is silent. One table, used by the alert
// messages the node publishes and served to the county console's pages
// (GET /api/words), so that a code reads the same everywhere and a Chinese
// page shows no English word for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace villagecam::events {

enum class CodeKind {
  Failure,      // camera-status `failure`: refused, timeout, ...
  ViewIssue,    // a view's `issues`: occluded, frozen, ...
  CameraState,  // camera-status `state`, and `unknown` for a camera of a silent node
  AreaState,    // coverage area `state`
  Cause,        // coverage cause `code`: why one camera of an area is not watching
  Silence,      // why the county hears nothing from a node: offline (its will), no_status
  AlertType,    // an alert's `type`: camera_offline, intrusion, ...
  ReplyCode,    // why a node refused or ended what the county asked (command-reply `code`)
  LivePhase,    // where a live view on the county's console stands (asking, playing, no_answer, ...)
  ClipPhase,    // where the console's fetch of an alert's clip stands (asking, uploading, stored, gone, ...)
};

// Every kind, and its name in the catalogue ("failure", "issue", ...).
const std::vector<CodeKind>& codeKinds();
const char* toString(CodeKind kind);

// The codes a kind knows, in the table's order.
std::vector<std::string_view> knownCodes(CodeKind kind);

// The words for a code; nullopt for a code the table does not know (a newer
// node's): callers show the code itself.
std::optional<std::string> codeWords(CodeKind kind, std::string_view code, config::Language lang);

// codeWords, or the code itself where the table does not know it.
std::string codeWordsOr(CodeKind kind, std::string_view code, config::Language lang);

}  // namespace villagecam::events
