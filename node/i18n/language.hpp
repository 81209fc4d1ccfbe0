// The two languages villagecam speaks, and which one a process speaks in:
// what it prints and logs follows `--lang`, else the locale's environment
// (LC_ALL, LC_MESSAGES, LANG, as gettext reads them); what a node publishes
// follows its config (`alerts.language`), whatever its process speaks.
#pragma once

#include <optional>
#include <string_view>

namespace villagecam::i18n {

enum class Language { ZhCN, En };

// "zh-CN" or "en".
const char* toString(Language l);

// A language as a person or a locale names it: zh, zh-CN, zh_CN.UTF-8,
// zh_TW (Chinese); en, en_US.UTF-8, C, POSIX (English). nullopt otherwise.
std::optional<Language> parseLanguage(std::string_view name);

// The locale's language as gettext would pick it: the first of LC_ALL,
// LC_MESSAGES, LANG that is set and not empty; English when none is, or
// when it names a language villagecam does not speak.
Language languageFromEnvironment();

// The process's language, for what it prints and logs. Set once at start
// (main), before any thread; English until then.
void setProcessLanguage(Language l);
Language processLanguage();

}  // namespace villagecam::i18n
