#include "server/dashboard/revision.h"

#include <cstring>

#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace hyperd::server::dashboard {

void Fnv1a::Bytes(absl::string_view bytes) {
  constexpr uint64_t kPrime = 1099511628211ULL;
  for (const char c : bytes) {
    hash_ ^= static_cast<unsigned char>(c);
    hash_ *= kPrime;
  }
}

void Fnv1a::Int(int64_t value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  Bytes(absl::string_view(bytes, sizeof(bytes)));
}

void Fnv1a::Double(double value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  Bytes(absl::string_view(bytes, sizeof(bytes)));
}

void Fnv1a::Message(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  Int(static_cast<int64_t>(bytes.size()));
  Bytes(bytes);
}

std::string RevisionString(uint64_t hash) { return absl::StrFormat("%016x", hash); }

std::string StudyRevision(const hyperd::v1::Study& study,
                          const std::vector<hyperd::v1::Trial>& trials,
                          const std::vector<std::shared_ptr<const Curve>>& curves) {
  Fnv1a hash;
  hash.Message(study);
  hash.Int(static_cast<int64_t>(trials.size()));
  for (size_t i = 0; i < trials.size(); ++i) {
    const hyperd::v1::Trial& trial = trials[i];
    hash.Int(trial.number());
    hash.Int(trial.state());
    hash.Bytes(trial.reason());
    const Curve* curve = i < curves.size() ? curves[i].get() : nullptr;
    hash.Int(curve == nullptr ? -1 : static_cast<int64_t>(curve->steps.size()));
    if (curve != nullptr && !curve->steps.empty()) {
      hash.Int(curve->steps.back());
      hash.Double(curve->values.back());
    }
    hash.Int(trial.has_objective_value());
    hash.Double(trial.objective_value());
    hash.Int(trial.has_stopped_at_step() ? trial.stopped_at_step() : -1);
    hash.Int(trial.end_time().seconds());
    hash.Int(trial.end_time().nanos());
    if (trial.has_schedule()) hash.Message(trial.schedule());
    if (trial.has_bandit()) hash.Message(trial.bandit());
  }
  return RevisionString(hash.value());
}

std::string TrialRevision(const hyperd::v1::Study& study, const hyperd::v1::Trial& trial) {
  Fnv1a hash;
  hash.Int(study.state());
  hash.Message(trial);
  return RevisionString(hash.value());
}

}  // namespace hyperd::server::dashboard
