"""Checks deploy/docker/Dockerfile statically (Docker itself is not needed):

  * both stages are debian:bookworm-slim; the build stage builds with scripts/build, the same
    script scripts/serve runs (scripts/build installs scripts/packages.txt through scripts/deps);
  * the runtime stage runs as a numeric non-root USER that it creates, owns the VOLUME, and
    starts hyperd with scripts/serve's flags, listening on all interfaces, on EXPOSEd ports;
  * deploy/docker/runtime-packages.txt is exactly the set of Debian packages providing the shared
    libraries the built hyperd and hyperctl load (`ldd`, mapped with `dpkg -S`).

`docker_test.py --print-runtime-packages` prints that package set, to regenerate the list.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import unittest

import deploy_testlib as lib

DOCKER_DIR = os.path.join(lib.DEPLOY, "docker")
DOCKERFILE = os.path.join(DOCKER_DIR, "Dockerfile")
DOCKERIGNORE = os.path.join(DOCKER_DIR, "Dockerfile.dockerignore")
RUNTIME_PACKAGES = os.path.join(DOCKER_DIR, "runtime-packages.txt")
SCRIPTS = os.path.join(lib.ROOT, "scripts")
BASE_IMAGE = "debian:bookworm-slim"


def ParseDockerfile(path):
    """Returns [stage], each {"from": image, "name": alias, "instructions": [(KEYWORD, args)]}."""
    stages = []
    logical = ""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    instructions = []
    for raw in lines:
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue  # comments (and parser directives), also inside continued instructions
        if not logical and not stripped:
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        if logical.strip():
            keyword, _, args = logical.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
        logical = ""
    if logical.strip():
        raise AssertionError(f"{path}: the last instruction ends with a line continuation")
    for keyword, args in instructions:
        if keyword == "FROM":
            m = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args, re.I)
            if not m:
                raise AssertionError(f"{path}: cannot parse FROM {args}")
            stages.append({"from": m.group(1), "name": m.group(2), "instructions": []})
        elif not stages:
            if keyword != "ARG":
                raise AssertionError(f"{path}: {keyword} before the first FROM")
        else:
            stages[-1]["instructions"].append((keyword, args))
    return stages


def ExecForm(args):
    """Returns the JSON array of an exec-form instruction (ENTRYPOINT ["a", "b"])."""
    try:
        value = json.loads(args)
    except json.JSONDecodeError as e:
        raise AssertionError(f"{args!r} is not exec (JSON array) form: {e}") from e
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AssertionError(f"{args!r} is not a JSON array of strings")
    return value


def ServeHyperdArgs():
    """Returns the hyperd arguments of scripts/serve's final exec line."""
    with open(os.path.join(SCRIPTS, "serve"), encoding="utf-8") as f:
        text = f.read().replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("exec ") and "server/hyperd" in line:
            argv = shlex.split(line)[2:]
            return [a for a in argv if a.startswith("--")]
    raise AssertionError("scripts/serve has no `exec .../server/hyperd ...` line")


def SharedLibraries(binary):
    """Returns the paths of the shared libraries `binary` loads (ldd), failing on unresolved."""
    ldd = lib.RequireTool("ldd", "libc-bin")
    result = subprocess.run([ldd, binary], capture_output=True, text=True, timeout=60,
                            check=False)
    if result.returncode != 0:
        raise AssertionError(f"ldd {binary} failed: {result.stderr}")
    paths = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if "not found" in line:
            raise AssertionError(f"{binary}: a library is not found: {line}")
        m = re.match(r"\S+ => (/\S+) \(", line) or re.match(r"(/\S+) \(", line)
        if m:
            paths.append(m.group(1))
        elif not line.startswith(("linux-vdso", "linux-gate")) and line != "statically linked":
            raise AssertionError(f"{binary}: cannot parse ldd line {line!r}")
    return paths


