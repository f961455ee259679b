"""What a bandit study reports: its arms (Study.arms()) and each trial's pull (Trial.bandit).

    study = hyperd.Study.create(
        "solver", parameters=[hyperd.Categorical("method", ["cg", "gmres", "bicgstab"])],
        objective=("iterations", "minimize"),
        sampler={"ucb1": {"reward": {"scale": "CAPPED_COST", "cap": 1000}}})
    ...  # suggest, run, complete
    arms = study.arms()
    print(arms.algorithm, arms.rewards_applied)
    best = max(arms, key=lambda a: a.mean_reward)
    print(best.parameters, best.pulls, best.mean_reward)
"""

import collections

from hyperd.space import value_from_proto

# What the policy believes about one arm (hyperd.v1.ArmStatistics):
#   arm: index among the study's arms (the order of ListArms);
#   parameters: {name: value} of the arm's point of the search space;
#   pulls: rewards applied to it; pending: its open trials (rewards not arrived yet);
#   effective_pulls: the pull count behind mean_reward (smaller than pulls when a drift setting
#       forgets old rewards);
#   mean_reward: the estimated mean reward in [0, 1]; lower_bound, upper_bound: the policy's
#       interval around it (UCB: -/+ its bonus, Thompson: -/+ 2 posterior standard deviations,
#       EXP3/Tsallis-INF/LinUCB: a 95 % Hoeffding interval);
#   selection_probability: the chance that the next suggestion picks it (1 for the arm UCB picks
#       next; 0 for Thompson and LinUCB, whose choice depends on the draw or the context).
Arm = collections.namedtuple(
    "Arm", "arm parameters pulls pending effective_pulls mean_reward lower_bound upper_bound "
           "selection_probability")

# The bandit decision behind a trial (hyperd.v1.BanditPull):
#   arm: the arm's index; probability: the probability it was drawn with (1 for argmax policies);
#   reward: the reward applied when the trial finished, or None (not yet, or a failure that
#       teaches nothing); reward_sequence: 1 for the study's first applied reward, 2 for the
#       next, ...; 0 while none is applied.
BanditPull = collections.namedtuple("BanditPull", "arm probability reward reward_sequence")


class ArmList(list):
    """The arms of a bandit study (a list of Arm, in arm order), with the policy's totals.

    Attributes:
        algorithm: "ucb1", "thompson", "exp3", "tsallis_inf" or "linucb".
        arm_count: the number of arms.
        rewards_applied: rewards the policy has learned from.
    """

    def __init__(self, arms=(), algorithm="", arm_count=0, rewards_applied=0):
        super().__init__(arms)
        self.algorithm = algorithm
        self.arm_count = arm_count
        self.rewards_applied = rewards_applied

    def __repr__(self):
        return (f"ArmList(algorithm={self.algorithm!r}, arm_count={self.arm_count}, "
                f"rewards_applied={self.rewards_applied}, arms={list.__repr__(self)})")


def arm_from_proto(proto):
    """Arm from a hyperd.v1.ArmStatistics message."""
    return Arm(arm=proto.arm, parameters={p.name: value_from_proto(p) for p in proto.parameters},
               pulls=proto.pulls, pending=proto.pending, effective_pulls=proto.effective_pulls,
               mean_reward=proto.mean_reward, lower_bound=proto.lower_bound,
               upper_bound=proto.upper_bound, selection_probability=proto.selection_probability)


def pull_from_proto(trial_proto):
    """BanditPull of a hyperd.v1.Trial, or None when no bandit policy handed the trial out."""
    if not trial_proto.HasField("bandit"):
        return None
    pull = trial_proto.bandit
    return BanditPull(arm=pull.arm, probability=pull.probability,
                      reward=pull.reward if pull.HasField("reward") else None,
                      reward_sequence=pull.reward_sequence)
