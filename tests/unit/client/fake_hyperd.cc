#include "tests/unit/client/fake_hyperd.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hyperd::testing {

int FakeHyperdService::calls(const std::string& method) const {
  absl::MutexLock lock(&mutex_);
  auto it = calls_.find(method);
  return it == calls_.end() ? 0 : it->second;
}

std::string FakeHyperdService::last_authorization() const {
  absl::MutexLock lock(&mutex_);
  return last_authorization_;
}

std::string FakeHyperdService::last_peer_common_name() const {
  absl::MutexLock lock(&mutex_);
  return last_peer_common_name_;
}

void FakeHyperdService::Record(const std::string& method, const grpc::ServerContext& context) {
  absl::MutexLock lock(&mutex_);
  ++calls_[method];
  auto it = context.client_metadata().find("authorization");
  last_authorization_ = it == context.client_metadata().end()
                            ? ""
                            : std::string(it->second.data(), it->second.size());
  last_peer_common_name_.clear();
  if (std::shared_ptr<const grpc::AuthContext> auth = context.auth_context()) {
    for (const grpc::string_ref& name : auth->FindPropertyValues("x509_common_name")) {
      last_peer_common_name_.assign(name.data(), name.size());
    }
  }
}

FakeHyperd::FakeHyperd() : FakeHyperd(grpc::InsecureServerCredentials()) {}

FakeHyperd::FakeHyperd(std::shared_ptr<grpc::ServerCredentials> credentials) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port);
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port == 0) {
    std::cerr << "FakeHyperd: cannot listen on 127.0.0.1\n";
    std::abort();
  }
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeHyperd::~FakeHyperd() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

}  // namespace hyperd::testing
