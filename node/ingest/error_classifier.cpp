#include "ingest/error_classifier.hpp"

#include <gst/gst.h>

#include <algorithm>

#include "config/rtsp_url.hpp"
#include "i18n/messages.hpp"

namespace villagecam::ingest {

using i18n::Msg;
using i18n::tr;

namespace {

bool contains(const std::string& haystack, const char* needle) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

}  // namespace

StreamFailure classifyError(const GError* error, const std::string& debug) {
  const std::string message = error && error->message ? std::string(error->message) : tr(Msg::UnknownError);
  const std::string all = message + " " + debug;
  const std::string detail = config::redactUrlsIn(message);
  if (error && error->domain == GST_RESOURCE_ERROR) {
    switch (error->code) {
      case GST_RESOURCE_ERROR_NOT_AUTHORIZED:
        return {health::FailureKind::Unauthorized, tr(Msg::CamRefusedCredentials, "401 Unauthorized")};
      case GST_RESOURCE_ERROR_NOT_FOUND:
        return {health::FailureKind::NotFound, tr(Msg::CamNoStreamAtPath, "404 Not Found")};
      default: break;
    }
  }
  if (contains(all, "401") || contains(all, "unauthorized")) {
    return {health::FailureKind::Unauthorized, tr(Msg::CamRefusedCredentials, "401 Unauthorized")};
  }
  if (contains(all, "404") || contains(all, "not found")) {
    return {health::FailureKind::NotFound, tr(Msg::CamNoStreamAtPath, "404 Not Found")};
  }
  if (contains(all, "connection refused")) return {health::FailureKind::Refused, tr(Msg::CamConnectionRefused)};
  if (contains(all, "could not resolve") || contains(all, "name or service not known") ||
      contains(all, "resolving")) {
    return {health::FailureKind::Unreachable, tr(Msg::CamHostNotResolved)};
  }
  if (contains(all, "no route") || contains(all, "unreachable")) {
    return {health::FailureKind::Unreachable, tr(Msg::CamUnreachable)};
  }
  if (contains(all, "timeout") || contains(all, "timed out")) {
    return {health::FailureKind::Timeout, tr(Msg::CamNoAnswerInTime)};
  }
  if (contains(all, "failed to connect") || contains(all, "could not connect")) {
    return {health::FailureKind::Refused, couldNotConnect()};
  }
  if (contains(all, "parse error") || contains(all, "could not receive message")) {
    return {health::FailureKind::Other, tr(Msg::CamNotRtspDetail, detail)};
  }
  return {health::FailureKind::Other, detail};
}

}  // namespace villagecam::ingest
