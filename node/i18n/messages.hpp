// The message catalogue: every operator-facing sentence of the node and of
// the county's programs, in Chinese and English, written once in
// messages.def. A sentence is said by its name, in a language:
//
//   say(Language::ZhCN, Msg::ProblemsFound, path, 3)   // what a node publishes
//   tr(Msg::ProblemsFound, path, 3)                    // in the process's language
//
// No sentence is built anywhere else: callers pass keys, ids, numbers and
// other sentences of the catalogue as arguments.
#pragma once

#include <fmt/format.h>

#include <span>
#include <vector>
#include <string>
#include <string_view>

#include "i18n/language.hpp"

namespace villagecam::i18n {

enum class Msg {
#define MESSAGE(name, zh, en) name,
#include "i18n/messages.def"
#undef MESSAGE
};

struct MessageText {
  Msg id;
  std::string_view name;
  std::string_view zh;
  std::string_view en;
};

// The whole catalogue, in the order of Msg.
std::span<const MessageText> catalogue();

// A message's pattern (fmt syntax) in a language.
std::string_view pattern(Msg m, Language l);

template <typename... Args>
std::string say(Language l, Msg m, const Args&... args) {
  return fmt::vformat(pattern(m, l), fmt::make_format_args(args...));
}

template <typename... Args>
std::string tr(Msg m, const Args&... args) {
  return say(processLanguage(), m, args...);
}

// Items joined by the language's list separator ("a, b" / "a、b").
std::string joinList(const std::vector<std::string>& items, Language l);

}  // namespace villagecam::i18n
