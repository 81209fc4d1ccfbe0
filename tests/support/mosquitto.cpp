#include "mosquitto.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace villagecam::testing {

namespace fs = std::filesystem;

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::pair<int, std::string> runCommand(const std::vector<std::string>& argv, std::vector<std::string> env) {
  ChildProcess p(argv, std::move(env));
  const auto status = p.wait(std::chrono::seconds(60));
  p.waitForEndOfOutput(std::chrono::seconds(10));
  return {status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, p.output()};
}

Mosquitto::Mosquitto(MosquittoOptions options) : options_(std::move(options)) {
  static int counter = 0;
  dir_ = fs::temp_directory_path() / ("vc-mosquitto-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  if (!options_.users.empty()) {
    std::ofstream(dir_ / "passwd");
    for (const auto& [user, password] : options_.users) {
      auto [code, out] = runCommand({"/usr/bin/mosquitto_passwd", "-b", (dir_ / "passwd").string(), user, password});
      if (code != 0) throw std::runtime_error("mosquitto_passwd failed: " + out);
    }
  }
  if (!options_.acl.empty()) std::ofstream(dir_ / "acl") << options_.acl;
  for (int attempt = 0; attempt < 5 && !process_; ++attempt) {
    port_ = freePort();
    try {
      launch();
    } catch (const std::exception&) {
      process_.reset();
      if (attempt == 4) throw;
    }
  }
}

Mosquitto::~Mosquitto() {
  process_.reset();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string Mosquitto::uri() const {
  return (options_.cert_file.empty() ? "tcp://127.0.0.1:" : "ssl://127.0.0.1:") + std::to_string(port_);
}

void Mosquitto::launch() {
  {
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "per_listener_settings false\n"
         << "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
         << "allow_anonymous " << (options_.users.empty() ? "true" : "false") << "\n";
    if (!options_.users.empty()) conf << "password_file " << (dir_ / "passwd").string() << "\n";
    if (!options_.acl.empty()) conf << "acl_file " << (dir_ / "acl").string() << "\n";
    conf << "listener " << port_ << " 127.0.0.1\n";
    if (!options_.cert_file.empty()) {
      conf << "cafile " << options_.ca_file.string() << "\ncertfile " << options_.cert_file.string()
           << "\nkeyfile " << options_.key_file.string() << "\n";
      if (options_.require_client_certificate) conf << "require_certificate true\n";
    }
    conf << "max_queued_messages 100000\nmax_inflight_messages 100\n";
    if (options_.persistence) conf << "persistence true\npersistence_location " << dir_.string() << "/\n";
  }
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/sbin/mosquitto", "-c", (dir_ / "mosquitto.conf").string()});
  if (!process_->waitForSubstring(" running", std::chrono::seconds(15))) {
    const std::string out = process_->output();
    process_.reset();
    throw std::runtime_error("mosquitto did not start:\n" + out);
  }
}

void Mosquitto::stop() {
  if (!process_) return;
  process_->signal(SIGTERM);
  process_->wait(std::chrono::seconds(10));
  process_.reset();
}

void Mosquitto::start() {
  if (!process_) launch();
}

void Mosquitto::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
  process_.reset();
}

void Mosquitto::restart() {
  kill();
  launch();
}

TestPki makeTestPki(const fs::path& dir) {
  fs::create_directories(dir);
  TestPki pki{dir,           dir / "ca.crt",     dir / "server.crt", dir / "server.key",
              dir / "other-ca.crt", dir / "client.crt", dir / "client.key"};
  const std::string d = dir.string();
  auto run = [](std::vector<std::string> argv) {
    auto [code, out] = runCommand(argv);
    if (code != 0) throw std::runtime_error("openssl failed: " + out);
  };
  const std::string openssl = "/usr/bin/openssl";
  run({openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=villagecam test CA",
       "-keyout", d + "/ca.key", "-out", d + "/ca.crt"});
  run({openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=some other CA",
       "-keyout", d + "/other-ca.key", "-out", d + "/other-ca.crt"});
  run({openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", d + "/server.key",
       "-out", d + "/server.csr"});
  std::ofstream(dir / "san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  run({openssl, "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
       "-CAcreateserial", "-days", "2", "-extfile", d + "/san.ext", "-out", d + "/server.crt"});
  run({openssl, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=n1", "-keyout", d + "/client.key", "-out",
       d + "/client.csr"});
  run({openssl, "x509", "-req", "-in", d + "/client.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
       "-CAcreateserial", "-days", "2", "-out", d + "/client.crt"});
  // mosquitto started as root drops to its own user, which must read them.
  for (const auto& f : fs::directory_iterator(dir)) {
    fs::permissions(f.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  }
  return pki;
}

}  // namespace villagecam::testing
