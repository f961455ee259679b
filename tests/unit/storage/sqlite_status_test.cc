#include "storage/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hyperd::storage::sqlite {
namespace {

using ::testing::HasSubstr;

TEST(CodeForSqliteResult, MapsTransientMissingParentDuplicateAndCorruption) {
  EXPECT_EQ(CodeForSqliteResult(SQLITE_BUSY), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_BUSY_SNAPSHOT), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_LOCKED), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CONSTRAINT_FOREIGNKEY),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CONSTRAINT_PRIMARYKEY), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CONSTRAINT_UNIQUE), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CONSTRAINT_NOTNULL), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CORRUPT), absl::StatusCode::kDataLoss);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_NOTADB), absl::StatusCode::kDataLoss);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_CANTOPEN), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_READONLY), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_FULL), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_IOERR_FSYNC), absl::StatusCode::kInternal);
  EXPECT_EQ(CodeForSqliteResult(SQLITE_ERROR), absl::StatusCode::kInternal);
}

TEST(SqliteStatus, MessageSaysWhatWasWrittenAndWhatSqliteSaid) {
  absl::Status status = SqliteStatus(SQLITE_BUSY, nullptr, "writing trial 3 of study 'mnist'");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("writing trial 3 of study 'mnist': "));
  EXPECT_THAT(status.message(), HasSubstr(sqlite3_errstr(SQLITE_BUSY)));
  EXPECT_THAT(status.message(), HasSubstr("SQLite result code 5"));
}

}  // namespace
}  // namespace hyperd::storage::sqlite
