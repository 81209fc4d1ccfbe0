#include "app/node_summary.hpp"

#include <fmt/format.h>

#include "events/code_words.hpp"
#include "i18n/messages.hpp"

namespace villagecam::app {

using i18n::Msg;
using i18n::tr;

std::string statusLine(const std::vector<health::CameraHealth>& cameras, const health::CoverageReport& report,
                       std::optional<std::size_t> outbox_depth) {
  int online = 0;
  for (const auto& h : cameras) online += h.state == health::CameraState::Online;
  std::string out = tr(Msg::StatusCamerasOnline, online, cameras.size());
  if (!report.areas.empty()) {
    const auto ratio = report.ratio();
    out += tr(Msg::StatusAreasCovered, report.count(health::AreaState::Covered), report.areas.size(),
              ratio ? fmt::format("{:.0f}%", *ratio * 100) : tr(Msg::StatusCoverageNotKnown));
    if (const int unverified = report.count(health::AreaState::Unverified)) {
      out += tr(Msg::StatusUnverified, unverified);
    }
  }
  if (outbox_depth) out += tr(Msg::StatusOutbox, *outbox_depth);
  return out;
}

CamerasSummary camerasSummary(const std::vector<health::CameraHealth>& cameras, WallTime now) {
  std::size_t online = 0;
  std::string trouble;
  for (const auto& h : cameras) {
    if (h.state == health::CameraState::Online) {
      ++online;
      continue;
    }
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - h.since).count();
    trouble += tr(Msg::SummaryCameraDown, h.id,
                  events::codeWordsOr(events::CodeKind::CameraState, health::toString(h.state), i18n::processLanguage()),
                  minutes, h.reason);
  }
  if (trouble.empty()) return {true, tr(Msg::SummaryAllOnline, cameras.size())};
  return {false, tr(Msg::SummarySomeOnline, cameras.size(), online, trouble)};
}

}  // namespace villagecam::app
