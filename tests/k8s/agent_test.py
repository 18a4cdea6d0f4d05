"""`migctl k8s agent` against the fake API server, driven by the real kubectl and python3-kubernetes.

The agent runs as a real process on an emulated 2x H100 node and talks HTTPS to the fake, whose
certificate is signed by a CA made for the test with openssl; a cluster admin's changes come from
`kubectl label node ...`, exactly as in a cluster.

usage: agent_test.py  (MIGCTL names the migctl binary)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

import yaml
from kubernetes import client as kube_client
from kubernetes import config as kube_config

from fake_apiserver import FakeApiServer
from node_env import emulated_node_env

MIGCTL = os.environ["MIGCTL"]
SOURCE_DIR = os.environ["MIGKIT_SOURCE_DIR"]
TIMEOUT = 20
NODE = "gpu-node-1"
TOKEN = "test-token-7f3a"
PAUSED = "paused-for-mig-change"
STATE = "nvidia.com/mig.config.state"
CONFIG = "nvidia.com/mig.config"
FAILURE = "migkit.io/mig.config.failure"

CONFIGS = """version: v1
mig-configs:
  all-disabled:
    - devices: all
      mig-enabled: false
  first:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"1g.10gb": 2, "3g.40gb": 1}
    - devices: [1]
      mig-enabled: false
  keeps-3g:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"3g.40gb": 1, "2g.20gb": 1}
    - devices: [1]
      mig-enabled: false
  drops-3g:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"1g.10gb": 7}
    - devices: [1]
      mig-enabled: false
