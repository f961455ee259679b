// The study dashboard's address as a person should open it: `hyperctl dashboard` and
// `hyperctl info`. hyperd reports where its HTTP port is bound (ServerInfo.http_address); a
// wildcard bind ("0.0.0.0:9464") is reached through the host hyperctl itself dialled.
#ifndef HYPERD_CLIENT_CLI_DASHBOARD_URL_H_
#define HYPERD_CLIENT_CLI_DASHBOARD_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// "http://127.0.0.1:9464/dashboard/" for a server dialled at `server_address` (HOST:PORT, as
// --server). FAILED_PRECONDITION naming the hyperd flags when the server serves no dashboard.
absl::StatusOr<std::string> DashboardUrl(const std::string& server_address,
                                         const v1::ServerInfo& info);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_DASHBOARD_URL_H_
