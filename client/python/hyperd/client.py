"""The connection to a hyperd server: channel, credentials, retries and error mapping.

    client = hyperd.Client()                      # HYPERD_ADDRESS or 127.0.0.1:50051
    client = hyperd.Client("tuner:50051", token="s3cret")
    client = hyperd.Client("tuner:50051", tls_ca="ca.crt")            # TLS, server checked by ca.crt
    client = hyperd.Client("tuner:50051", tls_ca="ca.crt", tls_cert="client.crt",
                           tls_key="client.key")                         # mutual TLS
    info = client.server_info()

`Client.call(method, request)` is the one path every RPC takes: it adds the bearer token, applies
the deadline, retries UNAVAILABLE with exponential backoff and turns failures into
`hyperd.HyperdError` subclasses. UNAUTHENTICATED (hyperd.UnauthenticatedError: missing, unknown or
expired token) and PERMISSION_DENIED (hyperd.PermissionDeniedError: the token's role or studies do
not allow the call) are never retried. `Client.stub` is the raw generated stub for anything else.

A Client is one worker identity (its client_id): SuggestTrials gives a worker its own open trials
back first, so threads that must train different trials at once each need their own Client. A
Client is otherwise safe to share between threads. After `os.fork()` a child process gets a fresh
channel and, unless one was given explicitly, a fresh client_id, so forked workers never share a
trial.
"""

import logging
import os
import random
import secrets
import socket
import threading
import time

import grpc

from hyperd import errors

try:
    from hyperd.v1 import hyperd_pb2 as pb
    from hyperd.v1 import hyperd_pb2_grpc as pb_grpc
except ImportError as e:  # pragma: no cover - depends on how the package was built
    raise ImportError(
        "hyperd's generated gRPC stubs (hyperd.v1.hyperd_pb2) are missing: build the CMake "
        "target hyperd_python and use PYTHONPATH=<build>/python, install with "
        "`pip install ./client/python`, or run client/python/generate_stubs.py --out DIR") from e

DEFAULT_ADDRESS = "127.0.0.1:50051"
_LOG = logging.getLogger("hyperd")


def _env_flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _check_token(token, source):
    """Raises ValueError (never echoing the secret) unless `token` is printable ASCII without
    spaces, which is what gRPC metadata can carry."""
    for i, ch in enumerate(token):
        if not "!" <= ch <= "~":
            what = {"\n": "a line break", "\r": "a line break", " ": "a space"}.get(
                ch, "a non-printable or non-ASCII")
            raise ValueError(f"{source} holds {what} character at position {i + 1}; a token is "
                             "printable ASCII without spaces (strip trailing newlines)")


