#include "config/sections.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "i18n/messages.hpp"

namespace villagecam::config {

namespace fs = std::filesystem;

using i18n::Msg;
using i18n::tr;

// Loads the secrets file. Its messages never quote a value.
Secrets loadSecrets(const fs::path& path, YamlReader& config_reader, const YAML::Mark& declared_at) {
  Secrets out;
  std::ifstream in(path);
  if (!in) {
    config_reader.report(declared_at, "secrets_file", tr(Msg::ConfigCannotReadNamed, path.string(), std::strerror(errno)));
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  YamlReader reader(path.string(), /*echo_values=*/false);
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    reader.report(e.mark, "", tr(Msg::ConfigYamlSyntaxError, e.msg));
  }
  if (root.IsDefined() && !root.IsNull() && reader.expectMap(root, "")) {
    reader.rejectUnknownKeys(root, "", {"rtsp", "viewers"});
    if (const auto rtsp = root["rtsp"]; rtsp.IsDefined() && reader.expectMap(rtsp, "rtsp")) {
      for (const auto& entry : rtsp) {
        const std::string name = entry.first.Scalar();
        const std::string path_here = childPath("rtsp", name);
        if (!reader.expectMap(entry.second, path_here)) continue;
        reader.rejectUnknownKeys(entry.second, path_here, {"username", "password"});
        Credentials c;
        if (auto n = reader.required(entry.second, path_here, "username")) {
          c.username = reader.string(*n, childPath(path_here, "username")).value_or("");
        }
        if (auto n = reader.required(entry.second, path_here, "password")) {
          c.password = reader.string(*n, childPath(path_here, "password")).value_or("");
        }
        out.rtsp.emplace(name, std::move(c));
      }
    }
    if (const auto viewers = root["viewers"]; viewers.IsDefined() && reader.expectMap(viewers, "viewers")) {
      static const std::regex kViewerName("[A-Za-z0-9._-]{1,64}");
      for (const auto& entry : viewers) {
        const std::string name = entry.first.Scalar();
        const std::string path_here = childPath("viewers", name);
        if (!std::regex_match(name, kViewerName)) {
          reader.report(entry.first.Mark(), path_here, tr(Msg::ConfigViewerName, "A-Z", "a-z"));
          continue;
        }
        if (!reader.expectMap(entry.second, path_here)) continue;
        reader.rejectUnknownKeys(entry.second, path_here, {"password"});
        if (auto n = reader.required(entry.second, path_here, "password")) {
          const auto password = reader.string(*n, childPath(path_here, "password")).value_or("");
          if (password.size() < 12) {
            reader.report(n->Mark(), childPath(path_here, "password"), tr(Msg::ConfigPasswordTooShort));
            continue;
          }
          out.viewers.emplace(name, password);
        }
      }
    }
  }
  for (auto& issue : reader.takeIssues()) {
    config_reader.add(std::move(issue));
  }
  return out;
}

fs::path resolve(const fs::path& base_dir, const std::string& p) {
  const fs::path path(p);
  return path.is_absolute() ? path : base_dir / path;
}

// Files given to the service through systemd's LoadCredential= live in
// $CREDENTIALS_DIRECTORY; a path may start with ${CREDENTIALS_DIRECTORY}.
constexpr std::string_view kCredentialsVar = "${CREDENTIALS_DIRECTORY}";

std::optional<std::string> expandCredentialsDirectory(const std::string& p) {
  if (p.rfind(kCredentialsVar, 0) != 0) return p;
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (!dir || !*dir) return std::nullopt;
  return std::string(dir) + p.substr(kCredentialsVar.size());
}

std::optional<std::string> readId(Sections& ctx, const YAML::Node& n, const std::string& path) {
  auto id = ctx.reader.string(n, path);
  if (id && !std::regex_match(*id, kIdPattern)) {
    ctx.reader.report(n.Mark(), path, tr(Msg::ConfigInvalidId, *id, "a-z"));
    return std::nullopt;
  }
  return id;
}

// The required `id` of a list entry, reported if it was used before in the list.
std::optional<std::string> readUniqueId(Sections& ctx, const YAML::Node& entry, const std::string& path, i18n::Msg duplicate,
                                        std::map<std::string, YAML::Mark>& first_seen) {
  const auto id = ctx.reader.required(entry, path, "id");
  if (!id) return std::nullopt;
  auto s = readId(ctx, *id, childPath(path, "id"));
  if (!s) return std::nullopt;
  if (auto [it, fresh] = first_seen.emplace(*s, id->Mark()); !fresh) {
    const auto first = fmt::format("{}:{}:{}", ctx.reader.file(), it->second.line + 1, it->second.column + 1);
    ctx.reader.report(id->Mark(), childPath(path, "id"), tr(duplicate, *s, first));
  }
  return s;
}

std::optional<std::string> readGbCode(Sections& ctx, const YAML::Node& v, const std::string& path, GbDeviceRole role) {
  const auto code = ctx.reader.string(v, path);
  if (!code) return std::nullopt;
  if (const auto problem = gbDeviceCodeProblem(*code, role); !problem.empty()) {
    ctx.reader.report(v.Mark(), path, problem);
    return std::nullopt;
  }
  return code;
}

// A file's path: relative to the config's folder, or under
// ${CREDENTIALS_DIRECTORY} (systemd's LoadCredential=).
std::optional<fs::path> filePath(Sections& ctx, const YAML::Node& n, const std::string& path) {
  const auto text = ctx.reader.string(n, path);
  if (!text) return std::nullopt;
  const auto expanded = expandCredentialsDirectory(*text);
  if (!expanded) {
    ctx.reader.report(n.Mark(), path,
                      tr(Msg::ConfigCredentialsDirectoryUnset, kCredentialsVar, "LoadCredential=",
                         "systemd/villagecam-node.service", "systemd"));
    return std::nullopt;
  }
  return resolve(ctx.base_dir, *expanded);
}

void readDuration(Sections& ctx, const YAML::Node& section, const std::string& path, const char* key, Seconds& out,
                  double min_s, double max_s) {
  if (auto v = section[key]; v.IsDefined()) {
    if (auto d = ctx.reader.duration(v, childPath(path, key), min_s, max_s)) out = *d;
  }
}

void readMatchingStrings(Sections& ctx, const YAML::Node& section, const std::string& path, const char* key,
                         const std::regex& pattern, const std::string& what, std::vector<std::string>& out) {
  const auto list = section[key];
  const auto list_path = path + "." + key;
  if (!list.IsDefined() || !ctx.reader.expectSequence(list, list_path)) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto item_path = list_path + "[" + std::to_string(i) + "]";
    const auto text = ctx.reader.string(list[i], item_path);
    if (text && std::regex_match(*text, pattern)) {
      out.push_back(*text);
    } else if (text) {
      ctx.reader.report(list[i].Mark(), item_path, tr(Msg::ExpectedGot, what, tr(Msg::QuotedValue, *text)));
    }
  }
}

std::optional<std::string> readPasswordFile(Sections& ctx, const YAML::Node& at, const std::string& path,
                                            const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    ctx.reader.report(at.Mark(), path, tr(Msg::ConfigCannotReadNamed, file.string(), std::strerror(errno)));
    return std::nullopt;
  }
  std::string password;
  std::getline(in, password);  // the first line; a trailing newline is not part of it
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    ctx.reader.report(at.Mark(), path, tr(Msg::ConfigFileIsEmpty, file.string()));
    return std::nullopt;
  }
  return password;
}

}  // namespace villagecam::config
