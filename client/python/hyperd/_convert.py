"""Conversions between Python values and protobuf well-known types (internal)."""

import datetime
import numbers

from google.protobuf import duration_pb2


def to_duration(value, field):
    """Returns a Duration for seconds (int/float) or a datetime.timedelta; `field` names errors."""
    if isinstance(value, datetime.timedelta):
        delta = value
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        delta = datetime.timedelta(seconds=float(value))
    else:
        raise TypeError(f"{field}={value!r}: pass seconds (a number) or a datetime.timedelta")
    duration = duration_pb2.Duration()
    duration.FromTimedelta(delta)
    return duration


def to_datetime(message, field):
    """Returns message.<field> as an aware UTC datetime, or None when the field is unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=datetime.timezone.utc)
