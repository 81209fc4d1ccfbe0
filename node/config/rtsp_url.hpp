// RTSP URLs: parsing, credentials split off, and redaction for display.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace villagecam::config {

struct RtspUrl {
  std::string scheme = "rtsp";  // rtsp or rtsps
  std::string host;
  int port = 0;                 // 0: the scheme's default
  std::string path;             // begins with '/', may be "/"
  std::string username;         // from the URL's userinfo, percent-decoded
  std::string password;         // secret

  // The URL with no userinfo at all: what GStreamer's location gets.
  std::string withoutCredentials() const;
  // The URL for people: user shown, password as ***.
  std::string redacted() const;
};

// Parses rtsp[s]://[user[:password]@]host[:port][/path]; returns the reason on failure.
struct UrlParseResult {
  std::optional<RtspUrl> url;
  std::string error;
};
UrlParseResult parseRtspUrl(std::string_view text);

// Replaces the password in any scheme://user:password@ found in free text.
std::string redactUrlsIn(std::string_view text);

}  // namespace villagecam::config
