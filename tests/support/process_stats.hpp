// What the kernel says of a process (/proc): CPU time, resident memory,
// threads. For benchmarks that measure a program from outside.
#pragma once

#include <sys/types.h>

#include <string>

namespace villagecam::testing {

double cpuSeconds(pid_t pid);  // user + system so far
double statusField(pid_t pid, const std::string& key);  // "VmRSS:", "Threads:"; 0 if absent
inline double rssMiB(pid_t pid) { return statusField(pid, "VmRSS:") / 1024.0; }

}  // namespace villagecam::testing
