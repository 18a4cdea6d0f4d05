"""deploy/kubernetes parses, fits together, and runs migctl with options it has.

usage: manifests_test.py  (MIGCTL names the migctl binary, MIGKIT_SOURCE_DIR the checkout)
"""
import glob
import os
import subprocess
import tempfile
import unittest

import yaml

from node_env import emulated_node_env

MIGCTL = os.environ["MIGCTL"]
DEPLOY = os.path.join(os.environ["MIGKIT_SOURCE_DIR"], "deploy", "kubernetes")


def documents():
    docs = []
    for path in sorted(glob.glob(os.path.join(DEPLOY, "*.yaml"))):
        with open(path) as f:
            docs += [(os.path.basename(path), d) for d in yaml.safe_load_all(f) if d]
    return docs


def by_kind(kind):
    return {d["metadata"]["name"]: d for _, d in documents() if d["kind"] == kind}


class ManifestsTest(unittest.TestCase):
    def test_every_document_names_its_kind_and_namespace(self):
        docs = documents()
        self.assertEqual(sorted({d["kind"] for _, d in docs}),
                         ["ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet",
                          "Namespace", "ServiceAccount"])
        for path, d in docs:
            self.assertIn("apiVersion", d, path)
            if d["kind"] not in ("Namespace", "ClusterRole", "ClusterRoleBinding"):
                self.assertEqual(d["metadata"].get("namespace"), "migkit", path)

    def test_least_privilege(self):
        (role,) = by_kind("ClusterRole").values()
        self.assertEqual(role["rules"], [{"apiGroups": [""], "resources": ["nodes"],
                                          "verbs": ["list", "watch", "patch"]}])
        (binding,) = by_kind("ClusterRoleBinding").values()
        self.assertEqual(binding["roleRef"]["name"], role["metadata"]["name"])
        accounts = by_kind("ServiceAccount")
        self.assertEqual([s["name"] for s in binding["subjects"]], ["migkit-mig-manager"])
        self.assertFalse(accounts["migkit-device-plugin"]["automountServiceAccountToken"])
        for ds in by_kind("DaemonSet").values():
            self.assertIn(ds["spec"]["template"]["spec"]["serviceAccountName"], accounts)

    def test_daemonsets_run_migctl_with_options_it_has(self):
        for name, ds in by_kind("DaemonSet").items():
            spec = ds["spec"]["template"]["spec"]
            self.assertEqual(ds["spec"]["selector"]["matchLabels"],
                             ds["spec"]["template"]["metadata"]["labels"], name)
            (container,) = spec["containers"]
            command = container["command"]
            self.assertEqual(command[:2], ["migctl", "k8s"], name)
            help_text = subprocess.run([MIGCTL, *command[1:], "--help"], capture_output=True,
                                       text=True, timeout=30).stdout
            for arg in container.get("args", []):
                self.assertIn(arg.split("=")[0], help_text, f"{name}: {arg}")
            mounts = {m["name"]: m["mountPath"] for m in container.get("volumeMounts", [])}
            for volume in spec.get("volumes", []):
                self.assertIn(volume["name"], mounts, name)

    def test_configmap_holds_configs_migctl_accepts(self):
        (cm,) = by_kind("ConfigMap").values()
        ds = by_kind("DaemonSet")["migkit-mig-manager"]
        args = ds["spec"]["template"]["spec"]["containers"][0]["args"]
        self.assertIn("--config-file=/etc/migkit/config.yaml", args)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "config.yaml")
            with open(path, "w") as f:
                f.write(cm["data"]["config.yaml"])
            env = emulated_node_env(d, emulate="8xH100-SXM5-80GB")
            names = yaml.safe_load(cm["data"]["config.yaml"])["mig-configs"]
            for name in names:
                r = subprocess.run([MIGCTL, "apply", "--dry-run", "-f", path, "-c", name],
                                   env=env, capture_output=True, text=True, timeout=30)
                self.assertEqual(r.returncode, 0, f"{name}: {r.stdout}{r.stderr}")


if __name__ == "__main__":
    unittest.main()
