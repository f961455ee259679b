// Helpers for the storage tests: a per-test temporary directory, raw SQLite access to inspect or
// prepare database files behind the store's back, and proto equality with a readable diff.
#ifndef HYPERD_TESTS_UNIT_STORAGE_STORAGE_TEST_UTIL_H_
#define HYPERD_TESTS_UNIT_STORAGE_STORAGE_TEST_UTIL_H_

#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace hyperd::storage::testing_util {

// A fresh directory under testing::TempDir(), removed with everything in it on destruction.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = (std::filesystem::path(::testing::TempDir()) / "hyperd-storage-XXXXXX");
    char* created = mkdtemp(pattern.data());
    EXPECT_NE(created, nullptr) << "mkdtemp(" << pattern << ") failed";
    path_ = pattern;
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string File(absl::string_view name) const { return absl::StrCat(path_, "/", name); }

 private:
  std::string path_;
};

// A plain read-write SQLite connection, independent of the store under test.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << "opening " << path << ": " << sqlite3_errstr(rc);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }

  // Runs `sql`; returns the SQLite result code (the failure is also reported to gtest unless
  // `expect_ok` is false).
  int Exec(const std::string& sql, bool expect_ok = true) {
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (expect_ok) {
      EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
    }
    return rc;
  }

  int64_t QueryInt64(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    } else {
      ADD_FAILURE() << sql << " returned no row: " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(stmt);
    return value;
  }

  // All rows of a one-column text query, joined with newlines.
  std::string QueryTextRows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string rows;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      absl::StrAppend(&rows, text == nullptr ? "NULL" : reinterpret_cast<const char*>(text), "\n");
    }
    sqlite3_finalize(stmt);
    return rows;
  }

  // Binds one blob parameter (?1) and runs `sql`.
  void ExecWithBlob(const std::string& sql, const std::string& blob) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_bind_blob(stmt, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sql << ": " << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }

 private:
  sqlite3* db_ = nullptr;
};

inline ::testing::AssertionResult ProtoEquals(const google::protobuf::Message& expected,
                                              const google::protobuf::Message& actual) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string diff;
  differencer.ReportDifferencesToString(&diff);
  if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "protos differ:\n" << diff;
}

}  // namespace hyperd::storage::testing_util

#endif  // HYPERD_TESTS_UNIT_STORAGE_STORAGE_TEST_UTIL_H_
