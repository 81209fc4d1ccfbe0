// A real mosquitto broker for tests: on 127.0.0.1 and a free port, with
// optional passwords, ACL and TLS; stopped, killed and restarted on the same
// port; always cleaned up.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "child_process.hpp"

namespace villagecam::testing {

struct MosquittoOptions {
  std::map<std::string, std::string> users;  // user -> password
  std::string acl;                           // acl_file contents; empty: no ACL
  std::filesystem::path ca_file = {};  // with cert/key: a TLS listener
  std::filesystem::path cert_file = {};
  std::filesystem::path key_file = {};
  bool require_client_certificate = false;
  // Sessions and retained messages kept on disk across stop() and start(),
  // as a county broker keeps them.
  bool persistence = false;
};

class Mosquitto {
 public:
  explicit Mosquitto(MosquittoOptions options = {});
  ~Mosquitto();

  int port() const { return port_; }
  std::string uri() const;  // tcp://127.0.0.1:port or ssl://...

  void kill();     // SIGKILL: connections drop without a goodbye
  void restart();  // back on the same port (retained messages are gone)
  void stop();     // SIGTERM: a clean stop (with persistence, its state is saved)
  void start();    // after stop(): back on the same port

 private:
  void launch();

  MosquittoOptions options_;
  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// A free TCP port on 127.0.0.1 (bound and released; tests retry on a clash).
int freePort();

// Runs a command to completion; returns its exit status and output.
// Runs a program to its end; `env` adds or replaces environment variables (LANG=...).
std::pair<int, std::string> runCommand(const std::vector<std::string>& argv, std::vector<std::string> env = {});

// Test certificates made with openssl: a CA, a server certificate for
// 127.0.0.1/localhost signed by it, and a second, unrelated CA.
struct TestPki {
  std::filesystem::path dir;
  std::filesystem::path ca_cert, server_cert, server_key, other_ca_cert, client_cert, client_key;
};
TestPki makeTestPki(const std::filesystem::path& dir);

}  // namespace villagecam::testing
