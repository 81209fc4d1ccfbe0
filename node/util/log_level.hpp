// How much the node logs (logging.level in the config).
#pragma once

namespace villagecam {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

const char* toString(LogLevel l);  // "trace" ... "error"

}  // namespace villagecam