def _read_pem(argument, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ValueError(f"{argument}={path!r}: cannot read the file ({e.strerror}); give the "
                         "path of a readable PEM file") from e
    if b"-----BEGIN " not in data:
        raise ValueError(f"{argument}={path!r} holds no PEM block (\"-----BEGIN ...\"); give a "
                         "PEM-encoded " + ("private key" if argument == "tls_key" else
                                           "certificate"))
    return data


def tls_credentials(tls_ca=None, tls_cert=None, tls_key=None):
    """grpc.ChannelCredentials for TLS: the server is checked against the PEM roots in `tls_ca`
    (the system's roots when None); with `tls_cert` and `tls_key` (both or neither) the client
    presents that certificate (mutual TLS). Raises ValueError naming an unreadable file."""
    if bool(tls_cert) != bool(tls_key):
        given, missing = ("tls_cert", "tls_key") if tls_cert else ("tls_key", "tls_cert")
        raise ValueError(f"{given} is given without {missing}; a client certificate needs both "
                         "the certificate and its private key")
    roots = _read_pem("tls_ca", tls_ca) if tls_ca else None
    chain = _read_pem("tls_cert", tls_cert) if tls_cert else None
    key = _read_pem("tls_key", tls_key) if tls_key else None
    return grpc.ssl_channel_credentials(root_certificates=roots, private_key=key,
                                        certificate_chain=chain)


def default_client_id():
    """Returns "hostname:pid:random", unique per process even on one host."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Client:
    """A connection to one hyperd server.

    Args:
        address: "host:port". Default: $HYPERD_ADDRESS, else 127.0.0.1:50051.
        token: bearer token sent as "authorization: Bearer <token>" on every call. Default:
            $HYPERD_TOKEN; "" sends none. Printable ASCII without spaces (else ValueError).
        timeout: deadline of each RPC attempt, in seconds.
        client_id: identifies this worker to SuggestTrials (a worker that asks again gets its own
            open trials back). Default: "hostname:pid:random", renewed after fork.
        max_retries: how many times an UNAVAILABLE call is retried (backoff 0.1 s doubling,
            capped at 5 s, with jitter) before UnavailableError is raised.
        credentials: custom grpc.ChannelCredentials, instead of the tls arguments below.
        options: extra grpc channel options, a list of (key, value) pairs.
        tls_ca: PEM file of the roots that signed the server's certificate; turns TLS on.
            Default: $HYPERD_TLS_CA.
        tls_cert, tls_key: PEM client certificate chain and private key for mutual TLS (a server
            started with --tls-client-ca-file); both or neither; turn TLS on. Default:
            $HYPERD_TLS_CERT, $HYPERD_TLS_KEY.
        tls: TLS with the system's roots (implied by the three above). Default: $HYPERD_TLS=1.
        Without credentials or any TLS setting the channel is plaintext. Certificate files are
        read here, once: ValueError names one that cannot be read.
    """

    def __init__(self, address=None, token=None, timeout=30.0, client_id=None, max_retries=8,
                 credentials=None, options=None, *, tls_ca=None, tls_cert=None, tls_key=None,
                 tls=None):
        self.address = address or os.environ.get("HYPERD_ADDRESS") or DEFAULT_ADDRESS
        if token is None:
            token = os.environ.get("HYPERD_TOKEN")
            if token:
                _check_token(token, "$HYPERD_TOKEN")
        elif token:
            _check_token(token, "token")
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        if credentials is not None:
            if tls or tls_ca or tls_cert or tls_key:
                raise ValueError("credentials is given together with tls/tls_ca/tls_cert/tls_key; "
                                 "give either the credentials or the TLS settings")
        else:
            # Explicit arguments win over the environment, one setting at a time.
            tls_ca = tls_ca if tls_ca is not None else os.environ.get("HYPERD_TLS_CA") or None
            tls_cert = (tls_cert if tls_cert is not None
                        else os.environ.get("HYPERD_TLS_CERT") or None)
            tls_key = tls_key if tls_key is not None else os.environ.get("HYPERD_TLS_KEY") or None
            tls = tls if tls is not None else _env_flag("HYPERD_TLS")
            if tls or tls_ca or tls_cert or tls_key:
                credentials = tls_credentials(tls_ca, tls_cert, tls_key)
        self.timeout = timeout
        self.max_retries = max_retries
        self._explicit_client_id = client_id
        self._credentials = credentials
        self._options = list(options or [])
        self._lock = threading.Lock()
        self._pid = None
        self._channel = None
        self._stub = None
        self._client_id = None

    def __repr__(self):
        return f"hyperd.Client(address={self.address!r}, client_id={self.client_id!r})"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    @property
    def client_id(self):
        """The worker identity sent with SuggestTrials, reports and completions."""
        self._ensure_connected()
        return self._client_id

    @property
    def stub(self):
        """The generated hyperd.v1.Hyperd stub (no retries, no error mapping, no token)."""
        self._ensure_connected()
        return self._stub

    def close(self):
        """Closes the channel; a later call opens a new one."""
        with self._lock:
            if self._channel is not None and self._pid == os.getpid():
                self._channel.close()
            self._channel = None
            self._stub = None
            self._pid = None

    def _ensure_connected(self):
        with self._lock:
            if self._pid == os.getpid():
                return
            # First use, or first use in a forked child: gRPC channels do not survive fork.
            if self._credentials is not None:
                self._channel = grpc.secure_channel(self.address, self._credentials,
                                                    options=self._options)
            else:
                self._channel = grpc.insecure_channel(self.address, options=self._options)
            self._stub = pb_grpc.HyperdStub(self._channel)
            self._client_id = self._explicit_client_id or default_client_id()
            self._pid = os.getpid()

    def call(self, method, request, timeout=None):
        """Calls RPC `method` (e.g. "GetStudy") with `request`; returns the response message.

        Retries UNAVAILABLE up to max_retries times. Raises a hyperd.HyperdError subclass.
        """
        rpc = getattr(self.stub, method)
        timeout = self.timeout if timeout is None else timeout
        delay = 0.1
        for attempt in range(self.max_retries + 1):
            try:
                return rpc(request, timeout=timeout, metadata=self._metadata)
            except grpc.RpcError as e:
                if e.code() != grpc.StatusCode.UNAVAILABLE or attempt == self.max_retries:
                    raise errors.error_from_rpc(e, method) from None
                _LOG.debug("%s: UNAVAILABLE (%s), retry %d in %.2fs", method, e.details(),
                           attempt + 1, delay)
                time.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    def server_info(self):
        """Returns the server's hyperd.v1.ServerInfo (version, durability, start time)."""
        return self.call("GetServerInfo", pb.GetServerInfoRequest())

    def list_studies(self, page_size=None):
        """Yields every study (hyperd.v1.Study messages), following pagination."""
        request = pb.ListStudiesRequest(page_size=page_size or 0)
        while True:
            response = self.call("ListStudies", request)
            yield from response.studies
            if not response.next_page_token:
                return
            request.page_token = response.next_page_token
