#!/usr/bin/python3
"""Unit tests of the Python client's security settings (issue 8, client side), against an
in-process gRPC server whose servicer records the metadata it receives: where the token comes
from, that it is sent on every call, TLS and mutual TLS with the test certificates
(tests/unit/client/testdata), and that refused tokens raise UnauthenticatedError /
PermissionDeniedError without retries.

Run by CTest (test `python_auth_unit`, label unit) with PYTHONPATH=<build>/python; by hand:

    PYTHONPATH=build/python /usr/bin/python3 tests/e2e/python_auth_unit_test.py -v
"""

import concurrent.futures
import os
import threading
import unittest
from unittest import mock

import grpc

import hyperd
from hyperd.client import pb
from hyperd.client import pb_grpc

TESTDATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit", "client",
                        "testdata")


def _read(name):
    with open(os.path.join(TESTDATA, name), "rb") as f:
        return f.read()


class RecordingServicer(pb_grpc.HyperdServicer):
    """Answers GetServerInfo and ListStudies; `refuse` makes every call fail with that code."""

    def __init__(self):
        self.lock = threading.Lock()
        self.authorizations = []  # one entry per call: the authorization value or None
        self.peer_common_names = []
        self.refuse = None

    def _record(self, context):
        metadata = dict(context.invocation_metadata())
        names = context.auth_context().get("x509_common_name", [])
        with self.lock:
            self.authorizations.append(metadata.get("authorization"))
            self.peer_common_names.append(names[0].decode() if names else None)
        if self.refuse is not None:
            context.abort(self.refuse, f"refused: {self.refuse.name}")

    def GetServerInfo(self, request, context):
        self._record(context)
        return pb.ServerInfo(version="7.7.7")

    def ListStudies(self, request, context):
        self._record(context)
        return pb.ListStudiesResponse()


class FakeServer:
    """One in-process server on a free loopback port: plaintext, TLS or mutual TLS."""

    def __init__(self, tls=False, require_client_cert=False):
        self.servicer = RecordingServicer()
        self.server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
        pb_grpc.add_HyperdServicer_to_server(self.servicer, self.server)
        if tls:
            credentials = grpc.ssl_server_credentials(
                [(_read("server.key"), _read("server.crt"))],
                root_certificates=_read("ca.crt") if require_client_cert else None,
                require_client_auth=require_client_cert)
            port = self.server.add_secure_port("127.0.0.1:0", credentials)
        else:
            port = self.server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"
        self.server.start()

    def stop(self):
        self.server.stop(grace=None)


class SecurityTestCase(unittest.TestCase):
    def setUp(self):
        # Each test decides the environment it runs with.
        patcher = mock.patch.dict(os.environ)
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in ("HYPERD_TOKEN", "HYPERD_TLS", "HYPERD_TLS_CA", "HYPERD_TLS_CERT",
                     "HYPERD_TLS_KEY"):
            os.environ.pop(name, None)

    def serve(self, **kwargs):
        server = FakeServer(**kwargs)
        self.addCleanup(server.stop)
        return server

    def connect(self, server, **kwargs):
        client = hyperd.Client(server.address, timeout=10.0, max_retries=0, **kwargs)
        self.addCleanup(client.close)
        return client