"""

OPERANDS = {"nvidia.com/gpu.deploy.device-plugin": "true",
            "nvidia.com/gpu.deploy.gpu-feature-discovery": "true",
            "nvidia.com/gpu.deploy.dcgm": "false"}


def run(args, env, timeout=60):
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {r.returncode}: {r.stdout}{r.stderr}")
    return r.stdout


def make_certificates(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
            "-subj", "/CN=migkit-test-ca")
    openssl("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(directory, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "ext.cnf")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="migkit-k8s-certs-")
        make_certificates(cls.certs)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="migkit-k8s-")
        self.server = FakeApiServer(os.path.join(self.certs, "server.crt"),
                                    os.path.join(self.certs, "server.key"), TOKEN)
        self.server.add_node(NODE, OPERANDS)
        self.kubeconfig = os.path.join(self.dir, "kubeconfig")
        with open(self.kubeconfig, "w") as f:
            yaml.safe_dump({
                "apiVersion": "v1", "kind": "Config", "current-context": "fake",
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "admin"}}],
                "clusters": [{"name": "fake", "cluster": {
                    "server": "https://127.0.0.1:%d" % self.server.port,
                    "certificate-authority": os.path.join(self.certs, "ca.crt")}}],
                "users": [{"name": "admin", "user": {"token": TOKEN}}]}, f)
        self.env = emulated_node_env(self.dir, KUBECONFIG=self.kubeconfig)
        self.configs = os.path.join(self.dir, "configs.yaml")
        with open(self.configs, "w") as f:
            f.write(CONFIGS)
        self.metrics_port = free_port()
        self.agent = subprocess.Popen(
            [MIGCTL, "k8s", "agent", "--node-name", NODE, "--kubeconfig", self.kubeconfig,
             "-f", self.configs, "--metrics-address", "127.0.0.1:%d" % self.metrics_port],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def tearDown(self):
        self.agent_log = ""
        if self.agent.poll() is None:
            self.agent.send_signal(signal.SIGTERM)
            try:
                _, self.agent_log = self.agent.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.agent.kill()
                _, self.agent_log = self.agent.communicate()
        self.server.close()
        shutil.rmtree(self.dir)
        result = getattr(self._outcome, "result", None)
        if result is not None and any(t is self for t, _ in result.failures + result.errors):
            print("agent log:\n" + self.agent_log)

    # ---- helpers ----

    def migctl(self, *args):
        return run([MIGCTL, *args], self.env)

    def kubectl_label(self, value):
        run(["kubectl", "--cache-dir", os.path.join(self.dir, "kube-cache"), "label", "node", NODE,
             "nvidia.com/mig.config=" + value, "--overwrite"], self.env)

    def wait_for_state(self, state, config, version_after=0):
        """The node once the agent has answered `config` (set after `version_after`) with
        `state`."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.server.lock:
                history = [(v, n) for v, _, n in self.server.history if v > version_after]
            asked = [v for v, n in history if n["metadata"]["labels"].get(CONFIG) == config]
            for v, node in history:
                labels = node["metadata"]["labels"]
                if asked and v > asked[0] and labels.get(CONFIG) == config and \
                        labels.get(STATE) == state:
                    return self.server.node(NODE)
            if self.agent.poll() is not None:
                self.fail("the agent exited: " + self.agent.communicate()[1])
            time.sleep(0.05)
        self.fail(f"{config} never reached {state}: {self.server.node(NODE)['metadata']}")

    def wait_for_default(self):
        """The agent's first answer: all-disabled (no label), which a fresh node already has."""
        deadline = time.monotonic() + TIMEOUT
        while self.server.node(NODE)["metadata"]["labels"].get(STATE) != "success":
            self.assertLess(time.monotonic(), deadline, "no state for the default config")
            time.sleep(0.05)

    def version(self):
        return int(self.server.node(NODE)["metadata"]["resourceVersion"])

    def label_history(self):
        return [n["metadata"]["labels"] for _, _, n in self.server.history]

    def gpu0_instances(self):
        """{GI ID: (profile, [MIG UUIDs])} on GPU 0."""
        return {gi["gi_id"]: (gi["profile"], [ci["uuid"] for ci in gi["cis"]])
                for gi in json.loads(self.migctl("instances", "--json")) if gi["gpu"] == 0}

    # ---- tests ----

    def test_applies_labels_from_kubectl_and_never_destroys_a_pods_instance(self):
        # No label: the operator's default, all-disabled, which the fresh node already has.
        self.wait_for_default()
        v = self.version()
        self.kubectl_label("first")
        node = self.wait_for_state("success", "first", v)
        self.assertEqual(sorted(p for p, _ in self.gpu0_instances().values()),
                         ["1g.10gb", "1g.10gb", "3g.40gb"])
        # Only creations: the operands were never paused.
        self.assertFalse(any(PAUSED in labels.values() for labels in self.label_history()))

        # A pod holds the 3g.40gb.
        (gi_3g,) = [gi for gi, (p, _) in self.gpu0_instances().items() if p == "3g.40gb"]
        pod_uuid = self.gpu0_instances()[gi_3g][1][0]
        self.migctl("busy", "add", pod_uuid, "--holder", "pod/default/train-0")

        v = self.version()
        self.kubectl_label("keeps-3g")
        node = self.wait_for_state("success", "keeps-3g", v)
        after = self.gpu0_instances()
        self.assertEqual(after[gi_3g], ("3g.40gb", [pod_uuid]))
        self.assertEqual(sorted(p for p, _ in after.values()), ["2g.20gb", "3g.40gb"])
        # The 1g.10gb were destroyed: operands paused meanwhile, "false" left alone, then back.
        paused = [l for l in self.label_history() if PAUSED in l.values()]
        self.assertTrue(paused)
        for labels in paused:
            self.assertEqual(labels["nvidia.com/gpu.deploy.device-plugin"], PAUSED)
            self.assertEqual(labels["nvidia.com/gpu.deploy.gpu-feature-discovery"], PAUSED)
            self.assertEqual(labels["nvidia.com/gpu.deploy.dcgm"], "false")
            self.assertEqual(labels[STATE], "pending")
        for name, value in OPERANDS.items():
            self.assertEqual(node["metadata"]["labels"][name], value)

        # A change that would destroy the pod's instance is refused, and nothing changes.
        v = self.version()
        self.kubectl_label("drops-3g")
        node = self.wait_for_state("failed", "drops-3g", v)
        reason = node["metadata"]["annotations"][FAILURE]
        self.assertIn("pod/default/train-0", reason)
        self.assertIn("destroy", reason)
        self.assertEqual(self.gpu0_instances(), after)

        # python3-kubernetes reads the same through the fake.
        kube_config.load_kube_config(config_file=self.kubeconfig)
        api = kube_client.CoreV1Api()
        listed = api.list_node(field_selector="metadata.name=" + NODE).items
        self.assertEqual([n.metadata.labels[STATE] for n in listed], ["failed"])
        self.assertEqual(api.read_node(NODE).metadata.annotations[FAILURE], reason)
        # The configs as a cluster admin would publish them, and read back.
        api.create_namespaced_config_map("migkit", kube_client.V1ConfigMap(
            metadata=kube_client.V1ObjectMeta(name="migkit-mig-parted-config"),
            data={"config.yaml": CONFIGS}))
        self.assertEqual(api.read_namespaced_config_map("migkit-mig-parted-config", "migkit")
                         .data["config.yaml"], CONFIGS)
        shown = run(["kubectl", "--cache-dir", os.path.join(self.dir, "kube-cache"), "get", "node",
                     NODE, "-L", STATE, "--no-headers"], self.env)
        self.assertEqual(shown.split()[-1], "failed")

        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port,
                                    timeout=5) as r:
            metrics = r.read().decode()
        self.assertIn('migkit_mig_config_applies_total{result="success"} 3\n', metrics)
        self.assertIn('migkit_mig_config_applies_total{result="failed"} 1\n', metrics)
        self.assertIn('migkit_mig_config_last_success{config="drops-3g"} 0\n', metrics)
        self.assertIn('migkit_mig_devices{gpu="0",profile="3g.40gb"} 1\n', metrics)

        # A config the file does not have fails with the reason, and nothing changes.
        v = self.version()
        self.kubectl_label("no-such-config")
        node = self.wait_for_state("failed", "no-such-config", v)
        self.assertIn("no-such-config", node["metadata"]["annotations"][FAILURE])
        self.assertEqual(self.gpu0_instances(), after)

        # The agent used exactly what its Role grants (deploy/kubernetes/rbac.yaml).
        self.assertEqual(self.server.calls_by("migkit-k8s-agent"), rbac_grants())

    def test_survives_watch_interruption_and_410_gone(self):
        self.wait_for_default()
        agent_lists = lambda: sum(1 for ua, verb, _ in self.server.calls
                                  if verb == "list" and ua.startswith("migkit-k8s-agent"))
        lists = agent_lists()
        # The connection drops: the agent resumes the watch from the last version it saw,
        # without listing again.
        self.server.drop_watches()
        v = self.version()
        self.kubectl_label("first")
        self.wait_for_state("success", "first", v)
        self.assertEqual(agent_lists(), lists)
        # History is compacted and the watch drops: resuming gets 410 Gone, the agent lists again.
        self.server.compact()
        self.server.drop_watches()
        deadline = time.monotonic() + TIMEOUT
        while agent_lists() == lists:
            self.assertLess(time.monotonic(), deadline, "the agent never listed again")
            time.sleep(0.05)
        v = self.version()
        self.kubectl_label("keeps-3g")
        self.wait_for_state("success", "keeps-3g", v)
        self.assertEqual(sorted(p for p, _ in self.gpu0_instances().values()),
                         ["2g.20gb", "3g.40gb"])
        self.agent.send_signal(signal.SIGTERM)
        _, log = self.agent.communicate(timeout=TIMEOUT)
        self.assertEqual(self.agent.returncode, 0, log)
        self.assertIn("is gone (410); listing again", log)

    def test_refuses_a_server_its_ca_did_not_sign(self):
        other = tempfile.mkdtemp(prefix="migkit-k8s-other-ca-")
        try:
            make_certificates(other)
            with open(self.kubeconfig) as f:
                kc = yaml.safe_load(f)
            kc["clusters"][0]["cluster"]["certificate-authority"] = os.path.join(other, "ca.crt")
            bad = os.path.join(self.dir, "bad-kubeconfig")
            with open(bad, "w") as f:
                yaml.safe_dump(kc, f)
            agent = subprocess.Popen(
                [MIGCTL, "k8s", "agent", "--node-name", NODE, "--kubeconfig", bad,
                 "--metrics-address", ""], env=self.env, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            agent.send_signal(signal.SIGTERM)
            _, err = agent.communicate(timeout=TIMEOUT)
            self.assertIn("cannot list the node", err)
            self.assertIn("SSLServerVerification", err)
        finally:
            shutil.rmtree(other)


def rbac_grants():
    """(verb, resource) pairs the agent's ClusterRole grants."""
    grants = set()
    with open(os.path.join(SOURCE_DIR, "deploy", "kubernetes", "rbac.yaml")) as f:
        for doc in yaml.safe_load_all(f):
            if doc and doc["kind"] == "ClusterRole" and doc["metadata"]["name"] == \
                    "migkit-mig-manager":
                for rule in doc["rules"]:
                    grants |= {(v, r) for v in rule["verbs"] for r in rule["resources"]}
    return grants


if __name__ == "__main__":
    unittest.main()
