#!/usr/bin/python3
"""End-to-end tests of the Python client against the real hyperd with TLS, mutual TLS and
bearer tokens (issue 8): certificates from scripts/dev-certs, a token file whose digests are
computed here with hashlib (independently of hyperctl and the server).

Run by CTest (test `python_auth`, label e2e); by hand:

    PYTHONPATH=build/python HYPERD_BINARY=build/server/hyperd \\
        /usr/bin/python3 tests/e2e/python_auth_test.py -v
"""

import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import unittest
from unittest import mock

import hyperd
from python_hyperd_server import HyperdServer

_DEV_CERTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                          "dev-certs")


class PythonAuthTest(unittest.TestCase):
    """One TLS server and one mutual-TLS server, both with an admin and a viewer token."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hyperd-python-auth-")
        cls.certs = os.path.join(cls.dir, "certs")
        subprocess.run([_DEV_CERTS, cls.certs], check=True, capture_output=True)
        cls.admin_token = secrets.token_hex(32)
        cls.viewer_token = secrets.token_hex(32)
        token_file = os.path.join(cls.dir, "tokens.txt")
        with open(token_file, "w", encoding="utf-8") as f:
            for name, role, token in (("py-admin", "admin", cls.admin_token),
                                      ("py-viewer", "viewer", cls.viewer_token)):
                digest = hashlib.sha256(token.encode()).hexdigest()
                f.write(f"{name} {role} sha256:{digest}\n")
        tls = [f"--tls-cert-file={cls.cert('server.crt')}",
               f"--tls-key-file={cls.cert('server.key')}", f"--auth-token-file={token_file}"]
        cls.servers = []
        cls.tls_server = cls._start(tls)
        cls.mtls_server = cls._start(tls + [f"--tls-client-ca-file={cls.cert('ca.crt')}"])

    @classmethod
    def _start(cls, extra_args):
        server = HyperdServer(extra_args=extra_args)
        cls.servers.append(server)
        try:
            return server.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            for server in cls.servers:
                try:
                    server.stop_cleanly()
                finally:
                    server.cleanup()
        finally:
            shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def cert(cls, name):
        return os.path.join(cls.certs, name)

    def setUp(self):
        patcher = mock.patch.dict(os.environ)
        patcher.start()
        self.addCleanup(patcher.stop)
        for name in ("HYPERD_TOKEN", "HYPERD_TLS", "HYPERD_TLS_CA", "HYPERD_TLS_CERT",
                     "HYPERD_TLS_KEY"):
            os.environ.pop(name, None)

    def connect(self, server, **kwargs):
        kwargs.setdefault("tls_ca", self.cert("ca.crt"))
        client = hyperd.Client(server.address, timeout=20.0, max_retries=1, **kwargs)
        self.addCleanup(client.close)
        return client

    def test_admin_token_over_tls_creates_and_reads_a_study(self):
        client = self.connect(self.tls_server, token=self.admin_token)
        study = hyperd.Study.create("py-auth", parameters=[hyperd.Float("lr", 1e-3, 1.0)],
                                    objective=("loss", "minimize"), client=client)
        self.assertEqual(hyperd.Study.get("py-auth", client=client).name, study.name)

    def test_token_and_ca_from_the_environment(self):
        os.environ["HYPERD_TOKEN"] = self.viewer_token
        os.environ["HYPERD_TLS_CA"] = self.cert("ca.crt")
        client = hyperd.Client(self.tls_server.address, timeout=20.0, max_retries=1)
        self.addCleanup(client.close)
        self.assertTrue(client.server_info().version)
        list(client.list_studies())

    def test_no_token_raises_unauthenticated(self):
        client = self.connect(self.tls_server)
        with self.assertRaises(hyperd.UnauthenticatedError):
            list(client.list_studies())

    def test_an_unknown_token_raises_unauthenticated(self):
        client = self.connect(self.tls_server, token=secrets.token_hex(32))
        with self.assertRaises(hyperd.UnauthenticatedError):
            list(client.list_studies())

    def test_viewer_token_may_list_but_not_create(self):
        client = self.connect(self.tls_server, token=self.viewer_token)
        list(client.list_studies())
        with self.assertRaises(hyperd.PermissionDeniedError):
            hyperd.Study.create("py-viewer", parameters=[hyperd.Float("lr", 1e-3, 1.0)],
                                objective=("loss", "minimize"), client=client)

    def test_plaintext_client_cannot_reach_the_tls_server(self):
        client = hyperd.Client(self.tls_server.address, token=self.admin_token, timeout=5.0,
                               max_retries=0)
        self.addCleanup(client.close)
        with self.assertRaises(hyperd.UnavailableError):
            client.server_info()

    def test_mutual_tls_needs_the_client_certificate(self):
        without_cert = self.connect(self.mtls_server, token=self.admin_token)
        with self.assertRaises(hyperd.UnavailableError):
            without_cert.server_info()
        with_cert = self.connect(self.mtls_server, token=self.admin_token,
                                 tls_cert=self.cert("client.crt"), tls_key=self.cert("client.key"))
        self.assertTrue(with_cert.server_info().version)


if __name__ == "__main__":
    unittest.main()
