#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/sqlite/schema.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "tests/unit/storage/storage_test_util.h"

namespace hyperd::storage::sqlite {
namespace {

using ::hyperd::storage::testing_util::RawDb;
using ::hyperd::storage::testing_util::ScopedTempDir;
using ::testing::HasSubstr;

constexpr char kSchemaQuery[] =
    "SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE sql IS NOT NULL "
    "ORDER BY type, name";

absl::StatusOr<std::unique_ptr<SqliteTrialStore>> OpenStore(const std::string& path) {
  SqliteTrialStore::Options options;
  options.path = path;
  options.durability = Durability::kNormal;
  return SqliteTrialStore::Open(std::move(options));
}

// A database file as a hyperd at schema `version` left it.
void WriteFixture(const std::string& path, int version) {
  RawDb raw(path);
  for (const Migration& migration : Migrations()) {
    if (migration.version > version) break;
    raw.Exec(migration.sql);
  }
  raw.Exec(absl::StrCat("PRAGMA user_version = ", version));
}

// One study with a trial and a measurement, written with the version-1 columns (every version so
// far keeps them).
void SeedVersion1Rows(const std::string& path) {
  RawDb raw(path);
  hyperd::v1::Study study;
  study.set_description("written by an older hyperd");
  hyperd::v1::Trial trial;
  trial.set_number(0);
  trial.set_state(hyperd::v1::Trial::ACTIVE);
  hyperd::v1::Measurement measurement;
  measurement.set_step(3);
  (*measurement.mutable_metrics())["loss"] = 0.5;
  raw.ExecWithBlob(
      "INSERT INTO study(study_id, state, create_time_us, config, sampler_state) "
      "VALUES('old', 1, 0, ?1, x'')",
      study.SerializeAsString());
  raw.ExecWithBlob(
      "INSERT INTO trial(study_id, number, state, client_id, lease_expire_us, header) "
      "VALUES('old', 0, 2, 'worker', 1000, ?1)",
      trial.SerializeAsString());
  raw.ExecWithBlob(
      "INSERT INTO measurement(study_id, trial_number, step, body) VALUES('old', 0, 3, ?1)",
      measurement.SerializeAsString());
}

std::string FreshSchema(const ScopedTempDir& dir) {
  const std::string path = dir.File("fresh.db");
  EXPECT_TRUE(OpenStore(path).ok());
  return RawDb(path).QueryTextRows(kSchemaQuery);
}

TEST(Schema, MigrationVersionsCountUpFromOne) {
  const std::vector<Migration>& migrations = Migrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1)) << migrations[i].description;
  }
  EXPECT_EQ(LatestSchemaVersion(), static_cast<int>(migrations.size()));
}

TEST(Schema, FreshDatabaseEndsAtLatestVersionWithStrictTables) {
  ScopedTempDir dir;
  const std::string path = dir.File("hyperd.db");
  ASSERT_TRUE(OpenStore(path).ok());
  RawDb raw(path);
  EXPECT_EQ(raw.QueryInt64("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(raw.QueryTextRows("SELECT name FROM pragma_table_list WHERE strict = 1 ORDER BY name"),
            "measurement\nstep_report\nstudy\ntrial\n");
  EXPECT_EQ(raw.QueryTextRows("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT "
                              "NULL ORDER BY name"),
            "trial_by_study_state\ntrial_open_by_lease_expiry\n");
}

TEST(Schema, FixtureAtEveryOlderVersionMigratesToLatestAndKeepsItsRows) {
  ScopedTempDir dir;
  const std::string fresh_schema = FreshSchema(dir);
  for (int version = 0; version < LatestSchemaVersion(); ++version) {
    SCOPED_TRACE(absl::StrCat("fixture at schema version ", version));
    const std::string path = dir.File(absl::StrCat("v", version, ".db"));
    WriteFixture(path, version);
    if (version >= 1) SeedVersion1Rows(path);
    {
      absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store = OpenStore(path);
      ASSERT_TRUE(store.ok()) << store.status();
      absl::StatusOr<std::vector<StudySnapshot>> studies = (*store)->LoadAll();
      ASSERT_TRUE(studies.ok()) << studies.status();
      if (version >= 1) {
        ASSERT_EQ(studies->size(), 1u);
        EXPECT_EQ((*studies)[0].study.study.description(), "written by an older hyperd");
        EXPECT_EQ((*studies)[0].trials.size(), 1u);
        ASSERT_EQ((*studies)[0].measurements.size(), 1u);
        EXPECT_EQ((*studies)[0].measurements[0].measurement.step(), 3);
      } else {
        EXPECT_TRUE(studies->empty());
      }
    }
    RawDb raw(path);
    EXPECT_EQ(raw.QueryInt64("PRAGMA user_version"), LatestSchemaVersion());
    EXPECT_EQ(raw.QueryTextRows(kSchemaQuery), fresh_schema);
  }
}

TEST(Schema, Version2DatabaseGainsStepReportsForItsExistingTrials) {
  ScopedTempDir dir;
  const std::string path = dir.File("v2.db");
  WriteFixture(path, 2);
  SeedVersion1Rows(path);
  ASSERT_EQ(RawDb(path).QueryInt64(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'step_report'"),
            0);

  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store = OpenStore(path);
  ASSERT_TRUE(store.ok()) << store.status();
  hyperd::v1::StepReport report;
  report.set_step(4);
  report.set_lr_applied(0.01);
  report.set_grad_norm_l2(1.5);
  ASSERT_TRUE((*store)->CommitAndWait({PutSteps{"old", 0, {report}}}).ok());
  absl::StatusOr<std::vector<StudySnapshot>> studies = (*store)->LoadAll();
  ASSERT_TRUE(studies.ok()) << studies.status();
  ASSERT_EQ(studies->size(), 1u);
  EXPECT_EQ((*studies)[0].measurements.size(), 1u);
  ASSERT_EQ((*studies)[0].steps.size(), 1u);
  EXPECT_EQ((*studies)[0].steps[0].report.step(), 4);
  EXPECT_EQ((*studies)[0].steps[0].report.grad_norm_l2(), 1.5);
  EXPECT_FALSE((*studies)[0].steps[0].report.has_loss());
  EXPECT_EQ(RawDb(path).QueryInt64("PRAGMA user_version"), 3);
}

TEST(Schema, DatabaseFromNewerHyperdIsRefusedAndLeftUnchanged) {
  ScopedTempDir dir;
  const std::string path = dir.File("hyperd.db");
  const int newer = LatestSchemaVersion() + 1;
  WriteFixture(path, LatestSchemaVersion());
  RawDb(path).Exec(absl::StrCat("PRAGMA user_version = ", newer));

  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store = OpenStore(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr(absl::StrCat("schema version ", newer,
                                                               " but this hyperd supports "
                                                               "versions up to ",
                                                               LatestSchemaVersion())));
  EXPECT_EQ(RawDb(path).QueryInt64("PRAGMA user_version"), newer);
}

TEST(Schema, FailedMigrationRollsBackEveryStep) {
  ScopedTempDir dir;
  const std::string path = dir.File("hyperd.db");
  // A foreign table in the way makes migration 1 fail after it has created `study`.
  RawDb(path).Exec("CREATE TABLE trial(x)");

  absl::StatusOr<std::unique_ptr<SqliteTrialStore>> store = OpenStore(path);
  EXPECT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("applying schema migration 1"));
  RawDb raw(path);
  EXPECT_EQ(raw.QueryInt64("PRAGMA user_version"), 0);
  EXPECT_EQ(raw.QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'study'"), 0);
}

}  // namespace
}  // namespace hyperd::storage::sqlite
