#include "util/log_text.hpp"

#include <fmt/format.h>

namespace villagecam {
namespace {

// The length of the well-formed UTF-8 character at text[at], or 0.
std::size_t utf8Length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = byte(at);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2, min = 0x80, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, min = 0x800, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, min = 0x10000, cp = c & 0x07;
  } else {
    return 0;
  }
  if (at + n > text.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool isUtf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto n = utf8Length(text, at);
    if (n == 0) return false;
    at += n;
  }
  return true;
}

std::string forLog(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size() && out.size() < max_bytes) {
    const auto n = utf8Length(text, at);
    const auto c = static_cast<unsigned char>(text[at]);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", c);
      ++at;
      continue;
    }
    if (n == 1 && (c < 0x20 || c == 0x7F || c == '\\')) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\\': out += "\\\\"; break;
        default: out += fmt::format("\\x{:02x}", c);
      }
      ++at;
      continue;
    }
    // C1 controls (U+0080-U+009F) and the line and paragraph separators.
    if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[at + 1]) < 0xA0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[at + 1]));
    } else if (n == 3 && text.substr(at, 2) == "\xE2\x80" &&
               (text[at + 2] == '\xA8' || text[at + 2] == '\xA9')) {
      out += text[at + 2] == '\xA8' ? "\\u2028" : "\\u2029";
    } else {
      out.append(text.substr(at, n));
    }
    at += n;
  }
  if (at < text.size()) out += fmt::format("…(+{} bytes)", text.size() - at);
  return out;
}

}  // namespace villagecam
