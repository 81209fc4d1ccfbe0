// Durable file replacement: write a temporary file, fsync it, rename it over
// the target and fsync the folder, so a crash or kill -9 leaves either the old
// file or the new one, never a torn one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace villagecam {

// Throws std::runtime_error naming the path and the system's reason (e.g. "No
// space left on device"); the old file is then untouched.
void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

// The whole file, or nullopt if it does not exist; throws if it cannot be read.
std::optional<std::string> readFileIfExists(const std::filesystem::path& path);

// Creates the directory if needed and checks that this process may write in
// it; throws std::runtime_error "<what> '<dir>': cannot create it: ..." or
// "... not writable: ...".
void prepareWritableDir(const std::filesystem::path& dir, const std::string& what);

}  // namespace villagecam
