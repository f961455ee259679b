"""hyperd: a Python client for the hyperd hyperparameter tuning service.

    import hyperd

    study = hyperd.Study.create(
        "mnist-sgd",
        parameters=[hyperd.Float("lr", 1e-4, 1.0, log=True),
                    hyperd.Categorical("optimizer", ["sgd", "adam"])],
        objective=("val_loss", "minimize"), max_trials=30)
    while (trial := study.suggest(wait=True)) is not None:
        with trial:
            for epoch in range(1, 11):
                val_loss = train_one_epoch(trial.params)
                if trial.report(epoch, val_loss):
                    break
            trial.complete(val_loss)
    print(study.best_trial().params)

The server address comes from HYPERD_ADDRESS (default 127.0.0.1:50051), a bearer token from
HYPERD_TOKEN, TLS settings from HYPERD_TLS_CA, HYPERD_TLS_CERT, HYPERD_TLS_KEY and HYPERD_TLS=1
(or hyperd.Client(token=..., tls_ca=..., tls_cert=..., tls_key=..., tls=True)). The generated gRPC stubs are hyperd.v1.hyperd_pb2 and hyperd.v1.hyperd_pb2_grpc.
"""

from hyperd.bandit import Arm
from hyperd.bandit import ArmList
from hyperd.bandit import BanditPull
from hyperd.client import Client
from hyperd.client import DEFAULT_ADDRESS
from hyperd.client import default_client_id
from hyperd.errors import AbortedError
from hyperd.errors import AlreadyExistsError
from hyperd.errors import CancelledError
from hyperd.errors import DataLossError
from hyperd.errors import DeadlineExceededError
from hyperd.errors import FailedPreconditionError
from hyperd.errors import HyperdError
from hyperd.errors import InternalError
from hyperd.errors import InvalidArgumentError
from hyperd.errors import NotFoundError
from hyperd.errors import OutOfRangeError
from hyperd.errors import PermissionDeniedError
from hyperd.errors import ResourceExhaustedError
from hyperd.errors import UnauthenticatedError
from hyperd.errors import UnavailableError
from hyperd.errors import UnimplementedError
from hyperd.space import Categorical
from hyperd.space import Condition
from hyperd.space import Float
from hyperd.space import Int
from hyperd.lr_scheduler import TrialLR
from hyperd.schedule import Schedule
from hyperd.schedule import learning_rate_at
from hyperd.schedule import learning_rates
from hyperd.schedule import shape_at
from hyperd.schedule_tools import RefinedSchedule
from hyperd.schedule_tools import ScheduleBound
from hyperd.schedule_tools import SchedulePlan
from hyperd.schedule_tools import plan_schedules
from hyperd.schedule_tools import refine_schedule
from hyperd.step_reporter import HypergradientDot
from hyperd.step_reporter import StepReporter
from hyperd.step_reporter import gradient_norms
from hyperd.study import Study
from hyperd.trial import Report
from hyperd.trial import Trial

__version__ = "0.1.0"

__all__ = [
    "AbortedError", "AlreadyExistsError", "Arm", "ArmList", "BanditPull", "CancelledError",
    "Categorical", "Client", "Condition", "DEFAULT_ADDRESS", "DataLossError",
    "DeadlineExceededError", "FailedPreconditionError", "Float", "HyperdError", "Int",
    "InternalError", "InvalidArgumentError", "NotFoundError", "OutOfRangeError",
    "PermissionDeniedError", "Report", "ResourceExhaustedError", "Study", "Trial",
    "UnauthenticatedError", "UnavailableError", "UnimplementedError", "default_client_id",
    # Learning-rate schedules (schedule.py, lr_scheduler.py, step_reporter.py, schedule_tools.py)
    "HypergradientDot", "RefinedSchedule", "Schedule", "ScheduleBound", "SchedulePlan",
    "StepReporter", "TrialLR", "gradient_norms", "learning_rate_at", "learning_rates",
    "plan_schedules", "refine_schedule", "shape_at",
]
