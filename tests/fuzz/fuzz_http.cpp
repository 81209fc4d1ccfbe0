// libFuzzer: raw bytes as one HTTP request through the console's gate and
// routed server (the real routes and checks, cpp-httplib's parser), answered
// by a stand-in for the console's data. Nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "service/guarded_server.hpp"
#include "web/console_server.hpp"

using namespace villagecam;
using nlohmann::json;

namespace {

class Answers final : public county::ConsoleSource {
 public:
  Answers() { live_.stop(); }  // a live stream ends at once
  json summary() override { return {{"county", "x"}}; }
  json villages() override { return json::array(); }
  json village(const std::string& node) override { return node == "sim-0001" ? json{{"node", node}} : json(nullptr); }
  json problems() override { return json::object(); }
  json search(const std::string& q) override { return {{"query", q}}; }
  json words() override { return json::object(); }
  json openAlerts() override { return json::array(); }
  json health() override { return {{"ok", true}}; }
  json alerts(const county::Params& p) override {
    if (p.count("bad")) throw county::BadRequest("bad: " + p.at("bad"));
    return json::array();
  }
  std::string alertsCsv(const county::Params&) override { return "id\r\n"; }
  json days(const county::Params&) override { return json::array(); }
  json silences(const county::Params&) override { return json::array(); }
  std::optional<std::string> snapshot(const std::string&) override { return std::nullopt; }
  std::optional<std::string> latestSnapshot(const std::string&, const std::string&) override { return std::nullopt; }
  county::LoginResult login(const std::string&, const std::string&, const std::string&) override {
    return {"", "wrong name or password", 401};
  }
  std::optional<county::Operator> operatorOf(const std::string& token) override {
    if (token == "good") return county::Operator{"admin", "admin"};
    return std::nullopt;
  }
  void logout(const std::string&) override {}
  json users() override { return json::array(); }
  json addUser(const json& body) override {
    if (!body.is_object()) throw county::BadRequest("expected an object");
    return body;
  }
  json admittedNodes() override { return json::array(); }
  json pendingNodes() override { return json::array(); }
  json admitNode(const std::string& node, const json&, const std::string&) override { return {{"node", node}}; }
  county::LiveStream& live() override { return live_; }
  json watchLive(const county::Operator&, const std::string& node, const std::string& camera, const std::string& viewer,
                 bool again) override {
    if (node != "sim-0001") throw county::BadRequest("no admitted node");
    return {{"phase", again ? "asking" : "playing"}, {"camera", camera}, {"viewers", viewer.size()},
            {"playlist", "/live/" + node + "/" + camera + "/1/index.m3u8"}};
  }
  void leaveLive(const std::string&, const std::string&, const std::string&) override {}
  std::optional<std::filesystem::path> liveFile(const std::string&, const std::string&, const std::string&,
                                                const std::string&) override {
    return std::nullopt;
  }
  json fetchClip(const std::string& node, const std::string& alert, bool again) override {
    return {{"phase", again ? "asking" : "gone"}, {"node", node}, {"alert", alert}};
  }
  std::optional<std::filesystem::path> clipFile(const std::string&, const std::string&) override { return std::nullopt; }

 private:
  county::LiveStream live_;
};

// The request's bytes to read; what is written goes nowhere.
class BytesStream final : public httplib::Stream {
 public:
  explicit BytesStream(std::string_view bytes) : bytes_(bytes) {}
  bool is_readable() const override { return at_ < bytes_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const auto n = std::min(size, bytes_.size() - at_);
    std::copy_n(bytes_.data() + at_, n, ptr);
    at_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 40000; }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip = "127.0.0.1", port = 9820; }
  socket_t socket() const override { return -1; }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Answers answers;
  static county::ConsoleServer server(config::HttpConfig{}, answers, county::consolePagesDir(), {});
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  BytesStream stream(bytes);
  server.http().serve(stream, bytes);
  return 0;
}