class TokenTest(SecurityTestCase):
    def test_token_comes_from_the_environment_unless_given(self):
        server = self.serve()
        os.environ["HYPERD_TOKEN"] = "from-env"
        self.connect(server).server_info()
        self.connect(server, token="from-arg").server_info()
        self.connect(server, token="").server_info()
        self.assertEqual(server.servicer.authorizations,
                         ["Bearer from-env", "Bearer from-arg", None])

    def test_no_token_sends_no_authorization(self):
        server = self.serve()
        self.connect(server).server_info()
        self.assertEqual(server.servicer.authorizations, [None])

    def test_the_token_is_sent_on_every_call(self):
        server = self.serve()
        client = self.connect(server, token="t0k")
        client.server_info()
        list(client.list_studies())
        client.server_info()
        self.assertEqual(server.servicer.authorizations, ["Bearer t0k"] * 3)

    def test_a_token_with_a_line_break_is_refused_without_echoing_it(self):
        os.environ["HYPERD_TOKEN"] = "secret-value\n"
        with self.assertRaises(ValueError) as raised:
            hyperd.Client("127.0.0.1:1")
        self.assertIn("$HYPERD_TOKEN holds a line break character at position 13",
                      str(raised.exception))
        self.assertNotIn("secret-value", str(raised.exception))
        with self.assertRaisesRegex(ValueError, "token holds a space"):
            hyperd.Client("127.0.0.1:1", token="two words")

    def test_unauthenticated_raises_its_error_and_is_not_retried(self):
        server = self.serve()
        server.servicer.refuse = grpc.StatusCode.UNAUTHENTICATED
        client = hyperd.Client(server.address, timeout=10.0, max_retries=5)
        self.addCleanup(client.close)
        with self.assertRaises(hyperd.UnauthenticatedError) as raised:
            client.server_info()
        self.assertEqual(raised.exception.code, grpc.StatusCode.UNAUTHENTICATED)
        self.assertEqual(raised.exception.method, "GetServerInfo")
        self.assertEqual(len(server.servicer.authorizations), 1)

    def test_permission_denied_raises_its_error_and_is_not_retried(self):
        server = self.serve()
        server.servicer.refuse = grpc.StatusCode.PERMISSION_DENIED
        client = hyperd.Client(server.address, token="viewer", timeout=10.0, max_retries=5)
        self.addCleanup(client.close)
        with self.assertRaises(hyperd.PermissionDeniedError):
            list(client.list_studies())
        self.assertEqual(len(server.servicer.authorizations), 1)


class TlsTest(SecurityTestCase):
    def test_tls_with_the_test_ca_reaches_the_server_and_sends_the_token(self):
        server = self.serve(tls=True)
        client = self.connect(server, token="tls-token",
                              tls_ca=os.path.join(TESTDATA, "ca.crt"))
        self.assertEqual(client.server_info().version, "7.7.7")
        self.assertEqual(server.servicer.authorizations, ["Bearer tls-token"])

    def test_tls_settings_come_from_the_environment(self):
        server = self.serve(tls=True, require_client_cert=True)
        os.environ["HYPERD_TLS_CA"] = os.path.join(TESTDATA, "ca.crt")
        os.environ["HYPERD_TLS_CERT"] = os.path.join(TESTDATA, "client.crt")
        os.environ["HYPERD_TLS_KEY"] = os.path.join(TESTDATA, "client.key")
        self.assertEqual(self.connect(server).server_info().version, "7.7.7")
        self.assertEqual(server.servicer.peer_common_names, ["hyperd test client"])

    def test_a_server_signed_by_another_ca_is_refused(self):
        server = self.serve(tls=True)
        client = self.connect(server, tls_ca=os.path.join(TESTDATA, "other_ca.crt"))
        with self.assertRaises(hyperd.UnavailableError):
            client.server_info()
        self.assertEqual(server.servicer.authorizations, [])

    def test_mutual_tls_needs_the_client_certificate(self):
        server = self.serve(tls=True, require_client_cert=True)
        ca = os.path.join(TESTDATA, "ca.crt")
        with self.assertRaises(hyperd.UnavailableError):
            self.connect(server, tls_ca=ca).server_info()
        client = self.connect(server, tls_ca=ca, tls_cert=os.path.join(TESTDATA, "client.crt"),
                              tls_key=os.path.join(TESTDATA, "client.key"))
        self.assertEqual(client.server_info().version, "7.7.7")
        self.assertEqual(server.servicer.peer_common_names, ["hyperd test client"])

    def test_a_missing_certificate_file_is_a_value_error_naming_it(self):
        with self.assertRaisesRegex(ValueError, r"tls_ca='/nonexistent/ca.pem': cannot read"):
            hyperd.Client("127.0.0.1:1", tls_ca="/nonexistent/ca.pem")
        with self.assertRaisesRegex(ValueError, "README.md' holds no PEM block"):
            hyperd.Client("127.0.0.1:1", tls_ca=os.path.join(TESTDATA, "README.md"))

    def test_a_certificate_without_its_key_is_a_value_error(self):
        with self.assertRaisesRegex(ValueError, "tls_cert is given without tls_key"):
            hyperd.Client("127.0.0.1:1", tls_cert=os.path.join(TESTDATA, "client.crt"))

    def test_credentials_and_tls_settings_together_are_a_value_error(self):
        with self.assertRaisesRegex(ValueError, "credentials is given together with"):
            hyperd.Client("127.0.0.1:1", credentials=grpc.ssl_channel_credentials(), tls=True)


if __name__ == "__main__":
    unittest.main()
