#include "i18n/messages.hpp"

#include <array>

namespace villagecam::i18n {
namespace {

constexpr MessageText kCatalogue[] = {
#define MESSAGE(name, zh, en) {Msg::name, #name, zh, en},
#include "i18n/messages.def"
#undef MESSAGE
};

}  // namespace

std::span<const MessageText> catalogue() { return kCatalogue; }

std::string_view pattern(Msg m, Language l) {
  const auto& text = kCatalogue[static_cast<std::size_t>(m)];
  return l == Language::En ? text.en : text.zh;
}

std::string joinList(const std::vector<std::string>& items, Language l) {
  std::string out;
  const auto separator = pattern(Msg::ListSeparator, l);
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace villagecam::i18n
