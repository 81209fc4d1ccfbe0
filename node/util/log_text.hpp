// Text from outside (a payload, a login name, a URL path) made safe for one
// log line or one JSON string: control characters and bytes that are not
// UTF-8 escaped (\n, \x1b, \xff), so nothing from input starts a new line or
// drives a terminal, and cut at a byte budget with the size said.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace villagecam {

// At most about `max_bytes` bytes of `text` (never cutting a UTF-8
// character), escaped; "…(+N bytes)" says what was cut.
std::string forLog(std::string_view text, std::size_t max_bytes = 160);

// Whether `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool isUtf8(std::string_view text);

}  // namespace villagecam
