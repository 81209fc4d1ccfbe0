#include "util/request_gate.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <optional>

namespace villagecam {
namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A Content-Length value: digits only, and not absurd.
std::optional<std::size_t> length(std::string_view v) {
  if (v.empty() || v.size() > 15) return std::nullopt;
  std::size_t n = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

}  // namespace

int RequestVerdict::status() const {
  switch (kind) {
    case Kind::Bad: return 400;
    case Kind::LengthRequired: return 411;
    case Kind::BodyTooLarge: return 413;
    case Kind::HeadTooLarge: return 431;
    case Kind::UnsupportedEncoding: return 415;
    default: return 0;
  }
}

RequestVerdict checkRequest(std::string_view received, const RequestLimits& limits) {
  using Kind = RequestVerdict::Kind;
  const auto end = received.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > limits.max_head) {
    return {received.size() >= limits.max_head ? Kind::HeadTooLarge : Kind::NeedMore, 0};
  }
  const std::size_t head = end + 4;
  // Lines end in CRLF only: a bare LF or CR would split the head otherwise
  // than the server's parser does, and hide a header from this check.
  for (std::size_t i = 0; i < end; ++i) {
    if (received[i] == '\n' && (i == 0 || received[i - 1] != '\r')) return {Kind::Bad, 0};
    if (received[i] == '\r' && received[i + 1] != '\n') return {Kind::Bad, 0};
  }
  std::optional<std::size_t> body;
  std::size_t at = received.find("\r\n");  // past the request line
  if (at == 0) return {Kind::Bad, 0};
  const auto request_line = received.substr(0, at);
  const auto method = request_line.substr(0, request_line.find(' '));
  at += 2;
  while (at < end) {
    const auto eol = received.find("\r\n", at);
    const auto line = received.substr(at, eol - at);
    at = eol + 2;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return {Kind::Bad, 0};
    const auto name = line.substr(0, colon);
    const auto value = trimmed(line.substr(colon + 1));
    if (equalsIgnoringCase(name, "transfer-encoding")) return {Kind::LengthRequired, 0};
    // A compressed body would be inflated past every limit: only identity.
    if (equalsIgnoringCase(name, "content-encoding") && !equalsIgnoringCase(value, "identity")) {
      return {Kind::UnsupportedEncoding, 0};
    }
    if (equalsIgnoringCase(name, "content-length")) {
      const auto n = length(value);
      if (!n || (body && *body != *n)) return {Kind::Bad, 0};
      body = n;
    }
  }
  // A method that may carry a body says how long it is (else the server
  // would read one until the connection closes).
  if (!body && (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE")) {
    return {Kind::LengthRequired, 0};
  }
  const std::size_t body_bytes = body.value_or(0);
  if (body_bytes > limits.max_body) return {Kind::BodyTooLarge, 0};
  if (received.size() < head + body_bytes) return {Kind::NeedMore, 0};
  return {Kind::Complete, head + body_bytes};
}

std::string addressGroup(const std::string& address) {
  in6_addr a6{};
  if (address.find(':') == std::string::npos || ::inet_pton(AF_INET6, address.c_str(), &a6) != 1) return address;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN] = {};
  if (std::equal(kMapped, kMapped + 12, a6.s6_addr)) {
    ::inet_ntop(AF_INET, a6.s6_addr + 12, text, sizeof(text));
    return text;
  }
  std::fill(a6.s6_addr + 8, a6.s6_addr + 16, 0);
  ::inet_ntop(AF_INET6, &a6, text, sizeof(text));
  return std::string(text) + "/64";
}

}  // namespace villagecam
