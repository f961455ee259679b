#!/usr/bin/python3
"""Generates the Python gRPC stubs of the hyperd API into a package tree.

    generate_stubs.py --out DIR [--proto-root DIR] [--protoc PATH] [--plugin PATH]

writes DIR/hyperd/v1/hyperd_pb2.py and DIR/hyperd/v1/hyperd_pb2_grpc.py, plus the
DIR/hyperd/v1/__init__.py they need (and an empty DIR/hyperd/__init__.py when DIR holds no
`hyperd` package yet). The stubs import each other as `hyperd.v1.hyperd_pb2`, so they belong
inside the `hyperd` package. Nothing generated is committed: CMake (client/python/CMakeLists.txt)
and setup.py both call this script.

Needs `protoc` (Debian: protobuf-compiler) and `grpc_python_plugin` (Debian:
protobuf-compiler-grpc). Exits non-zero with a message naming what is missing.
"""

import argparse
import os
import shutil
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# The repository puts this file in client/python/ and the API in proto/.
DEFAULT_PROTO_ROOT = os.path.normpath(os.path.join(_HERE, "..", "..", "proto"))
PROTO_FILE = "hyperd/v1/hyperd.proto"
_DEFAULT_PLUGIN = "/usr/bin/grpc_python_plugin"


def _find_tool(explicit, name, fallback=None):
    """Returns the explicit path, else `name` found on PATH, else an executable fallback."""
    if explicit:
        return explicit
    found = shutil.which(name)
    if found:
        return found
    if fallback and os.access(fallback, os.X_OK):
        return fallback
    return None


def generate(out_dir, proto_root=DEFAULT_PROTO_ROOT, protoc=None, plugin=None):
    """Runs protoc on the hyperd API; returns the generated stub paths.

    Raises RuntimeError naming the missing file or tool, or carrying protoc's error output.
    """
    proto_path = os.path.join(proto_root, PROTO_FILE)
    if not os.path.isfile(proto_path):
        raise RuntimeError(f"the API definition {proto_path} does not exist: pass --proto-root "
                           "pointing at the repository's proto/ directory")
    protoc = _find_tool(protoc, "protoc")
    if protoc is None:
        raise RuntimeError("protoc was not found on PATH: install Debian's protobuf-compiler "
                           "or pass --protoc PATH")
    plugin = _find_tool(plugin, "grpc_python_plugin", _DEFAULT_PLUGIN)
    if plugin is None:
        raise RuntimeError("grpc_python_plugin was not found: install Debian's "
                           "protobuf-compiler-grpc or pass --plugin PATH")

    package_dir = os.path.join(out_dir, "hyperd")
    stub_dir = os.path.join(package_dir, "v1")
    os.makedirs(stub_dir, exist_ok=True)
    command = [
        protoc,
        f"--proto_path={proto_root}",
        f"--python_out={out_dir}",
        f"--grpc_out={out_dir}",
        f"--plugin=protoc-gen-grpc={plugin}",
        PROTO_FILE,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {result.returncode}:\n"
                           f"{result.stderr}")

    # Rewritten every time, so it is never older than the stubs (build tools compare times).
    _write_init(stub_dir, '"""Generated gRPC stubs of the hyperd v1 API."""\n', replace=True)
    # Only a bare stub tree needs this one; the real package's __init__.py is never replaced.
    _write_init(package_dir, "", replace=False)
    return [os.path.join(stub_dir, "hyperd_pb2.py"), os.path.join(stub_dir, "hyperd_pb2_grpc.py")]


def _write_init(directory, text, replace):
    path = os.path.join(directory, "__init__.py")
    if replace or not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Generates hyperd/v1/hyperd_pb2.py and hyperd_pb2_grpc.py into --out.")
    parser.add_argument("--out", required=True, help="directory that receives hyperd/v1/*.py")
    parser.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT,
                        help="directory holding hyperd/v1/hyperd.proto (default: %(default)s)")
    parser.add_argument("--protoc", help="protoc binary (default: from PATH)")
    parser.add_argument("--plugin", help="grpc_python_plugin binary (default: from PATH, "
                                         f"then {_DEFAULT_PLUGIN})")
    args = parser.parse_args(argv)
    try:
        for path in generate(args.out, args.proto_root, args.protoc, args.plugin):
            print(f"generated {path}")
    except RuntimeError as e:
        print(f"generate_stubs.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
