#include "i18n/language.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

namespace villagecam::i18n {
namespace {

std::atomic<Language> process_language{Language::En};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

const char* toString(Language l) { return l == Language::En ? "en" : "zh-CN"; }

std::optional<Language> parseLanguage(std::string_view name) {
  const auto n = lower(name);
  // The language part of a locale name: before _ - . or @.
  const auto lang = n.substr(0, n.find_first_of("_-.@"));
  if (lang == "zh") return Language::ZhCN;
  if (lang == "en" || n == "c" || n == "posix" || lang == "c") return Language::En;
  return std::nullopt;
}

Language languageFromEnvironment() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(var);
    if (value == nullptr || *value == '\0') continue;
    return parseLanguage(value).value_or(Language::En);
  }
  return Language::En;
}

void setProcessLanguage(Language l) { process_language.store(l, std::memory_order_relaxed); }

Language processLanguage() { return process_language.load(std::memory_order_relaxed); }

}  // namespace villagecam::i18n