def PathVariants(path):
    """The spellings under which dpkg may know `path` on a merged-/usr system."""
    variants = []
    for p in (path, os.path.realpath(path)):
        variants.append(p)
        if p.startswith(("/lib/", "/lib64/")):
            variants.append("/usr" + p)
        if p.startswith(("/usr/lib/", "/usr/lib64/")):
            variants.append(p[len("/usr"):])
    return list(dict.fromkeys(variants))


def OwningPackages(paths):
    """Returns {path: Debian package (without :arch)} of the shared libraries `paths`.

    One `dpkg -S` call for all of them: each call reads the whole dpkg database.
    """
    dpkg = lib.RequireTool("dpkg", "dpkg")
    variants = {path: PathVariants(path) for path in paths}
    queries = sorted({v for vs in variants.values() for v in vs})
    # dpkg -S exits 1 when some spellings are unknown; the known ones are still printed.
    result = subprocess.run([dpkg, "-S"] + queries, capture_output=True, text=True, timeout=120,
                            check=False)
    owner = {}
    for line in result.stdout.splitlines():
        if line.startswith("diversion "):
            continue
        packages, sep, owned = line.partition(": ")
        if sep:
            owner[owned] = packages.split(",")[0].strip().split(":")[0]
    found = {}
    for path, tried in variants.items():
        packages = [owner[v] for v in tried if v in owner]
        if not packages:
            raise AssertionError(f"no Debian package ships {path} (dpkg -S tried {tried}); the "
                                 "binary loads a library that was not installed from a package")
        found[path] = packages[0]
    return found


def RuntimePackagesNeeded(binaries):
    """Returns {package: sorted library paths} for the libraries the binaries load."""
    paths = sorted({path for binary in binaries for path in SharedLibraries(binary)})
    needed = {}
    for path, package in OwningPackages(paths).items():
        needed.setdefault(package, []).append(path)
    return needed


def ListedRuntimePackages():
    with open(RUNTIME_PACKAGES, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]
    return names


def BuiltBinaries():
    return [lib.RequireBinary("HYPERD_BINARY", "hyperd"),
            lib.RequireBinary("HYPERCTL_BINARY", "hyperctl")]


class DockerfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stages = ParseDockerfile(DOCKERFILE)

    def Stage(self, name):
        for stage in self.stages:
            if stage["name"] == name:
                return stage
        self.fail(f"{DOCKERFILE} has no stage `FROM ... AS {name}`")

    def Instructions(self, stage, keyword):
        return [args for kw, args in stage["instructions"] if kw == keyword]

    def Last(self, stage, keyword):
        values = self.Instructions(stage, keyword)
        self.assertTrue(values, f"stage {stage['name']} has no {keyword}")
        return values[-1]

    def Entrypoint(self):
        return ExecForm(self.Last(self.Stage("runtime"), "ENTRYPOINT"))

    def test_is_multi_stage_on_bookworm_slim_ending_with_runtime(self):
        self.assertEqual([s["name"] for s in self.stages], ["build", "runtime"])
        for stage in self.stages:
            self.assertEqual(stage["from"], BASE_IMAGE, f"stage {stage['name']}")

    def test_build_stage_builds_with_the_script_scripts_serve_runs(self):
        with open(os.path.join(SCRIPTS, "serve"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r'"\$root/scripts/build"',
                             "scripts/serve no longer builds through scripts/build")
        with open(os.path.join(SCRIPTS, "build"), encoding="utf-8") as f:
            build = f.read()
        self.assertIn('"$root/scripts/deps"', build, "scripts/build must install via scripts/deps")
        with open(os.path.join(SCRIPTS, "deps"), encoding="utf-8") as f:
            self.assertIn("packages.txt", f.read())
        build_stage = self.Stage("build")
        self.assertIn(". /src", self.Instructions(build_stage, "COPY"),
                      "the build stage must copy the whole repository (scripts/, sources)")
        runs = " ".join(self.Instructions(build_stage, "RUN"))
        m = re.search(r"HYPERD_BUILD_DIR=(\S+) scripts/build(\s|$)", runs)
        self.assertIsNotNone(m, "the build stage must RUN `HYPERD_BUILD_DIR=... scripts/build`")
        build_dir = m.group(1)
        self.assertNotRegex(runs, r"apt-get|cmake ",
                            "install and build only through scripts/build, like scripts/serve")
        for built, installed in (("server/hyperd", "/usr/local/bin/hyperd"),
                                 ("client/cli/hyperctl", "/usr/local/bin/hyperctl")):
            self.assertRegex(runs, re.escape(f"{build_dir.rstrip('/')}/{built}") + r"\s+/out" +
                             re.escape(installed) + r"(\s|$)")

    def test_runtime_stage_runs_as_a_numeric_non_root_user_it_creates(self):
        runtime = self.Stage("runtime")
        user = self.Last(runtime, "USER")
        uid, _, gid = user.partition(":")
        self.assertTrue(uid.isdigit(), "USER must be numeric so Kubernetes runAsNonRoot can check")
        self.assertNotEqual(int(uid), 0, "USER must not be root")
        runs = " ".join(self.Instructions(runtime, "RUN"))
        self.assertRegex(runs, rf"useradd [^&]*--uid {uid}\b")
        if gid:
            self.assertRegex(runs, rf"groupadd [^&]*--gid {gid}\b")
        # USER must come after the last RUN (which needs root for apt-get).
        keywords = [kw for kw, _ in runtime["instructions"]]
        self.assertGreater(keywords.index("USER"), max(i for i, kw in enumerate(keywords)
                                                       if kw == "RUN"))

    def test_entrypoint_runs_hyperd_with_scripts_serve_flags_on_all_interfaces(self):
        argv = self.Entrypoint()
        self.assertEqual(argv[0], "/usr/local/bin/hyperd")
        flags = lib.FlagMap(argv[1:])
        serve = lib.FlagMap(ServeHyperdArgs())
        self.assertEqual(set(flags), set(serve),
                         "ENTRYPOINT must pass the flags scripts/serve passes")
        for name in ("--listen", "--metrics-listen"):
            self.assertEqual(lib.Host(flags[name]), "0.0.0.0",
                             f"{name}: a container must listen on all interfaces")
            self.assertEqual(lib.Port(flags[name]), lib.Port(serve[name]),
                             f"{name}: same port as scripts/serve")

    def test_entrypoint_and_healthcheck_flags_exist_in_the_built_binaries(self):
        known = lib.HyperdFlags(lib.RequireBinary("HYPERD_BINARY", "hyperd"))
        for name in lib.FlagMap(self.Entrypoint()[1:]):
            self.assertIn(name, known, f"ENTRYPOINT passes {name}, unknown to hyperd")
        hyperctl = lib.RequireBinary("HYPERCTL_BINARY", "hyperctl")
        result = subprocess.run([hyperctl, "--help"], capture_output=True, text=True, timeout=30,
                                check=False)
        usage = result.stdout + result.stderr
        health = self.HealthcheckArgv()
        for arg in health[1:]:
            if arg.startswith("--"):
                name = lib.SplitFlag(arg)[0]
                self.assertIn(name, usage, f"HEALTHCHECK passes {name}, unknown to hyperctl")
            else:
                self.assertRegex(usage, rf"(?m)^\s+{re.escape(arg)}\b",
                                 f"HEALTHCHECK runs `hyperctl {arg}`, not a hyperctl command")

    def HealthcheckArgv(self):
        health = self.Last(self.Stage("runtime"), "HEALTHCHECK")
        m = re.fullmatch(r"((?:--\S+\s+)*)CMD\s+(\[.*\])", health)
        self.assertIsNotNone(m, "HEALTHCHECK must be `[--options] CMD [exec form]`")
        options = dict(lib.SplitFlag(o) for o in m.group(1).split())
        argv = ExecForm(m.group(2))
        self.assertEqual(argv[0], "/usr/local/bin/hyperctl")
        flags = lib.FlagMap([a for a in argv[1:] if a.startswith("--")])
        # hyperctl's own deadline must end before Docker's timeout kills it.
        self.assertLess(lib.ParseSeconds(flags["--deadline"]),
                        lib.ParseSeconds(options["--timeout"]))
        self.assertEqual(lib.Port(flags["--server"]),
                         lib.Port(lib.FlagMap(self.Entrypoint()[1:])["--listen"]),
                         "HEALTHCHECK must call the port hyperd listens on")
        return argv

    def test_ports_volume_and_workdir_match_the_entrypoint(self):
        runtime = self.Stage("runtime")
        flags = lib.FlagMap(self.Entrypoint()[1:])
        exposed = {int(p.split("/")[0]) for args in self.Instructions(runtime, "EXPOSE")
                   for p in args.split()}
        self.assertEqual(exposed, {lib.Port(flags["--listen"]), lib.Port(flags["--metrics-listen"])})
        self.assertEqual(ExecForm(self.Last(runtime, "VOLUME")), [flags["--data-dir"]])
        self.assertEqual(self.Last(runtime, "WORKDIR"), flags["--data-dir"])
        runs = " ".join(self.Instructions(runtime, "RUN"))
        self.assertRegex(runs, r"install -d -o hyperd -g hyperd -m 0700 " +
                         re.escape(flags["--data-dir"]),
                         "the data directory must exist, owned by the hyperd user")
        self.assertEqual(self.Last(runtime, "STOPSIGNAL"), "SIGTERM")

    def test_runtime_stage_installs_runtime_packages_and_no_build_tools(self):
        runtime = self.Stage("runtime")
        self.assertIn("deploy/docker/runtime-packages.txt /tmp/runtime-packages.txt",
                      self.Instructions(runtime, "COPY"))
        listed = ListedRuntimePackages()
        for name in listed:
            self.assertFalse(name.endswith("-dev") or name in ("g++", "cmake", "make"),
                             f"runtime-packages.txt lists build-only package {name}")
        self.assertEqual(len(listed), len(set(listed)), "runtime-packages.txt has duplicates")

    def test_dockerignore_keeps_build_trees_and_data_out_of_the_context(self):
        with open(DOCKERIGNORE, encoding="utf-8") as f:
            patterns = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        for pattern in (".git", "build", "build-*", "hyperd-data"):
            self.assertIn(pattern, patterns)
        for needed in ("scripts", "proto", "server", "client", "CMakeLists.txt", "deploy"):
            self.assertNotIn(needed, patterns, f"the build needs {needed} in the context")


class RuntimePackagesTest(unittest.TestCase):
    def test_runtime_packages_are_exactly_those_providing_the_loaded_libraries(self):
        needed = RuntimePackagesNeeded(BuiltBinaries())
        listed = set(ListedRuntimePackages())
        missing = {p: libs for p, libs in needed.items() if p not in listed}
        self.assertFalse(missing, "deploy/docker/runtime-packages.txt lacks packages of loaded "
                                  f"libraries (add them): {missing}")
        unused = sorted(listed - set(needed))
        self.assertFalse(unused, "deploy/docker/runtime-packages.txt lists packages no loaded "
                                 f"library comes from (remove them): {unused}")

    def test_maps_a_known_library_to_its_package(self):
        # Guards the mapping itself: libc must resolve through the merged-/usr variants.
        libc = [p for p in SharedLibraries(BuiltBinaries()[0]) if "/libc.so." in p]
        self.assertEqual(len(libc), 1)
        self.assertEqual(OwningPackages(libc), {libc[0]: "libc6"})


if __name__ == "__main__":
    if sys.argv[1:] == ["--print-runtime-packages"]:
        for name in sorted(RuntimePackagesNeeded(BuiltBinaries())):
            print(name)
        sys.exit(0)
    unittest.main()
