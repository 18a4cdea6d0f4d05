"""A one-machine Slurm cluster over migkit's emulated node, for tests/slurm.

munged, slurmctld and slurmd run as root on loopback with a private config directory, state
directories and ports. slurmd runs in its own mount namespace (unshare --mount) where a tmpfs copy
of /dev holds the emulator's device files and /proc/driver holds its mig-minors
(`migctl emulator device-files`), with LD_LIBRARY_PATH at migkit's libnvidia-ml.so.1, so Slurm's
gpu/nvml plugin sees the emulated MIG devices (cluster-and-service.md §1.3). Every wait has a
timeout and stop() ends every daemon it started.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

NODE = "vm"
PLUGIN_DIRS = ["/usr/lib/x86_64-linux-gnu/slurm-wlm", "/usr/lib/aarch64-linux-gnu/slurm-wlm"]


class Failure(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_environment():
    """Fails with a clear message when the test cannot run here (it never skips: CI is root)."""
    if os.geteuid() != 0:
        raise Failure("tests/slurm must run as root (slurmd needs a mount namespace and runs jobs "
                      "as root); CI runs as root")
    for tool in ["munged", "slurmctld", "slurmd", "srun", "sinfo", "scontrol", "squeue", "sbatch",
                 "scancel", "unshare", "mount"]:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            raise Failure(f"{tool} not found: run scripts/install-deps.sh (Debian packages "
                          "slurmctld slurmd slurm-client munge)")
    if not any(os.path.exists(d + "/gpu_nvml.so") for d in PLUGIN_DIRS):
        raise Failure("Slurm's gpu_nvml.so is not in the plugin directory: run "
                      "scripts/ci-slurm-nvml-plugin.sh")


class Cluster:
    def __init__(self, root, migctl, nvml_dir, env):
        self.root = root
        self.migctl = migctl
        self.nvml_dir = nvml_dir
        self.env = dict(env)  # MIGKIT_STATE_DIR, MIGKIT_EMULATE
        self.conf_dir = os.path.join(root, "etc")
        self.conf = os.path.join(self.conf_dir, "slurm.conf")
        self.gres_conf = os.path.join(self.conf_dir, "gres.conf")
        self.munge_socket = os.path.join(root, "munge", "munge.socket")
        self.procs = {}
        self.ctld_port = free_port()
        self.slurmd_port = free_port()
        for d in ["etc", "munge", "state", "spool", "log", "devroot"]:
            os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(root, 0o755)
        os.chmod(os.path.join(root, "munge"), 0o700)

    # --- files -------------------------------------------------------------------------------
    def slurm_conf_text(self, gres):
        r = self.root
        return f"""# tests/slurm: a one-machine cluster on loopback
