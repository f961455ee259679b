// The study dashboard's read-only JSON API (issue 9; the JSON contract consumed by web/):
//
//   GET /api/dashboard/studies                         the study list (filtered by the token)
//   GET /api/dashboard/studies/<id>                    the study page's document
//   GET /api/dashboard/studies/<id>/trials/<number>    the trial page's document
//
// Documents are built from server::Runtime's public read methods only (study_snapshot.h, which
// also explains how a big study is read without copying every measurement on every poll). Study
// and trial documents carry a "revision" (revision.h), sent as the ETag; a matching If-None-Match
// gets 304 with an empty body. Every response has Cache-Control: no-cache.
//
// Errors: {"error": {"code": "NOT_FOUND", "message": "..."}} with the absl/gRPC code name and the
// HTTP status INVALID_ARGUMENT and FAILED_PRECONDITION 400, UNAUTHENTICATED 401 (with
// WWW-Authenticate: Bearer), PERMISSION_DENIED 403, NOT_FOUND 404, RESOURCE_EXHAUSTED 429, others
// 500; unknown paths 404; methods other than GET 405.
//
// Auth (with an authorizer): the same decisions as the gRPC methods the documents stand for:
// ListStudies for the list (a token restricted to some studies sees only those), GetStudy for a
// study document, GetTrial for a trial document; at least the viewer role.
//
// Thread-safe: Handle is called concurrently by the web server's threads.
#ifndef HYPERD_SERVER_DASHBOARD_DASHBOARD_API_H_
#define HYPERD_SERVER_DASHBOARD_DASHBOARD_API_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/authorizer.h"
#include "server/dashboard/document_cache.h"
#include "server/dashboard/study_importance.h"
#include "server/dashboard/study_snapshot.h"
#include "server/http/http_message.h"
#include "server/runtime.h"

namespace hyperd::server::dashboard {

inline constexpr char kApiPrefix[] = "/api/dashboard/";

class DashboardApi {
 public:
  // `runtime` (and `authorizer`, when not null) must outlive the API. `authorizer` null: no
  // --auth-token-file, every request is allowed. `on_refused` (may be empty) is called for every
  // refused request with the decision and what was asked ("GET /api/dashboard/studies/x").
  DashboardApi(
      Runtime* runtime, const auth::Authorizer* authorizer, std::string server_version,
      std::function<void(const auth::AuthDecision&, absl::string_view what)> on_refused = {});
  DashboardApi(const DashboardApi&) = delete;
  DashboardApi& operator=(const DashboardApi&) = delete;

  // Handles requests whose path starts with kApiPrefix.
  http::HttpResponse Handle(const http::HttpRequest& request) const;

 private:
  // The decision for `method` on `study_id`; OK without an authorizer.
  auth::AuthDecision Authorize(const http::HttpRequest& request, absl::string_view method,
                               absl::string_view study_id) const;
  http::HttpResponse StudyList(const http::HttpRequest& request) const;
  http::HttpResponse Study(const http::HttpRequest& request, const std::string& study_id) const;
  // `entry` as the response (304, gzipped or plain); `store` (or gzipping it now) keeps it in
  // the document cache.
  http::HttpResponse StudyResponse(const http::HttpRequest& request, const std::string& study_id,
                                   CachedDocument entry, bool store) const;
  http::HttpResponse Trial(const http::HttpRequest& request, const std::string& study_id,
                           absl::string_view number) const;

  Runtime* const runtime_;
  const auth::Authorizer* const authorizer_;
  const std::string server_version_;
  const std::function<void(const auth::AuthDecision&, absl::string_view)> on_refused_;
  // Mutable: caches, not observable state.
  mutable StudyReader reader_;
  mutable ImportanceCache importance_cache_;
  mutable DocumentCache document_cache_;
};

// The HTTP status of an error code (see the file comment).
int HttpStatusOf(absl::StatusCode code);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_DASHBOARD_API_H_
