#include "config/rtsp_url.hpp"

#include <cctype>
#include <charconv>
#include <regex>

#include "i18n/messages.hpp"

namespace villagecam::config {
namespace {

using i18n::Msg;
using i18n::tr;

std::string percentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      int v = 0;
      std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      out.push_back(static_cast<char>(v));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string percentEncodeUserinfo(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

bool validHost(std::string_view h) {
  if (h.empty()) return false;
  if (h.front() == '[') return h.back() == ']' && h.size() > 2;  // IPv6 literal
  for (char c : h) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
  }
  return true;
}

std::string hostPort(const RtspUrl& u) {
  return u.port ? u.host + ":" + std::to_string(u.port) : u.host;
}

}  // namespace

std::string RtspUrl::withoutCredentials() const { return scheme + "://" + hostPort(*this) + path; }

std::string RtspUrl::redacted() const {
  if (username.empty() && password.empty()) return withoutCredentials();
  std::string userinfo = percentEncodeUserinfo(username);
  if (!password.empty()) userinfo += ":***";
  return scheme + "://" + userinfo + "@" + hostPort(*this) + path;
}

UrlParseResult parseRtspUrl(std::string_view text) {
  RtspUrl url;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return {std::nullopt, tr(Msg::ConfigUrlExpectedForm, "rtsp")};
  url.scheme = std::string(text.substr(0, sep));
  for (auto& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "rtsp" && url.scheme != "rtsps") {
    return {std::nullopt, tr(Msg::ConfigUrlScheme, "rtsp", "rtsps", url.scheme)};
  }
  std::string_view rest = text.substr(sep + 3);
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    url.username = percentDecode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) url.password = percentDecode(userinfo.substr(colon + 1));
  }
  std::string_view host = authority;
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    std::string_view port = authority.substr(colon + 1);
    int value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535) {
      return {std::nullopt, tr(Msg::ConfigUrlPort)};
    }
    url.port = value;
  }
  if (!validHost(host)) return {std::nullopt, tr(host.empty() ? Msg::ConfigUrlMissingHost : Msg::ConfigUrlInvalidHost)};
  url.host = std::string(host);
  for (char c : url.path) {
    if (std::isspace(static_cast<unsigned char>(c))) return {std::nullopt, tr(Msg::ConfigUrlPathWhiteSpace)};
  }
  return {url, {}};
}

std::string redactUrlsIn(std::string_view text) {
  static const std::regex userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^\s/]*@)");
  return std::regex_replace(std::string(text), userinfo, "$1:***@");
}

}  // namespace villagecam::config
