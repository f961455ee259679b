"""Checks deploy/kubernetes/: the manifests parse, use the right kinds and apiVersions, run hyperd
with flags it really has, and agree with each other and with the Docker image on ports, the data
directory, the user and shutdown timing. Needs Debian's python3-yaml.
"""
import os
import re
import unittest

import deploy_testlib as lib

K8S_DIR = os.path.join(lib.DEPLOY, "kubernetes")
API_VERSIONS = {  # the stable API group of each kind we ship (Kubernetes >= 1.24)
    "StatefulSet": "apps/v1",
    "Service": "v1",
    "Kustomization": "kustomize.config.k8s.io/v1beta1",
}
DOCKERFILE = os.path.join(lib.DEPLOY, "docker", "Dockerfile")


def LoadAll():
    """Returns [(file name, document)] of every YAML document under deploy/kubernetes."""
    yaml = lib.RequireYaml()
    docs = []
    for name in sorted(os.listdir(K8S_DIR)):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(K8S_DIR, name), encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    docs.append((name, doc))
    return docs


class KubernetesManifestsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.docs = LoadAll()

    def Objects(self, kind):
        return [doc for _, doc in self.docs if doc.get("kind") == kind]

    def StatefulSet(self):
        sets = self.Objects("StatefulSet")
        self.assertEqual(len(sets), 1, "exactly one StatefulSet (hyperd)")
        return sets[0]

    def PodSpec(self):
        return self.StatefulSet()["spec"]["template"]["spec"]

    def Container(self):
        containers = self.PodSpec()["containers"]
        self.assertEqual(len(containers), 1)
        return containers[0]

    def Flags(self):
        container = self.Container()
        self.assertEqual(container.get("command"), ["/usr/local/bin/hyperd"],
                         "command must be the image's hyperd, so args below are all the flags")
        return lib.FlagMap(container["args"])

    def ContainerPorts(self):
        return {p["name"]: p["containerPort"] for p in self.Container()["ports"]}

    def Service(self, name):
        for service in self.Objects("Service"):
            if service["metadata"]["name"] == name:
                return service
        self.fail(f"no Service named {name}")

    def test_every_document_has_a_known_kind_and_its_api_version(self):
        self.assertTrue(self.docs, f"no YAML under {K8S_DIR}")
        for name, doc in self.docs:
            kind = doc.get("kind")
            self.assertIn(kind, API_VERSIONS, f"{name}: unexpected kind {kind}")
            self.assertEqual(doc.get("apiVersion"), API_VERSIONS[kind], f"{name}: {kind}")
            if kind != "Kustomization":
                self.assertTrue(doc.get("metadata", {}).get("name"), f"{name}: {kind} unnamed")

    def test_kustomization_lists_every_manifest_file(self):
        (kustomization,) = self.Objects("Kustomization")
        files = {name for name, doc in self.docs if doc.get("kind") != "Kustomization"}
        self.assertEqual(set(kustomization["resources"]), files)

    def test_single_replica_statefulset_with_a_volume_claim_for_sqlite(self):
        spec = self.StatefulSet()["spec"]
        self.assertEqual(spec["replicas"], 1, "SQLite has one writer: never more than 1 replica")
        with open(os.path.join(K8S_DIR, "statefulset.yaml"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r"replicas: 1\s+#.*single writer",
                             "say next to replicas why it must stay 1")
        (claim,) = spec["volumeClaimTemplates"]
        self.assertEqual(claim["spec"]["accessModes"], ["ReadWriteOnce"])
        self.assertIn("storage", claim["spec"]["resources"]["requests"])
        mounts = {m["name"]: m["mountPath"] for m in self.Container()["volumeMounts"]}
        self.assertEqual(mounts.get(claim["metadata"]["name"]), self.Flags()["--data-dir"],
                         "the claim must be mounted at --data-dir")
        self.assertEqual(self.Service(spec["serviceName"])["spec"].get("clusterIP"), "None",
                         "serviceName must be a headless Service")
        labels = spec["template"]["metadata"]["labels"]
        for key, value in spec["selector"]["matchLabels"].items():
            self.assertEqual(labels.get(key), value, "selector must match the pod labels")

    def test_container_args_are_real_hyperd_flags_listening_on_all_interfaces(self):
        known = lib.HyperdFlags(lib.RequireBinary("HYPERD_BINARY", "hyperd"))
        flags = self.Flags()
        for name in flags:
            self.assertIn(name, known, f"args pass {name}, which `hyperd --helpfull` lacks")
        self.assertEqual(lib.Host(flags["--listen"]), "0.0.0.0", "probes reach the pod IP")
        self.assertEqual(lib.Host(flags["--metrics-listen"]), "0.0.0.0")
        cpu_limit = self.Container()["resources"]["limits"]["cpu"]
        cores = float(cpu_limit[:-1]) / 1000 if str(cpu_limit).endswith("m") else float(cpu_limit)
        threads = int(flags.get("--worker-threads", "0"))
        self.assertTrue(0 < threads <= max(1, int(cores)),
                        "--worker-threads must be set (0 means every core of the node) and fit "
                        f"the CPU limit {cpu_limit}")

    def test_ports_agree_across_container_probes_service_and_annotations(self):
        flags = self.Flags()
        grpc_port = lib.Port(flags["--listen"])
        metrics_port = lib.Port(flags["--metrics-listen"])
        self.assertEqual(self.ContainerPorts(), {"grpc": grpc_port, "metrics": metrics_port})
        container = self.Container()
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            self.assertIn(probe, container)
            self.assertEqual(container[probe].get("grpc", {}).get("port"), grpc_port,
                             f"{probe} must use the gRPC health service on --listen's port")
            self.assertNotIn("service", container[probe]["grpc"],
                             "hyperd reports overall health under the empty service name")
        service = self.Service("hyperd")
        self.assertEqual(service["spec"].get("type", "ClusterIP"), "ClusterIP")
        by_name = {p["name"]: p for p in service["spec"]["ports"]}
        self.assertEqual(set(by_name), {"grpc", "metrics"})
        for name, port in (("grpc", grpc_port), ("metrics", metrics_port)):
            self.assertEqual(by_name[name]["port"], port)
            self.assertIn(by_name[name]["targetPort"], (name, port))
        for annotations in (self.StatefulSet()["spec"]["template"]["metadata"]["annotations"],
                            service["metadata"]["annotations"]):
            self.assertEqual(annotations["prometheus.io/scrape"], "true")
            self.assertEqual(annotations["prometheus.io/port"], str(metrics_port))
            self.assertEqual(annotations["prometheus.io/path"], "/metrics")
        pod_labels = self.StatefulSet()["spec"]["template"]["metadata"]["labels"]
        for svc in self.Objects("Service"):
            for key, value in svc["spec"]["selector"].items():
                self.assertEqual(pod_labels.get(key), value,
                                 f"Service {svc['metadata']['name']} selects no hyperd pod")

    def test_runs_locked_down_as_the_image_user(self):
        pod = self.PodSpec()["securityContext"]
        self.assertIs(pod["runAsNonRoot"], True)
        with open(DOCKERFILE, encoding="utf-8") as f:
            m = re.search(r"^USER (\d+):(\d+)$", f.read(), re.M)
        self.assertIsNotNone(m, "deploy/docker/Dockerfile must set a numeric USER uid:gid")
        self.assertEqual((pod["runAsUser"], pod["runAsGroup"]), (int(m.group(1)), int(m.group(2))))
        self.assertEqual(pod["fsGroup"], int(m.group(2)), "fsGroup makes the volume writable")
        container = self.Container()["securityContext"]
        self.assertIs(container["readOnlyRootFilesystem"], True)
        self.assertIs(container["allowPrivilegeEscalation"], False)
        self.assertEqual(container["capabilities"]["drop"], ["ALL"])
        self.assertNotIn("add", container["capabilities"])
        # A read-only root needs a writable /tmp for SQLite's temporary files.
        mounts = {m["mountPath"]: m["name"] for m in self.Container()["volumeMounts"]}
        volumes = {v["name"]: v for v in self.PodSpec()["volumes"]}
        self.assertIn("emptyDir", volumes[mounts["/tmp"]])

    def test_every_file_flag_points_into_a_mounted_volume_the_user_can_read(self):
        mounts = {m["mountPath"]: m["name"] for m in self.Container()["volumeMounts"]}
        volumes = {v["name"]: v for v in self.PodSpec()["volumes"]}
        file_flags = {k: v for k, v in self.Flags().items() if k.endswith("-file")}
        self.assertIn("--auth-token-file", file_flags, "the API must require tokens")
        for flag, path in file_flags.items():
            mount = next((m for m in mounts if path.startswith(m.rstrip("/") + "/")), None)
            self.assertIsNotNone(mount, f"{flag}={path} is not inside any volumeMount")
            secret = volumes[mounts[mount]].get("secret")
            if secret is not None:
                # Secret files belong to root with group fsGroup: they must be group-readable.
                self.assertTrue(secret.get("defaultMode", 0o644) & 0o040,
                                f"{flag}: the Secret's defaultMode must let group fsGroup read it")

    def test_resources_are_requested_and_limited(self):
        resources = self.Container()["resources"]
        for section in ("requests", "limits"):
            self.assertEqual(set(resources[section]), {"cpu", "memory"}, section)

    def test_termination_grace_exceeds_shutdown_grace(self):
        grace = lib.ParseSeconds(self.Flags().get("--shutdown-grace") or "5s")
        self.assertGreaterEqual(self.PodSpec()["terminationGracePeriodSeconds"], grace + 10,
                                "leave time after --shutdown-grace to flush SQLite")


if __name__ == "__main__":
    unittest.main()
