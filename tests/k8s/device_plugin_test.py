"""`migctl k8s device-plugin` against a fake kubelet speaking the published v1beta1 API.

The plugin runs as a real process on an emulated 2x H100 node, through migkit's libnvidia-ml.so.1;
the layout is changed with `migctl apply` and Xid errors are injected with
`migctl emulator fault xid`, as an operator or the hardware would.

usage: device_plugin_test.py  (MIGCTL names the migctl binary; PYTHONPATH holds api_pb2*.py)
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from fake_kubelet import FakeKubelet
from node_env import emulated_node_env

MIGCTL = os.environ["MIGCTL"]
TIMEOUT = 10  # seconds; the plugin polls every 100 ms

CONFIGS = """version: v1
mig-configs:
  first:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"1g.10gb": 2}
    - devices: [1]
      mig-enabled: false
  second:
    - devices: [0]
      mig-enabled: true
      mig-devices: {"1g.10gb": 2, "3g.40gb": 1}
    - devices: [1]
      mig-enabled: true
      mig-devices: {"1g.10gb": 1}
"""


class DevicePluginTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="migkit-dp-")
        self.env = emulated_node_env(self.dir)
        self.configs = os.path.join(self.dir, "configs.yaml")
        with open(self.configs, "w") as f:
            f.write(CONFIGS)
        self.migctl("apply", "-f", self.configs, "-c", "first")
        self.kubelet_dir = os.path.join(self.dir, "kubelet")
        os.mkdir(self.kubelet_dir)
        self.cdi_dir = os.path.join(self.dir, "cdi")
        self.kubelet = FakeKubelet(self.kubelet_dir)
        self.plugin = subprocess.Popen(
            [MIGCTL, "k8s", "device-plugin", "--strategy", "mixed", "--kubelet-dir",
             self.kubelet_dir, "--cdi-dir", self.cdi_dir, "--poll-ms", "100"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.close()
        if self.plugin.poll() is None:
            self.plugin.send_signal(signal.SIGTERM)
            try:
                self.plugin.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.plugin.kill()
                self.plugin.communicate()
        self.kubelet.stop()
        shutil.rmtree(self.dir)

    def migctl(self, *args):
        r = subprocess.run([MIGCTL, *args], env=self.env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, f"migctl {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def mig_uuids(self):
        """(gpu, gi, ci) -> MIG UUID, from `migctl instances --json`."""
        out = {}
        for gi in json.loads(self.migctl("instances", "--json")):
            for ci in gi["cis"]:
                out[(gi["gpu"], gi["gi_id"], ci["ci_id"])] = ci["uuid"]
        return out

    def registrations(self, count):
        got = {}
        for _ in range(count):
            r = self.kubelet.next_registration(TIMEOUT)
            self.assertEqual(r.version, "v1beta1")
            self.assertTrue(r.options.get_preferred_allocation_available)
            got[r.resource_name] = r.endpoint
        return got

    def connect(self, endpoint):
        client = self.kubelet.plugin(endpoint)
        self.clients.append(client)
        client.watch()
        return client

    def next_list(self, client, predicate):
        """The first ListAndWatch list for which predicate holds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            devices = client.next_list(deadline - time.monotonic())
            if predicate(devices):
                return devices
        self.fail("no matching ListAndWatch list")

    def test_registers_allocates_and_follows_a_layout_change(self):
        endpoints = self.registrations(2)
        self.assertEqual(endpoints, {"nvidia.com/gpu": "migkit-nvidia.com-gpu.sock",
                                     "nvidia.com/mig-1g.10gb": "migkit-nvidia.com-mig-1g.10gb.sock"})
        before = self.mig_uuids()
        self.assertEqual(len(before), 2)
        small = self.connect(endpoints["nvidia.com/mig-1g.10gb"])
        self.assertTrue(small.options().get_preferred_allocation_available)
        first = small.next_list(TIMEOUT)
        self.assertEqual(first, {u: "Healthy" for u in before.values()})

        some = sorted(before.values())[0]
        response = small.allocate([some]).container_responses[0]
        self.assertEqual(dict(response.envs), {"NVIDIA_VISIBLE_DEVICES": some})
        self.assertEqual([d.name for d in response.cdi_devices], ["nvidia.com/gpu=" + some])
        # The CDI name resolves in the spec the plugin keeps in the CDI directory.
        with open(os.path.join(self.cdi_dir, "migkit-nvidia.json")) as f:
            spec = json.load(f)
        self.assertIn(some, [d["name"] for d in spec["devices"]])
        with self.assertRaises(Exception) as unknown:
            small.allocate(["MIG-not-there"])
        self.assertIn("MIG-not-there", str(unknown.exception))

        # A new layout, applied while the plugin runs: the list is re-sent with the kept devices
        # and the new one, and the new resource registers.
        self.migctl("apply", "-f", self.configs, "-c", "second")
        after = self.mig_uuids()
        self.assertTrue(set(before.values()) <= set(after.values()))
        small_after = {u for (gpu, gi, ci), u in after.items()
                       if u not in before.values() and gpu == 1}
        self.assertEqual(len(small_after), 1)
        expected = {u: "Healthy" for u in set(before.values()) | small_after}
        self.assertEqual(self.next_list(small, lambda d: len(d) == 3), expected)
        self.assertEqual(set(self.registrations(1)), {"nvidia.com/mig-3g.40gb"})

        # Two devices on GPU 0 beat one on each GPU.
        gpu0 = sorted(u for (gpu, _, _), u in after.items() if gpu == 0 and u in expected)
        gpu1 = list(small_after)
        self.assertEqual(sorted(small.preferred([gpu1[0], gpu0[1], gpu0[0]], [], 2)), gpu0)
        self.assertEqual(small.preferred([gpu1[0], gpu0[1], gpu0[0]], [gpu1[0]], 1), gpu1)

    def test_xid_on_a_mig_device_makes_exactly_it_unhealthy(self):
        endpoints = self.registrations(2)
        small = self.connect(endpoints["nvidia.com/mig-1g.10gb"])
        uuids = self.mig_uuids()
        self.assertEqual(small.next_list(TIMEOUT), {u: "Healthy" for u in uuids.values()})
        (gpu, gi, ci), hit = sorted(uuids.items())[1]
        self.migctl("emulator", "fault", "xid", "-i", str(gpu), "--gi", str(gi), "--ci", str(ci),
                    "79")
        devices = self.next_list(small, lambda d: "Unhealthy" in d.values())
        self.assertEqual(devices, {u: ("Unhealthy" if u == hit else "Healthy")
                                   for u in uuids.values()})

    def test_registers_again_when_kubelet_restarts(self):
        endpoints = self.registrations(2)
        self.kubelet.restart()
        self.assertEqual(self.registrations(2), endpoints)
        # The endpoints serve again on fresh sockets.
        small = self.connect(endpoints["nvidia.com/mig-1g.10gb"])
        self.assertEqual(len(small.next_list(TIMEOUT)), 2)

    def test_stops_on_sigterm_and_removes_its_sockets(self):
        self.registrations(2)
        self.plugin.send_signal(signal.SIGTERM)
        _, err = self.plugin.communicate(timeout=TIMEOUT)
        self.assertEqual(self.plugin.returncode, 0, err)
        self.assertEqual(sorted(os.listdir(self.kubelet_dir)), ["kubelet.sock"])


if __name__ == "__main__":
    unittest.main()
