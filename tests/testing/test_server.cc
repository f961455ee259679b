#include "tests/testing/test_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <utility>

#include "server/runtime.h"

namespace hyperd::testing {

TestServer::TestServer() : TestServer(server::ServerLimits()) {}

TestServer::TestServer(const server::ServerLimits& limits) : limits_(limits) {
  std::string templ = ::testing::TempDir() + "hyperd-it-XXXXXX";
  data_dir_ = mkdtemp(templ.data());
  Start();
}

TestServer::TestServer(TestServerOptions options) : options_(std::move(options)) {
  std::string templ = ::testing::TempDir() + "hyperd-it-XXXXXX";
  data_dir_ = mkdtemp(templ.data());
  Start();
}

TestServer::~TestServer() {
  stub_.reset();
  server_.reset();
  std::filesystem::remove_all(data_dir_);
}

void TestServer::Start() {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = data_dir_;
  options.metrics_listen = options_.http_port ? "127.0.0.1:0" : "";
  options.durability = storage::Durability::kNormal;
  options.reaper_interval = absl::Hours(1);  // tests reap explicitly
  options.shutdown_grace = absl::Seconds(1);
  options.worker_threads = 2;
  options.clock = &clock_;
  options.limits = limits_;
  options.auth_token_file = options_.auth_token_file;
  auto started = server::HyperdServer::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = std::move(*started);
  stub_ = hyperd::v1::Hyperd::NewStub(server_->InProcessChannel());
}

void TestServer::Restart() {
  stub_.reset();
  server_.reset();
  Start();
}

int TestServer::Reap() { return server_->runtime().ReapExpiredLeases(); }

std::string TestServer::address() const {
  return "127.0.0.1:" + std::to_string(server_->grpc_port());
}

}  // namespace hyperd::testing
