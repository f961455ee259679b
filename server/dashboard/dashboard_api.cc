#include "server/dashboard/dashboard_api.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/dashboard/document_fields.h"
#include "server/dashboard/json_writer.h"
#include "server/dashboard/revision.h"
#include "server/dashboard/study_document.h"
#include "server/dashboard/study_snapshot.h"
#include "server/dashboard/trial_document.h"
#include "server/http/content_encoding.h"
#include "server/request_validation.h"

namespace hyperd::server::dashboard {
namespace {

using http::HttpRequest;
using http::HttpResponse;

void AddCommonHeaders(HttpResponse& response) {
  response.headers.emplace_back("Cache-Control", "no-cache");
}

HttpResponse ErrorResponse(const absl::Status& status) {
  HttpResponse response;
  response.status = HttpStatusOf(status.code());
  JsonWriter json(256);
  json.BeginObject();
  json.Key("error");
  json.BeginObject();
  json.Key("code");
  json.String(absl::StatusCodeToString(status.code()));
  json.Key("message");
  json.String(status.message());
  json.EndObject();
  json.EndObject();
  response.body = std::move(json).Take();
  AddCommonHeaders(response);
  if (status.code() == absl::StatusCode::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return response;
}

// Whether If-None-Match ("\"abc\"", "W/\"abc\", \"def\"", "*") names `etag` (quoted).
bool Matches(const std::optional<std::string>& if_none_match, const std::string& etag) {
  if (!if_none_match.has_value()) return false;
  for (absl::string_view candidate : absl::StrSplit(*if_none_match, ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    absl::ConsumePrefix(&candidate, "W/");
    if (candidate == "*" || candidate == etag) return true;
  }
  return false;
}

// A revision as an ETag (a quoted string).
std::string Etag(const std::string& revision) { return absl::StrCat("\"", revision, "\""); }

// 200 with the document, or 304 when the client has this revision already.
HttpResponse DocumentResponse(const HttpRequest& request, const std::string& revision,
                              const std::function<std::string()>& build) {
  HttpResponse response;
  const std::string etag = Etag(revision);
  if (Matches(request.if_none_match, etag)) {
    response.status = 304;
  } else {
    response.body = build();
  }
  response.headers.emplace_back("ETag", etag);
  AddCommonHeaders(response);
  return response;
}

absl::Status StudyNotFound(absl::string_view study_id, const absl::Status& status) {
  return absl::NotFoundError(absl::StrCat("study \"", study_id, "\" not found (", status.message(),
                                          "); GET /api/dashboard/studies lists the studies"));
}

// A failed read of the study: NOT_FOUND names the study and where the list is; others pass.
absl::Status StudyReadError(absl::string_view study_id, const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound ? StudyNotFound(study_id, status) : status;
}

}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    default:
      return 500;
  }
}

DashboardApi::DashboardApi(
    Runtime* runtime, const auth::Authorizer* authorizer, std::string server_version,
    std::function<void(const auth::AuthDecision&, absl::string_view what)> on_refused)
    : runtime_(runtime),
      authorizer_(authorizer),
      server_version_(std::move(server_version)),
      on_refused_(std::move(on_refused)) {}

auth::AuthDecision DashboardApi::Authorize(const HttpRequest& request, absl::string_view method,
                                           absl::string_view study_id) const {
  if (authorizer_ == nullptr) return auth::AuthDecision{};
  std::optional<absl::string_view> authorization;
  if (request.authorization.has_value()) authorization = *request.authorization;
  auth::AuthDecision decision = authorizer_->Check(method, authorization, study_id);
  if (!decision.status.ok() && on_refused_) {
    on_refused_(decision, absl::StrCat(request.method, " ", request.path));
  }
  return decision;
}

HttpResponse DashboardApi::Handle(const HttpRequest& request) const {
  absl::string_view rest = request.path;
  if (!absl::ConsumePrefix(&rest, kApiPrefix)) {
    return ErrorResponse(
        absl::NotFoundError(absl::StrCat("path \"", request.path, "\" is not under ", kApiPrefix)));
  }
  if (request.method != "GET") {
    HttpResponse response = ErrorResponse(absl::InvalidArgumentError(
        absl::StrCat("method ", request.method, " is not allowed on ", request.path,
                     "; the dashboard API is read-only: use GET")));
    response.status = 405;
    response.headers.emplace_back("Allow", "GET");
    return response;
  }
  absl::ConsumeSuffix(&rest, "/");
  const std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
  if (parts.size() == 1 && parts[0] == "studies") return StudyList(request);
  if (parts.size() >= 2 && parts[0] == "studies" && !parts[1].empty()) {
    const std::string study_id(parts[1]);
    if (parts.size() == 2) return Study(request, study_id);
    if (parts.size() == 4 && parts[2] == "trials") return Trial(request, study_id, parts[3]);
  }
  return ErrorResponse(absl::NotFoundError(
      absl::StrCat("no dashboard document at ", request.path,
                   "; the documents are /api/dashboard/studies, /api/dashboard/studies/<id> and "
                   "/api/dashboard/studies/<id>/trials/<number>")));
}

HttpResponse DashboardApi::StudyList(const HttpRequest& request) const {
  const auth::AuthDecision decision = Authorize(request, "ListStudies", "");
  if (!decision.status.ok()) return ErrorResponse(decision.status);
  const auth::Token* token = decision.token.get();
  JsonWriter json(16 * 1024);
  json.BeginObject();
  json.Key("server");
  json.BeginObject();
  json.Key("version");
  json.String(server_version_);
  json.EndObject();
  json.Key("studies");
  json.BeginArray();
  hyperd::v1::ListStudiesRequest list;
  list.set_page_size(kMaxPageSize);
  while (true) {
    absl::StatusOr<hyperd::v1::ListStudiesResponse> page = runtime_->ListStudies(list);
    if (!page.ok()) return ErrorResponse(page.status());
    for (const hyperd::v1::Study& study : page->studies()) {
      absl::StatusOr<std::string> id = ParseStudyName("name", study.name());
      if (!id.ok() || (token != nullptr && token->restricted() && !token->AllowsStudy(*id))) {
        continue;
      }
      // A study deleted since the listing has no best trial: list it without one.
      absl::StatusOr<std::optional<hyperd::v1::Trial>> best = ReadBestTrial(*runtime_, *id);
      json.BeginObject();
      WriteStudySummaryFields(study, best.ok() ? *best : std::nullopt, json);
      json.EndObject();
    }
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  json.EndArray();
  json.EndObject();
  HttpResponse response;
  response.body = std::move(json).Take();
  AddCommonHeaders(response);
  return response;
}

HttpResponse DashboardApi::Study(const HttpRequest& request, const std::string& study_id) const {
  const auth::AuthDecision decision = Authorize(request, "GetStudy", study_id);
  if (!decision.status.ok()) return ErrorResponse(decision.status);
  if (absl::Status valid = ValidateStudyId("study id", study_id); !valid.ok()) {
    return ErrorResponse(StudyNotFound(study_id, valid));
  }
  // The generation is read before the snapshot, so a document is never kept under a generation
  // newer than the state it shows (a change in between only costs a rebuild next time).
  absl::StatusOr<uint64_t> generation = runtime_->StudyGeneration(study_id);
  if (!generation.ok()) {
    return ErrorResponse(StudyReadError(study_id, generation.status()));
  }
  std::optional<CachedDocument> cached = document_cache_.Find(study_id);
  if (cached.has_value() && cached->generation == *generation) {
    return StudyResponse(request, study_id, *std::move(cached), /*store=*/false);
  }
  absl::StatusOr<StudySnapshot> snapshot = reader_.Read(*runtime_, study_id);
  if (!snapshot.ok()) return ErrorResponse(StudyReadError(study_id, snapshot.status()));
  CachedDocument entry;
  entry.generation = *generation;
  entry.revision = snapshot->revision;
  if (cached.has_value() && cached->revision == snapshot->revision) {
    entry.document = cached->document;
    entry.gzip = cached->gzip;
  } else {
    const std::shared_ptr<const StudyImportance> importance =
        importance_cache_.Get(study_id, snapshot->study, snapshot->trials);
    entry.document = std::make_shared<const std::string>(StudyDocument(*snapshot, *importance));
  }
  return StudyResponse(request, study_id, std::move(entry), /*store=*/true);
}

HttpResponse DashboardApi::StudyResponse(const HttpRequest& request, const std::string& study_id,
                                         CachedDocument entry, bool store) const {
  const bool not_modified = Matches(request.if_none_match, Etag(entry.revision));
  const bool gzip = !not_modified && http::AcceptsGzip(request) &&
                    entry.document->size() >= http::kMinGzipBytes;
  if (gzip && entry.gzip == nullptr) {
    entry.gzip = std::make_shared<const std::string>(http::Gzip(*entry.document));
    store = true;
  }
  if (store) document_cache_.Put(study_id, entry);
  const bool send_gzip = gzip && !entry.gzip->empty();  // empty: zlib failed, send it plain
  HttpResponse response = DocumentResponse(request, entry.revision, [&] {
    return send_gzip ? std::string() : *entry.document;
  });
  if (send_gzip && response.status == 200) http::SetGzipBody(*entry.gzip, response);
  return response;
}

HttpResponse DashboardApi::Trial(const HttpRequest& request, const std::string& study_id,
                                 absl::string_view number) const {
  const auth::AuthDecision decision = Authorize(request, "GetTrial", study_id);
  if (!decision.status.ok()) return ErrorResponse(decision.status);
  if (absl::Status valid = ValidateStudyId("study id", study_id); !valid.ok()) {
    return ErrorResponse(StudyNotFound(study_id, valid));
  }
  int64_t trial_number = 0;
  if (!absl::SimpleAtoi(number, &trial_number) || trial_number < 0) {
    return ErrorResponse(absl::InvalidArgumentError(
        absl::StrCat("trial number: \"", number,
                     "\" is not a trial number; use 0, 1, 2, ... as listed on the "
                     "study page")));
  }
  hyperd::v1::GetStudyRequest get_study;
  get_study.set_name(StudyName(study_id));
  absl::StatusOr<hyperd::v1::Study> study = runtime_->GetStudy(get_study);
  if (!study.ok()) {
    return ErrorResponse(StudyReadError(study_id, study.status()));
  }
  hyperd::v1::GetTrialRequest get_trial;
  get_trial.set_name(TrialName(study_id, trial_number));
  absl::StatusOr<hyperd::v1::Trial> trial = runtime_->GetTrial(get_trial);
  if (!trial.ok()) return ErrorResponse(trial.status());
  const std::string revision = TrialRevision(*study, *trial);
  return DocumentResponse(request, revision,
                          [&] { return TrialDocument(*study, *trial, revision); });
}

}  // namespace hyperd::server::dashboard
