"""Installs the `hyperd` Python client from the repository:

    /usr/bin/python3 -m pip install --break-system-packages ./client/python
    /usr/bin/python3 -m pip install --no-deps --target /some/dir ./client/python

The gRPC stubs (hyperd.v1.hyperd_pb2, hyperd_pb2_grpc) are generated from proto/ while building,
never committed: this needs protoc (protobuf-compiler) and grpc_python_plugin
(protobuf-compiler-grpc). Set HYPERD_PROTO_ROOT when building outside the repository.
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)
import generate_stubs  # noqa: E402  (lives beside this file)


class BuildPyWithStubs(build_py):
    """build_py that also generates hyperd/v1/ into the build directory."""

    def run(self):
        super().run()
        proto_root = os.environ.get("HYPERD_PROTO_ROOT", generate_stubs.DEFAULT_PROTO_ROOT)
        for path in generate_stubs.generate(self.build_lib, proto_root=proto_root):
            self.announce(f"generated {path}", level=2)


def _version():
    with open(os.path.join(_HERE, "hyperd", "__init__.py"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("__version__"):
                return line.split("=", 1)[1].strip().strip('"')
    raise RuntimeError("hyperd/__init__.py has no __version__")


with open(os.path.join(_HERE, "README.md"), encoding="utf-8") as f:
    _README = f.read()

setup(
    name="hyperd",
    version=_version(),
    description="Client for the hyperd hyperparameter tuning service",
    long_description=_README,
    long_description_content_type="text/markdown",
    packages=["hyperd"],
    python_requires=">=3.9",
    # Debian: python3-grpcio and python3-protobuf.
    install_requires=["grpcio>=1.51", "protobuf>=4.21"],
    cmdclass={"build_py": BuildPyWithStubs},
)
