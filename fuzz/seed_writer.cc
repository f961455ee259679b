// Writes the committed seed corpora (fuzz/corpus/<target>/): valid inputs in each target's
// format, so fuzzing starts from requests that get past validation and reach deep code.
//
//   fuzz_seed_writer /work/main/fuzz/corpus   # then review and commit the files
//
// The storage seeds are real databases: each study is driven through a Runtime over a SQLite
// store and its rows are read back, so they hold what the store actually writes.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/quiet_logs.h"
#include "fuzz/scratch_dir.h"
#include "google/protobuf/text_format.h"
#include "hyperd/v1/hyperd.pb.h"
#include "server/clock.h"
#include "server/request_validation.h"
#include "server/runtime.h"
#include "server/worker_pool.h"
#include "storage/sqlite/sqlite_trial_store.h"
#include "storage/sqlite/step_columns.h"
#include "tests/testing/messages.h"

namespace hyperd::fuzz {
namespace {

namespace v1 = hyperd::v1;

template <typename Message>
Message Text(const std::string& text) {
  Message message;
  Check(google::protobuf::TextFormat::ParseFromString(text, &message), "seed text parses");
  return message;
}

// Studies covering each sampler family, scheduler and the schedule features.
const std::vector<std::pair<std::string, std::string>>& Studies() {
  static const auto* const kStudies = new std::vector<std::pair<std::string, std::string>>{
      // The integration tests' basic study (tests/testing/messages.h) with limits.
      {"random", std::string(testing::kBasicStudyText) + R"pb(limits {
                                                                max_trials: 20
                                                                max_parallel_trials: 4
                                                                lease_duration { seconds: 60 }
                                                              })pb"},
      {"tpe_median", R"pb(spec {
                            search_space {
                              parameters {
                                name: "x"
                                double_spec { min: -5 max: 5 }
                              }
                              parameters {
                                name: "y"
                                integer_spec { min: 0 max: 10 step: 2 }
                              }
                            }
                            objective { metric: "loss" }
                            sampler { tpe { n_startup_trials: 2 } }
                            scheduler { median { warmup_steps: 1 n_startup_trials: 1 } }
                            resource { max_resource: 8 }
                            seed: 11
                          })pb"},
      {"grid", R"pb(spec {
                      search_space {
                        parameters {
                          name: "a"
                          integer_spec { min: 1 max: 3 }
                        }
                        parameters {
                          name: "b"
                          categorical_spec { values: "p" values: "q" }
                        }
                      }
                      objective { metric: "acc" goal: MAXIMIZE }
                      sampler { grid { shuffle: true } }
                      seed: 5
                    })pb"},
      {"bohb_hyperband", R"pb(spec {
                                search_space {
                                  parameters {
                                    name: "x"
                                    double_spec { min: 0 max: 1 }
                                  }
                                }
                                objective { metric: "loss" }
                                sampler { bohb {} }
                                scheduler { hyperband { min_resource: 1 reduction_factor: 3 } }
                                resource { max_resource: 9 }
                                seed: 13
                              })pb"},
      {"gp_sha", R"pb(spec {
                        search_space {
                          parameters {
                            name: "x"
                            double_spec { min: 0 max: 1 }
                          }
                          parameters {
                            name: "y"
                            double_spec { min: 0 max: 1 }
                          }
                        }
                        objective { metric: "loss" }
                        sampler { gp { n_startup_trials: 2 } }
                        scheduler { successive_halving { min_resource: 1 reduction_factor: 2 } }
                        resource { max_resource: 4 }
                        seed: 17
                      })pb"},
      {"ucb1", R"pb(spec {
                      search_space {
                        parameters {
                          name: "arm"
                          categorical_spec { values: "a" values: "b" values: "c" }
                        }
                      }
                      objective { metric: "reward" goal: MAXIMIZE }
                      sampler { ucb1 {} }
                      seed: 7
                    })pb"},
      {"thompson_discounted",
       R"pb(spec {
              search_space {
                parameters {
                  name: "arm"
                  integer_spec { min: 0 max: 3 }
                }
              }
              objective { metric: "reward" goal: MAXIMIZE }
              sampler { thompson { drift { kind: DISCOUNTED discount: 0.9 } } }
              seed: 9
            })pb"},
      {"linucb", R"pb(spec {
                        search_space {
                          parameters {
                            name: "arm"
                            categorical_spec { values: "a" values: "b" }
                          }
                        }
                        objective { metric: "reward" goal: MAXIMIZE }
                        sampler { linucb {} }
                        context_dimension: 2
                        seed: 3
                      })pb"},
      {"schedule_hypergradient",
       R"pb(spec {
              search_space {
                parameters {
                  name: "lr"
                  double_spec { min: 0.001 max: 1 scale: LOG }
                }
                parameters {
                  name: "shape"
                  categorical_spec { values: "linear" values: "cosine" values: "wsd" }
                }
                parameters {
                  name: "warm"
                  double_spec { min: 0 max: 0.2 }
                }
              }
              objective { metric: "loss" }
              resource { max_resource: 100 }
              schedule {
                parameter_fields { key: "lr" value: "base_lr" }
                parameter_fields { key: "shape" value: "family" }
                parameter_fields { key: "warm" value: "warmup_fraction" }
                online { rule: HYPERGRADIENT }
              }
              seed: 3
            })pb"},
  };
  return *kStudies;
}

