#include "algorithms/samplers/bandit/linucb_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "absl/strings/str_cat.h"
#include "algorithms/samplers/bandit/bandit_state_codec.h"
#include "algorithms/samplers/bandit/policy_support.h"
#include "common/status_macros.h"

namespace hyperd::algorithms {
namespace {

using MatrixMap = Eigen::Map<Eigen::MatrixXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;

constexpr double kMaxEntry = 1e300;

absl::string_view TargetName(LinUcbTarget target) {
  return target == LinUcbTarget::kReward ? "reward" : "negative_loss";
}

}  // namespace

LinUcbPolicy::LinUcbPolicy(const LinUcbSettings& settings, int arm_count)
    : arm_count_(arm_count),
      dimension_(settings.context_dimension),
      settings_(settings),
      signature_(absl::StrCat("linucb arms=", arm_count, " dimension=", settings.context_dimension,
                              " alpha=", EncodeStateDouble(settings.alpha),
                              " ridge=", EncodeStateDouble(settings.ridge),
                              " target=", TargetName(settings.target),
                              " refresh_interval=", settings.refresh_interval)),
      a_(Offset(arm_count), 0.0),
      a_inverse_(Offset(arm_count), 0.0),
      b_(static_cast<size_t>(arm_count) * dimension_, 0.0),
      theta_(static_cast<size_t>(arm_count) * dimension_, 0.0),
      updates_since_refresh_(arm_count, 0),
      tally_(arm_count) {
  for (int arm = 0; arm < arm_count_; ++arm) {
    MatrixMap(Matrix(a_, arm), dimension_, dimension_).diagonal().setConstant(settings_.ridge);
    MatrixMap(Matrix(a_inverse_, arm), dimension_, dimension_)
        .diagonal()
        .setConstant(1 / settings_.ridge);
  }
}

void LinUcbPolicy::MeanAndWidth(int arm, const double* x, double* mean, double* width) const {
  const ConstVectorMap context(x, dimension_);
  const ConstMatrixMap inverse(Matrix(a_inverse_, arm), dimension_, dimension_);
  *mean = ConstVectorMap(theta_.data() + static_cast<size_t>(arm) * dimension_, dimension_)
              .dot(context);
  double quadratic = 0;  // column by column: no temporary vector per arm
  for (int j = 0; j < dimension_; ++j) quadratic += x[j] * inverse.col(j).dot(context);
  *width = std::max(0.0, quadratic);
}

double LinUcbPolicy::Score(int arm, absl::Span<const double> context) const {
  double mean = 0;
  double width = 0;
  MeanAndWidth(arm, context.data(), &mean, &width);
  return mean + settings_.alpha * std::sqrt(width);
}

absl::StatusOr<BanditDecision> LinUcbPolicy::Select(absl::Span<const int64_t> pending,
                                                    absl::Span<const double> context,
                                                    uint64_t /*decision_seed*/) const {
  int64_t total_pending = 0;
  RETURN_IF_ERROR(CheckPending(pending, arm_count_, &total_pending));
  RETURN_IF_ERROR(CheckContext(context, dimension_));
  int best = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int arm = 0; arm < arm_count_; ++arm) {
    double mean = 0;
    double width = 0;
    MeanAndWidth(arm, context.data(), &mean, &width);
    const double virtual_pulls = static_cast<double>(PendingOf(pending, arm));
    width /= 1 + virtual_pulls * width;
    const double score = mean + settings_.alpha * std::sqrt(width);
    if (score > best_score) {  // strict: ties keep the lowest index
      best_score = score;
      best = arm;
    }
  }
  return BanditDecision{best, 1};
}

void LinUcbPolicy::RefreshInverse(int arm) {
  const ConstMatrixMap a(Matrix(a_, arm), dimension_, dimension_);
  MatrixMap inverse(Matrix(a_inverse_, arm), dimension_, dimension_);
  inverse = a.llt().solve(Eigen::MatrixXd::Identity(dimension_, dimension_));
  updates_since_refresh_[arm] = 0;
}

absl::Status LinUcbPolicy::Update(int arm, double reward, double probability,
                                  absl::Span<const double> context, uint64_t /*decision_seed*/) {
  RETURN_IF_ERROR(CheckFeedback(arm, reward, probability, arm_count_));
  RETURN_IF_ERROR(CheckContext(context, dimension_));
  const ConstVectorMap x(context.data(), dimension_);
  MatrixMap a(Matrix(a_, arm), dimension_, dimension_);
  MatrixMap inverse(Matrix(a_inverse_, arm), dimension_, dimension_);
  VectorMap b(b_.data() + static_cast<size_t>(arm) * dimension_, dimension_);
  VectorMap theta(theta_.data() + static_cast<size_t>(arm) * dimension_, dimension_);

  a.noalias() += x * x.transpose();
  if (++updates_since_refresh_[arm] >= settings_.refresh_interval) {
    RefreshInverse(arm);
  } else {
    const Eigen::VectorXd u = inverse * x;
    inverse.noalias() -= (u * u.transpose()) / (1 + x.dot(u));
    inverse = 0.5 * (inverse + inverse.transpose()).eval();
  }
  const double target = settings_.target == LinUcbTarget::kNegativeLoss ? reward - 1 : reward;
  b += target * x;
  theta.noalias() = inverse * b;
  tally_.Record(arm, reward);
  return absl::OkStatus();
}

std::vector<ArmSummary> LinUcbPolicy::Summary() const { return tally_.Summaries(); }

std::string LinUcbPolicy::SerializeState() const {
  StateWriter writer;
  WriteStateHeader(signature_, &writer);
  tally_.Write(&writer);
  writer.Field("updates_since_refresh");
  writer.Ints(updates_since_refresh_);
  writer.Field("a");
  writer.Doubles(a_);
  writer.Field("a_inverse");
  writer.Doubles(a_inverse_);
  writer.Field("b");
  writer.Doubles(b_);
  writer.Field("theta");
  writer.Doubles(theta_);
  return std::move(writer).Finish();
}

absl::Status LinUcbPolicy::RestoreState(absl::string_view state) {
  StateReader reader(state);
  RETURN_IF_ERROR(ReadStateHeader(signature_, &reader));
  ASSIGN_OR_RETURN(ArmTally tally, ArmTally::Read(&reader, arm_count_));
  std::vector<int64_t> since_refresh;
  RETURN_IF_ERROR(reader.Ints("updates_since_refresh", arm_count_, 0,
                              settings_.refresh_interval - 1, &since_refresh));
  const size_t matrix_size = Offset(arm_count_);
  const size_t vector_size = static_cast<size_t>(arm_count_) * dimension_;
  std::vector<double> a;
  std::vector<double> inverse;
  std::vector<double> b;
  std::vector<double> theta;
  RETURN_IF_ERROR(reader.Doubles("a", matrix_size, -kMaxEntry, kMaxEntry, &a));
  RETURN_IF_ERROR(reader.Doubles("a_inverse", matrix_size, -kMaxEntry, kMaxEntry, &inverse));
  RETURN_IF_ERROR(reader.Doubles("b", vector_size, -kMaxEntry, kMaxEntry, &b));
  RETURN_IF_ERROR(reader.Doubles("theta", vector_size, -kMaxEntry, kMaxEntry, &theta));
  RETURN_IF_ERROR(reader.Finish());
  tally_ = std::move(tally);
  updates_since_refresh_ = std::move(since_refresh);
  a_ = std::move(a);
  a_inverse_ = std::move(inverse);
  b_ = std::move(b);
  theta_ = std::move(theta);
  return absl::OkStatus();
}

}  // namespace hyperd::algorithms
