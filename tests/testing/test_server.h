// An in-process hyperd for integration tests: a real HyperdServer (SQLite store in a fresh temp
// directory, worker pool, gRPC server on a loopback port) and a stub over its in-process channel.
// Time is a ManualClock, and the lease reaper only runs when a test calls Reap().
#ifndef HYPERD_TESTS_TESTING_TEST_SERVER_H_
#define HYPERD_TESTS_TESTING_TEST_SERVER_H_

#include <memory>
#include <string>

#include "hyperd/v1/hyperd.grpc.pb.h"
#include "server/clock.h"
#include "server/hyperd_server.h"
#include "tests/testing/messages.h"

namespace hyperd::testing {

// Optional settings of a TestServer; the defaults are an open (unauthenticated) server.
struct TestServerOptions {
  // ServerOptions::auth_token_file: with it, calls need "authorization: Bearer <token>" (the
  // stub() sends none; see tests/integration/auth_test.cc for adding it per call).
  std::string auth_token_file;
  // Serve the HTTP port (metrics and dashboard) on a free loopback port: server().metrics_port().
  bool http_port = false;
};

class TestServer {
 public:
  TestServer();  // a fresh data directory
  explicit TestServer(TestServerOptions options);
  // The same, with these server limits instead of the defaults.
  explicit TestServer(const server::ServerLimits& limits);
  ~TestServer();

  // Stops the server and starts a new one on the same data directory (a clean restart).
  void Restart();
  hyperd::v1::Hyperd::Stub& stub() { return *stub_; }
  server::ManualClock& clock() { return clock_; }
  server::HyperdServer& server() { return *server_; }
  int Reap();
  std::string address() const;
  const std::string& data_dir() const { return data_dir_; }

 private:
  void Start();

  TestServerOptions options_;
  std::string data_dir_;
  server::ServerLimits limits_;
  server::ManualClock clock_;
  std::unique_ptr<server::HyperdServer> server_;
  std::unique_ptr<hyperd::v1::Hyperd::Stub> stub_;
};

// One unary call: `Call(stub, &Stub::GetStudy, request, &response)`.
template <typename Request, typename Response>
grpc::Status Call(hyperd::v1::Hyperd::Stub& stub,
                  grpc::Status (hyperd::v1::Hyperd::Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  return (stub.*method)(&context, request, response);
}

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_TESTING_TEST_SERVER_H_
