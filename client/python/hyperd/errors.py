"""Exceptions raised by the hyperd client: one class per canonical gRPC status code.

Every failed RPC raises a `HyperdError` subclass that carries the gRPC `code`, the server's
`message` (which names the field, what was wrong and how to fix it) and the `method` called:

    try:
        study = hyperd.Study.get("missing")
    except hyperd.NotFoundError as e:
        print(e.code, e.message)
"""

import grpc


class HyperdError(Exception):
    """A hyperd RPC failed. Subclasses name the status code; `code` is a grpc.StatusCode."""

    code = grpc.StatusCode.UNKNOWN

    def __init__(self, message, code=None, method=None):
        if code is not None:
            self.code = code
        self.message = message
        self.method = method
        prefix = f"{method}: " if method else ""
        super().__init__(f"{prefix}{self.code.name}: {message}")


class CancelledError(HyperdError):
    code = grpc.StatusCode.CANCELLED


class InvalidArgumentError(HyperdError):
    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceededError(HyperdError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFoundError(HyperdError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExistsError(HyperdError):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDeniedError(HyperdError):
    """The token is valid but its role (viewer < worker < admin) or studies do not allow the
    call: ask the server's operator for a token with the needed role. Never retried."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhaustedError(HyperdError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPreconditionError(HyperdError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class AbortedError(HyperdError):
    code = grpc.StatusCode.ABORTED


class OutOfRangeError(HyperdError):
    code = grpc.StatusCode.OUT_OF_RANGE


class UnimplementedError(HyperdError):
    code = grpc.StatusCode.UNIMPLEMENTED


class InternalError(HyperdError):
    code = grpc.StatusCode.INTERNAL


class UnavailableError(HyperdError):
    """The server could not be reached or is shutting down, even after the client's retries."""

    code = grpc.StatusCode.UNAVAILABLE


class DataLossError(HyperdError):
    code = grpc.StatusCode.DATA_LOSS


class UnauthenticatedError(HyperdError):
    """No valid token (missing, unknown or expired): set HYPERD_TOKEN or pass
    hyperd.Client(token=...). Never retried."""

    code = grpc.StatusCode.UNAUTHENTICATED


_BY_CODE = {cls.code: cls for cls in (
    CancelledError, InvalidArgumentError, DeadlineExceededError, NotFoundError,
    AlreadyExistsError, PermissionDeniedError, ResourceExhaustedError, FailedPreconditionError,
    AbortedError, OutOfRangeError, UnimplementedError, InternalError, UnavailableError,
    DataLossError, UnauthenticatedError)}


def error_from_rpc(error, method=None):
    """Converts a grpc.RpcError into the matching HyperdError subclass instance."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    cls = _BY_CODE.get(code, HyperdError)
    return cls(message or "", code=code, method=method)
