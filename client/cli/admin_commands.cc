// Operator commands: admin backup, admin hash-token.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/backup_file_check.h"
#include "client/cli/command.h"
#include "client/cli/format.h"
#include "client/cli/token_hash.h"
#include "client/cpp/channel_security.h"
#include "common/status_macros.h"

namespace hyperd::cli {
namespace {

// A backup copies the whole database twice (on the server, then over the network): the usual
// 30 s call deadline is too short for a large one. --deadline still overrides it.
constexpr absl::Duration kDefaultBackupDeadline = absl::Hours(1);

absl::Status ErrnoError(absl::StatusCode code, absl::string_view what, const std::string& path) {
  return absl::Status(code, absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Flushes the file's data to disk, so a backup that was reported written survives a crash.
absl::Status SyncFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(absl::StatusCode::kInternal, "cannot reopen", path);
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced) return ErrnoError(absl::StatusCode::kInternal, "cannot fsync", path);
  return absl::OkStatus();
}

// Gives the finished copy its name: atomically replacing `path` with --force, otherwise only if
// `path` still does not exist (link fails with EEXIST rather than overwrite).
absl::Status Publish(const std::string& partial, const std::string& path, bool force) {
  if (force) {
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
      return ErrnoError(absl::StatusCode::kInternal, "cannot rename the backup to", path);
    }
    return absl::OkStatus();
  }
  if (link(partial.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat("-o ", path, " appeared during the backup; the copy is kept as ", partial,
                       "; rename it yourself or run again with --force"));
    }
    return ErrnoError(absl::StatusCode::kInternal, "cannot name the backup", path);
  }
  unlink(partial.c_str());
  return absl::OkStatus();
}

absl::Status Backup(CommandContext& ctx) {
  const std::string path = ctx.args.Get("out");
  if (path.empty()) return UsageError("admin backup: give the backup file with -o FILE");
  const bool force = ctx.args.Has("force");
  std::error_code error;
  if (!force && std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "-o ", path, " already exists; choose another file or add --force to replace it"));
  }
  const std::string partial = path + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot write ", partial, "; check that its directory exists and is writable"));
  }
  CallOptions call;
  if (!ctx.args.Has("deadline")) call.deadline = kDefaultBackupDeadline;
  absl::StatusOr<v1::BackupInfo> info = ctx.client.BackupDatabase(out, call);
  out.close();
  absl::Status status = info.status();
  if (status.ok() && !out) {
    status = absl::InternalError(absl::StrCat("writing ", partial, " failed (disk full?)"));
  }
  if (status.ok()) status = CheckBackupFile(partial, *info);
  if (status.ok()) status = SyncFile(partial);
  if (!status.ok()) {
    std::remove(partial.c_str());
    return status;
  }
  RETURN_IF_ERROR(Publish(partial, path, force));

  if (ctx.format == OutputFormat::kJson) return PrintJson(*info, ctx.out);
  ctx.out << "backup written to " << path << "\n"
          << "  bytes:          " << info->total_bytes() << "\n"
          << "  studies:        " << info->study_count() << "\n"
          << "  trials:         " << info->trial_count() << "\n"
          << "  schema version: " << info->schema_version() << "\n"
          << "  snapshot time:  " << FormatTimestamp(info->create_time(), Precision::kExact) << "\n"
          << "  server version: " << info->server_version() << "\n";
  return absl::OkStatus();
}

// Prints the digest line for the server's --auth-token-file; with --generate, first the new
// token itself (shown only this once).
absl::Status HashToken(CommandContext& ctx) {
  const bool generate = ctx.args.Has("generate");
  std::string token;
  if (generate) {
    ASSIGN_OR_RETURN(token, GenerateToken());
  } else {
    std::ostringstream text;
    text << ctx.in.rdbuf();
    // `echo "$TOKEN" | hyperctl admin hash-token` appends a newline that is not part of it.
    token = std::string(absl::StripAsciiWhitespace(text.str()));
    if (token.empty()) {
      return UsageError(
          "admin hash-token: standard input holds no token; pipe one in (printf %s \"$TOKEN\" | "
          "hyperctl admin hash-token) or add --generate to make a new one");
    }
    RETURN_IF_ERROR(CheckToken(token, "the token on standard input"));
  }
  ASSIGN_OR_RETURN(std::string digest, TokenDigest(token));
  if (ctx.format == OutputFormat::kJson) {
    ctx.out << "{\n";
    if (generate) ctx.out << "  \"token\": \"" << token << "\",\n";
    ctx.out << "  \"digest\": \"" << digest << "\"\n}\n";
    return absl::OkStatus();
  }
  if (generate) ctx.out << "token: " << token << "\n";
  ctx.out << digest << "\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<Command> AdminCommands() {
  return {
      {{{"admin", "backup"},
        "",
        "-o FILE",
        "Save a consistent copy of the server's database to FILE (while it keeps serving)",
        "The server copies its SQLite database with the online backup API (one consistent\n"
        "snapshot: every write acknowledged before the backup started is in it), checks it and\n"
        "streams it here. hyperctl writes FILE.partial, checks the byte count, runs PRAGMA\n"
        "integrity_check and compares the study and trial counts, then renames it to FILE.\n"
        "Restore: stop hyperd, copy FILE to an empty --data-dir as hyperd.db, start hyperd.\n"
        "The call deadline defaults to 1h here (--deadline overrides it).\n"
        "Note: for this command -o is the backup file; use --output=json for JSON.",
        {{"out", 'o', "FILE", "the backup file to write (required)"},
         {"force", '\0', "", "replace FILE if it exists"}},
        0,
        0},
       Backup},
      {{{"admin", "hash-token"},
        "",
        "",
        "Hash a bearer token (from stdin, or a new one with --generate) for the server's token file",
        "Reads a token from standard input (surrounding whitespace, e.g. echo's newline, is\n"
        "dropped), or with --generate makes a new one from 32 bytes of /dev/urandom (64 hex\n"
        "digits) and prints it first as \"token: <TOKEN>\": it is shown only this once, so give\n"
        "it to the client now (--token or HYPERD_TOKEN). Then prints \"sha256:<64 hex>\", the\n"
        "digest to paste into the file given to hyperd --auth-token-file, one token a line:\n"
        "  <name> <role> sha256:<64 hex> [studies=<pattern>,...] [expires=<RFC3339>]\n"
        "with role admin, worker or viewer. The server never stores the token itself.\n"
        "Does not contact the server. --output=json prints {\"token\", \"digest\"}.",
        {{"generate", '\0', "", "make a new random token instead of reading one"}},
        0,
        0},
       HashToken,
       /*uses_server=*/false},
  };
}

}  // namespace hyperd::cli