void WriteSeed(const std::filesystem::path& dir, const std::string& name,
               const std::string& bytes) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << bytes;
  Check(out.good(), "the seed file is written");
}

// --- request_validation -------------------------------------------------------------------

void WriteRequestValidationSeeds(const std::filesystem::path& dir) {
  for (const auto& [name, text] : Studies()) {
    v1::CreateStudyRequest request;
    request.set_study_id("fuzz");
    *request.mutable_study() = Text<v1::Study>(text);
    WriteSeed(dir, "create_study_" + name,
              FuzzOutput().AddByte(0).AddMessage(request).AddUint64(42).bytes());
  }
  WriteSeed(dir, "trial_name", FuzzOutput().AddByte(1).AddChunk("studies/fuzz/trials/3").bytes());
  WriteSeed(dir, "study_name", FuzzOutput().AddByte(1).AddChunk("studies/mnist-lr.1").bytes());
  WriteSeed(dir, "report_measurement",
            FuzzOutput()
                .AddByte(2)
                .AddMessage(Text<v1::ReportMeasurementRequest>(
                    R"pb(name: "studies/fuzz/trials/0"
                         measurement {
                           step: 3
                           metrics { key: "loss" value: 0.5 }
                         }
                         client_id: "w")pb"))
                .bytes());
  WriteSeed(dir, "update_study",
            FuzzOutput()
                .AddByte(3)
                .AddMessage(Text<v1::UpdateStudyRequest>(
                    R"pb(study {
                           name: "studies/fuzz"
                           limits {
                             max_trials: 5
                             lease_duration { seconds: 30 }
                             target_value: 0.1
                           }
                         }
                         update_mask { paths: "limits" })pb"))
                .bytes());
  WriteSeed(dir, "create_trial",
            FuzzOutput()
                .AddByte(4)
                .AddMessage(Text<v1::CreateTrialRequest>(
                    R"pb(parent: "studies/fuzz"
                         trial {
                           parameters { name: "lr" double_value: 0.01 }
                           parameters { name: "layers" int_value: 2 }
                           parameters { name: "optimizer" categorical_value: "sgd" }
                         })pb"))
                .bytes());
  WriteSeed(dir, "list_trials",
            FuzzOutput()
                .AddByte(5)
                .AddMessage(Text<v1::ListTrialsRequest>(R"pb(parent: "studies/fuzz"
                                                             page_size: 10
                                                             states: ACTIVE)pb"))
                .AddUint64(7)
                .bytes());
  WriteSeed(dir, "suggest_trials",
            FuzzOutput()
                .AddByte(6)
                .AddMessage(Text<v1::SuggestTrialsRequest>(R"pb(parent: "studies/fuzz"
                                                                count: 2
                                                                client_id: "w"
                                                                context: 0.5)pb"))
                .bytes());
  WriteSeed(dir, "refine_schedule",
            FuzzOutput()
                .AddByte(7)
                .AddMessage(Text<v1::RefineScheduleRequest>(
                    R"pb(steps: 0
                         steps: 10
                         steps: 20
                         steps: 30
                         norms: 4
                         norms: 3
                         norms: 2.5
                         norms: 2
                         output_steps: 40)pb"))
                .bytes());
  WriteSeed(dir, "plan_schedules",
            FuzzOutput()
                .AddByte(8)
                .AddMessage(Text<v1::PlanSchedulesRequest>(
                    R"pb(schedules { family: COSINE total_steps: 100 }
                         schedules {
                           family: WSD
                           total_steps: 100
                           wsd { cooldown_fraction: 0.2 }
                         }
                         horizon: 100
                         tuned_base_lr: 0.1
                         extension { first_horizon: 100 second_horizon: 200 })pb"))
                .bytes());
}

// --- runtime ------------------------------------------------------------------------------

// Operation bytes of runtime_fuzzer.cc.
enum RuntimeOp : uint8_t {
  kCreateStudy = 0,
  kSuggestTrials = 1,
  kCreateTrial = 2,
  kReportMeasurement = 3,
  kReportSteps = 4,
  kHeartbeat = 5,
  kCompleteTrial = 6,
  kFailTrial = 7,
  kStopTrial = 8,
  kListTrials = 15,
  kCheckTrialEarlyStopping = 16,
  kListOptimalTrials = 17,
  kListArms = 18,
  kAdvanceClockAndReap = 19,
  kRestart = 20,
};

std::string Metric(const v1::Study& study) { return study.spec().objective().metric(); }

// A study's life: create, suggest, report, complete, restart, more of the same, read.
std::string RuntimeScript(const v1::Study& study) {
  v1::CreateStudyRequest create;
  create.set_study_id("fuzz");
  *create.mutable_study() = study;
  v1::SuggestTrialsRequest suggest;
  suggest.set_count(3);
  suggest.set_client_id("w");
  for (int i = 0; i < study.spec().context_dimension(); ++i) suggest.add_context(0.25 * (i + 1));
  FuzzOutput out;
  out.AddByte(kCreateStudy).AddByte(0).AddMessage(create);
  out.AddByte(kSuggestTrials).AddByte(0).AddMessage(suggest);
  for (int trial = 0; trial < 3; ++trial) {
    for (int step = 1; step <= 3; ++step) {
      v1::ReportMeasurementRequest report;
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())[Metric(study)] = 1.0 / (step + trial);
      out.AddByte(kReportMeasurement).AddByte(trial).AddMessage(report);
    }
  }
  if (study.spec().has_schedule()) {
    v1::ReportStepsRequest steps;
    for (int t = 0; t < 4; ++t) {
      v1::StepReport* report = steps.add_steps();
      report->set_step(t);
      report->set_lr_applied(0.01);
      report->set_loss(2.0 - 0.1 * t);
      report->set_grad_norm_l2(1.0);
      report->set_hd_dot(0.01 * t);
    }
    out.AddByte(kReportSteps).AddByte(0).AddMessage(steps);
  }
  out.AddByte(kHeartbeat)
      .AddByte(1)
      .AddMessage(Text<v1::HeartbeatRequest>(R"pb(client_id: "w")pb"));
  out.AddByte(kCheckTrialEarlyStopping).AddByte(1).AddChunk("");
  out.AddByte(kCompleteTrial).AddByte(0).AddChunk("");
  out.AddByte(kRestart).AddByte(0);
  out.AddByte(kFailTrial).AddByte(1).AddMessage(Text<v1::FailTrialRequest>(R"pb(reason: "oom")pb"));
  out.AddByte(kStopTrial).AddByte(2).AddChunk("");
  out.AddByte(kCompleteTrial).AddByte(2).AddChunk("");
  v1::CreateTrialRequest create_trial;
  out.AddByte(kCreateTrial).AddByte(0).AddMessage(create_trial);
  out.AddByte(kSuggestTrials).AddByte(0).AddMessage(suggest);
  out.AddByte(kAdvanceClockAndReap).AddByte(30);
  out.AddByte(kListTrials).AddByte(0).AddChunk("");
  out.AddByte(kListOptimalTrials).AddByte(0).AddChunk("");
  out.AddByte(kListArms).AddByte(0).AddChunk("");
  return out.bytes();
}

void WriteRuntimeSeeds(const std::filesystem::path& dir) {
  for (const auto& [name, text] : Studies()) {
    WriteSeed(dir, "life_" + name, RuntimeScript(Text<v1::Study>(text)));
  }
}

// --- storage ------------------------------------------------------------------------------

// Table bytes of storage_fuzzer.cc; study id byte 0 is "fuzz".
std::string RowsOf(const storage::StudySnapshot& snapshot) {
  FuzzOutput out;
  const v1::Study& study = snapshot.study.study;
  out.AddByte(0).AddByte(0).AddByte(static_cast<uint8_t>(study.state()));
  out.AddUint64(static_cast<uint64_t>(study.create_time().seconds()) * 1'000'000);
  out.AddMessage(study).AddChunk(snapshot.study.sampler_state);
  for (const storage::TrialRecord& trial : snapshot.trials) {
    out.AddByte(1).AddByte(0).AddByte(static_cast<uint8_t>(trial.trial.number()));
    out.AddByte(static_cast<uint8_t>(trial.trial.state()));
    out.AddUint64(static_cast<uint64_t>(trial.trial.lease_expire_time().seconds()) * 1'000'000);
    out.AddMessage(trial.trial);
  }
  for (const storage::MeasurementRecord& m : snapshot.measurements) {
    out.AddByte(2).AddByte(0).AddByte(static_cast<uint8_t>(m.trial_number));
    out.AddUint64(static_cast<uint64_t>(m.measurement.step())).AddMessage(m.measurement);
  }
  for (const storage::StepRecord& s : snapshot.steps) {
    out.AddByte(3).AddByte(0).AddByte(static_cast<uint8_t>(s.trial_number));
    out.AddUint64(static_cast<uint64_t>(s.report.step()));
    const storage::sqlite::StepColumns columns = storage::sqlite::EncodeStepColumns(s.report);
    uint8_t nulls = 0;
    for (int i = 0; i < storage::sqlite::kStepValueColumns; ++i) {
      if (!columns.values[i].has_value()) nulls |= 1 << i;
    }
    out.AddByte(nulls);
    for (int i = 0; i < storage::sqlite::kStepValueColumns; ++i) {
      if (!columns.values[i].has_value()) continue;
      uint64_t bits;
      std::memcpy(&bits, &*columns.values[i], sizeof(bits));
      out.AddUint64(bits);
    }
    out.AddUint64(static_cast<uint64_t>(columns.special_values));
  }
  return out.bytes();
}

// Drives `study` through a real runtime and store (create, suggest, report, steps, complete) and
// returns what the store then holds.
std::vector<storage::StudySnapshot> StoredAfter(const v1::Study& study) {
  ClearScratchDir();
  {
    server::ManualClock clock;
    storage::SqliteTrialStore::Options options;
    options.path = ScratchDir() + "/hyperd.db";
    options.durability = storage::Durability::kNormal;
    options.idle_checkpoint_after = absl::InfiniteDuration();
    auto store = storage::SqliteTrialStore::Open(options);
    CheckStatus(store.status(), "seed store opens");
    server::WorkerPool pool(1, 100);
    server::Runtime runtime(store->get(), &clock, &pool);
    CheckStatus(runtime.Load(), "seed runtime loads");
    v1::CreateStudyRequest create;
    create.set_study_id("fuzz");
    *create.mutable_study() = study;
    absl::Notification created;
    runtime.CreateStudy(create, [&](absl::StatusOr<v1::Study> s) {
      CheckStatus(s.status(), "seed study is valid");
      created.Notify();
    });
    created.WaitForNotification();
    v1::SuggestTrialsRequest suggest;
    suggest.set_parent("studies/fuzz");
    suggest.set_count(2);
    suggest.set_client_id("w");
    for (int i = 0; i < study.spec().context_dimension(); ++i) suggest.add_context(0.5);
    absl::Notification suggested;
    runtime.SuggestTrials(suggest, [&](absl::StatusOr<v1::SuggestTrialsResponse> s) {
      CheckStatus(s.status(), "seed suggestion");
      suggested.Notify();
    });
    suggested.WaitForNotification();
    for (int step = 1; step <= 2; ++step) {
      v1::ReportMeasurementRequest report;
      report.set_name("studies/fuzz/trials/0");
      report.mutable_measurement()->set_step(step);
      (*report.mutable_measurement()->mutable_metrics())[Metric(study)] = 1.0 / step;
      absl::Notification reported;
      runtime.ReportMeasurement(report, [&](auto) { reported.Notify(); });
      reported.WaitForNotification();
    }
    if (study.spec().has_schedule()) {
      v1::ReportStepsRequest steps;
      steps.set_name("studies/fuzz/trials/0");
      for (int t = 0; t < 3; ++t) {
        v1::StepReport* report = steps.add_steps();
        report->set_step(t);
        report->set_lr_applied(0.01);
        report->set_loss(t == 1 ? -0.0 : 1.0);
        report->set_hd_dot(0.001);
      }
      absl::Notification reported;
      runtime.ReportSteps(steps, [&](auto s) {
        CheckStatus(s.status(), "seed steps");
        reported.Notify();
      });
      reported.WaitForNotification();
    }
    v1::CompleteTrialRequest complete;
    complete.set_name("studies/fuzz/trials/0");
    absl::Notification completed;
    runtime.CompleteTrial(complete, [&](auto) { completed.Notify(); });
    completed.WaitForNotification();
    (*store)->Flush();
    auto loaded = (*store)->LoadAll();
    CheckStatus(loaded.status(), "seed database loads");
    return *std::move(loaded);
  }
}

void WriteStorageSeeds(const std::filesystem::path& dir) {
  for (const auto& [name, text] : Studies()) {
    for (const storage::StudySnapshot& snapshot : StoredAfter(Text<v1::Study>(text))) {
      WriteSeed(dir, "db_" + name, RowsOf(snapshot));
    }
  }
}

}  // namespace
}  // namespace hyperd::fuzz

int main(int argc, char** argv) {
  using namespace hyperd::fuzz;  // NOLINT
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus-root>  (writes <root>/<target>/<seed>)\n", argv[0]);
    return 2;
  }
  SilenceLogs();
  const std::filesystem::path root = argv[1];
  WriteRequestValidationSeeds(root / "request_validation_fuzzer");
  WriteRuntimeSeeds(root / "runtime_fuzzer");
  WriteStorageSeeds(root / "storage_fuzzer");
  return 0;
}