ClusterName=migkit
SlurmctldHost={socket.gethostname()}(127.0.0.1)
SlurmctldPort={self.ctld_port}
SlurmdPort={self.slurmd_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.munge_socket}
SlurmUser=root
SlurmdUser=root
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/slurmctld.pid
SlurmdPidFile={r}/slurmd.pid
SlurmctldLogFile={r}/log/slurmctld.log
SlurmdLogFile={r}/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=debug2
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
ReturnToService=2
SchedulerParameters=sched_interval=1
NodeName={NODE} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 Gres={gres} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""

    def write(self, path, text):
        with open(path, "w") as f:
            f.write(text)

    def run(self, args, timeout=30, check=True, env=None):
        e = dict(os.environ)
        e.update(self.env)
        e["SLURM_CONF"] = self.conf
        if env:
            e.update(env)
        # In the cluster directory: sbatch writes slurm-<job>.out into the working directory.
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=e,
                           cwd=self.root)
        if check and p.returncode != 0:
            raise Failure(f"{' '.join(args)} exited {p.returncode}\nstdout: {p.stdout}\n"
                          f"stderr: {p.stderr}")
        return p

    # --- daemons -----------------------------------------------------------------------------
    def start_munge(self):
        key = os.path.join(self.root, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        m = os.path.join(self.root, "munge")
        self.procs["munged"] = subprocess.Popen(
            ["munged", "-F", "-f", f"--socket={self.munge_socket}", f"--key-file={key}",
             f"--pid-file={m}/munged.pid", f"--log-file={m}/munged.log",
             f"--seed-file={m}/munged.seed"],
            stdout=subprocess.DEVNULL, stderr=open(f"{m}/munged.stderr", "w"),
            start_new_session=True)
        self.wait_for(lambda: os.path.exists(self.munge_socket), 10, "munged's socket",
                      f"{m}/munged.stderr")

    def start_slurmctld(self):
        self.procs["slurmctld"] = self._popen(["slurmctld", "-D", "-i", "-f", self.conf],
                                              "slurmctld")
        self.wait_for(lambda: self.run(["scontrol", "ping"], check=False).stdout.find("UP") >= 0,
                      20, "slurmctld to answer scontrol ping", self.log("slurmctld"))

    def slurmd_command(self, args):
        """`args` run inside slurmd's mount namespace: emulated /dev and /proc/driver."""
        dev = os.path.join(self.root, "devroot")
        nsdev = os.path.join(self.root, "nsdev")
        os.makedirs(nsdev, exist_ok=True)
        script = (
            "set -e\n"
            "mount --make-rprivate /\n"
            f"mount -t tmpfs tmpfs {nsdev}\n"
            f"cp -a /dev/. {nsdev}/ 2>/dev/null || true\n"
            f"cp -a {dev}/dev/. {nsdev}/\n"
            # Slurm drops GRES files that are not device nodes ("is not a valid character or
            # block device"): turn the emulator's empty files into character devices, with the
            # NVIDIA driver's major 195 for the GPUs (nvidiactl is 195:255) and an unused major
            # for the capabilities. Nothing can be opened through them: Slurm only stats them.
            f"for f in $(find {nsdev} -maxdepth 2 -type f -name 'nvidia*'); do\n"
            "  case $f in *nvidiactl) minor=255 ;; *) minor=${f##*[!0-9]} ;; esac\n"
            "  case $f in *nvidia-caps/*) major=511 ;; *) major=195 ;; esac\n"
            "  rm -f $f; mknod -m 666 $f c $major $minor\n"
            "done\n"
            f"mount --rbind {nsdev} /dev\n"
            f"mount --bind {dev}/proc/driver /proc/driver\n"
            'exec "$@"\n')
        return ["unshare", "--mount", "--", "sh", "-c", script, "sh"] + args

    def refresh_device_files(self):
        self.run([self.migctl, "emulator", "device-files", "--root",
                  os.path.join(self.root, "devroot")])

    def slurmd_env(self):
        return {"LD_LIBRARY_PATH": self.nvml_dir}

    def start_slurmd(self):
        self.refresh_device_files()
        self.procs["slurmd"] = self._popen(
            self.slurmd_command(["slurmd", "-D", "-N", NODE, "-f", self.conf]), "slurmd",
            env=self.slurmd_env())

    def slurmd_gres_report(self):
        """`slurmd -G`: the GRES slurmd detects, printed and exit."""
        self.refresh_device_files()
        p = self.run(self.slurmd_command(["slurmd", "-G", "-N", NODE, "-f", self.conf]),
                     env=self.slurmd_env(), check=False)
        return p.stdout + p.stderr

    def _popen(self, args, name, env=None):
        e = dict(os.environ)
        e.update(self.env)
        e["SLURM_CONF"] = self.conf
        if env:
            e.update(env)
        return subprocess.Popen(args, env=e, stdout=subprocess.DEVNULL,
                                stderr=open(os.path.join(self.root, "log", name + ".stderr"), "a"),
                                start_new_session=True)

    def log(self, name):
        return os.path.join(self.root, "log", name + ".log")

    def stop(self, name, timeout=10):
        p = self.procs.pop(name, None)
        if p is None or p.poll() is not None:
            return
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(5)

    def stop_all(self):
        for name in ["slurmd", "slurmctld", "munged"]:
            try:
                self.stop(name)
            except Exception as e:  # keep stopping the others
                print(f"stopping {name}: {e}")

    # --- queries -----------------------------------------------------------------------------
    def wait_for(self, pred, timeout, what, log=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.2)
        tail = ""
        if log and os.path.exists(log):
            with open(log) as f:
                tail = "".join(f.readlines()[-30:])
        raise Failure(f"timed out after {timeout} s waiting for {what}\n{tail}")

    def node_field(self, field):
        out = self.run(["scontrol", "show", "node", NODE]).stdout
        for tok in out.split():
            if tok.startswith(field + "="):
                return tok[len(field) + 1:]
        return None

    def node_show(self):
        return self.run(["scontrol", "show", "node", NODE]).stdout

    def wait_node_state(self, states, timeout=30):
        self.wait_for(lambda: (self.node_field("State") or "").split("+")[0] in states, timeout,
                      f"node {NODE} to be {'/'.join(states)} (last: {self.node_field('State')})",
                      self.log("slurmd"))
