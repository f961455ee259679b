#include "client/cli/dashboard_url.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace hyperd::cli {
namespace {

// Splits "host:port" / "[v6]:port" at the last colon; the host keeps its brackets.
std::pair<absl::string_view, absl::string_view> SplitHostPort(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos || absl::EndsWith(address, "]")) return {address, ""};
  return {address.substr(0, colon), address.substr(colon + 1)};
}

bool IsWildcard(absl::string_view host) {
  return host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::" || host == "*";
}

}  // namespace

absl::StatusOr<std::string> DashboardUrl(const std::string& server_address,
                                         const v1::ServerInfo& info) {
  if (info.http_address().empty() || !info.dashboard()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the server at ", server_address, " serves no dashboard (",
        info.http_address().empty() ? "its --metrics-listen is empty" : "it runs with --dashboard=false",
        "); restart hyperd with --metrics-listen=127.0.0.1:9464 and without --dashboard=false"));
  }
  auto [host, port] = SplitHostPort(info.http_address());
  if (IsWildcard(host)) {
    absl::string_view dialled = server_address;
    for (absl::string_view scheme : {"dns:///", "ipv4:", "ipv6:"}) absl::ConsumePrefix(&dialled, scheme);
    host = SplitHostPort(dialled).first;
  }
  return absl::StrCat("http://", host, ":", port, "/dashboard/");
}

}  // namespace hyperd::cli
