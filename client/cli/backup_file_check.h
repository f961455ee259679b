// Checks a database file received from BackupDatabase before hyperctl gives it its final name.
//
//   RETURN_IF_ERROR(CheckBackupFile("backup.db.partial", info));
#ifndef HYPERD_CLIENT_CLI_BACKUP_FILE_CHECK_H_
#define HYPERD_CLIENT_CLI_BACKUP_FILE_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "hyperd/v1/hyperd.pb.h"

namespace hyperd::cli {

// Opens the SQLite file at `path` read-only and checks that it passes PRAGMA integrity_check and
// holds what `info` announced (schema version, number of studies and trials). DATA_LOSS naming
// the first difference otherwise. Never modifies the file.
absl::Status CheckBackupFile(const std::string& path, const v1::BackupInfo& info);

}  // namespace hyperd::cli

#endif  // HYPERD_CLIENT_CLI_BACKUP_FILE_CHECK_H_
