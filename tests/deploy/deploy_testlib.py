"""Shared helpers of the deploy/ checks (tests/deploy/*_test.py).

Contracts:
  * A missing tool, Python module or built binary is a test FAILURE whose message names the
    Debian package (or the CMake target) to install or build; nothing is skipped.
  * HyperdFlags() lists the flags hyperd really defines, parsed from `hyperd --helpfull`, with
    dashes (--data-dir), so deploy files are checked against the binary, not a copy of its docs.
"""
import os
import re
import shutil
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")


class MissingDependency(AssertionError):
    """A tool or binary the check needs is absent; the message says how to get it."""


def RequireTool(name, debian_package):
    """Returns the path of executable `name`, or raises naming the package that ships it."""
    path = shutil.which(name)
    if not path:
        raise MissingDependency(
            f"{name} is not installed: `apt-get install {debian_package}` (and add "
            f"{debian_package} to scripts/packages.txt)")
    return path


def RequireYaml():
    """Returns the PyYAML module of Debian's python3-yaml, or raises naming the package."""
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        raise MissingDependency(
            "PyYAML is missing: `apt-get install python3-yaml` (and add python3-yaml to "
            f"scripts/packages.txt); import failed with {e}") from e
    return yaml


def RequireBinary(env_var, target):
    """Returns the built binary named by environment variable `env_var` (set by CTest)."""
    path = os.environ.get(env_var, "")
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise MissingDependency(
            f"{env_var}={path!r} is not an executable: build the CMake target `{target}` and run "
            f"this test through ctest (tests/deploy/CMakeLists.txt sets {env_var})")
    return path


_SECTION = re.compile(r"^\s*Flags from (.+):\s*$")
_FLAG = re.compile(r"^\s{4}--([A-Za-z0-9_]+) \(")


def HyperdFlags(binary):
    """Returns the set of hyperd's own flags ("--data-dir", ...) from `binary --helpfull`.

    Only flags defined in server/main.cc count: Abseil's built-in ones (--flagfile, ...) are not
    part of hyperd's interface.
    """
    result = subprocess.run([binary, "--helpfull"], capture_output=True, text=True, timeout=30,
                            check=False)
    text = result.stdout + result.stderr
    flags = set()
    in_main = False
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section:
            in_main = section.group(1).endswith("server/main.cc")
            continue
        flag = _FLAG.match(line)
        if flag and in_main:
            flags.add("--" + flag.group(1).replace("_", "-"))
    if not flags:
        raise AssertionError(
            f"`{binary} --helpfull` listed no flags from server/main.cc (exit {result.returncode}):"
            f"\n{text}")
    return flags


def SplitFlag(arg):
    """Returns (name with dashes, value) of "--flag=value" ("--flag" gives value None)."""
    if not arg.startswith("--"):
        raise AssertionError(f"{arg!r} is not a --flag=value argument")
    name, sep, value = arg.partition("=")
    return "--" + name[2:].replace("_", "-"), (value if sep else None)


def FlagMap(args):
    """Returns {"--flag": value} of a list of "--flag=value" arguments (dashes normalised)."""
    return dict(SplitFlag(arg) for arg in args)


_UNITS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def ParseSeconds(text):
    """Parses a duration as systemd and Abseil write it (30, 30s, 1min, 1m, 500ms) into seconds."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|sec|s|min|m|h)?", str(text).strip())
    if not m:
        raise AssertionError(f"cannot parse duration {text!r}; write e.g. 30s")
    return float(m.group(1)) * _UNITS[m.group(2) or "s"]


def Port(address):
    """Returns the port of "host:port" as an int."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise AssertionError(f"{address!r} is not host:port")
    return int(port)


def Host(address):
    """Returns the host of "host:port"."""
    return address.rpartition(":")[0]
