#include "tests/testing/test_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "google/protobuf/text_format.h"
#include "server/runtime.h"

namespace hyperd::testing {

TestServer::TestServer() {
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
  options.metrics_listen = "";
  options.durability = storage::Durability::kNormal;
  options.reaper_interval = absl::Hours(1);  // tests reap explicitly
  options.shutdown_grace = absl::Seconds(1);
  options.worker_threads = 2;
  options.clock = &clock_;
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

hyperd::v1::Study BasicStudy() {
  hyperd::v1::Study study;
  const bool parsed = google::protobuf::TextFormat::ParseFromString(
      R"pb(
        spec {
          search_space {
            parameters {
              name: "lr"
              double_spec { min: 1e-5 max: 1e-1 scale: LOG }
            }
            parameters {
              name: "layers"
              integer_spec { min: 1 max: 4 }
            }
            parameters {
              name: "optimizer"
              categorical_spec { values: "sgd" values: "adam" }
            }
            parameters {
              name: "momentum"
              double_spec { min: 0 max: 0.99 }
              condition { parent: "optimizer" categorical_values: "sgd" }
            }
          }
          objective { metric: "loss" goal: MINIMIZE }
          sampler { random {} }
          seed: 7
        }
      )pb",
      &study);
  EXPECT_TRUE(parsed);
  return study;
}

}  // namespace hyperd::testing
