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
        self.started = set()
        self.ctld_port = free_port()
        self.slurmd_port = free_port()
        for d in ["etc", "munge", "state", "spool", "log", "devroot"]:
            os.makedirs(os.path.join(root, d), exist_ok=True)
        os.chmod(root, 0o755)
        os.chmod(os.path.join(root, "munge"), 0o700)
        self.write_daemon_script()

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

    def write_daemon_script(self):
        """T/daemon.sh start|stop|restart slurmctld|slurmd: how the test, and `migctl slurm
        apply --restart-cmd 'T/daemon.sh restart'`, start and stop the Slurm daemons. They run
        daemonized with pid files; every wait is bounded."""
        r = self.root
        dev = os.path.join(r, "devroot")
        nsdev = os.path.join(r, "nsdev")
        os.makedirs(nsdev, exist_ok=True)
        # slurmd's mount namespace: a tmpfs copy of /dev plus the emulator's device files, and
        # the emulator's mig-minors over /proc/driver. Slurm drops GRES files that are not
        # device nodes ("is not a valid character or block device"), so the emulator's empty
        # files become character devices: the NVIDIA driver's major 195 for the GPUs
        # (nvidiactl is 195:255) and an unused major for the capabilities. Nothing can be
        # opened through them: Slurm only stats them.
        ns = ("set -e; mount --make-rprivate /; "
              f"mount -t tmpfs tmpfs {nsdev}; cp -a /dev/. {nsdev}/ 2>/dev/null || true; "
              f"cp -a {dev}/dev/. {nsdev}/; "
              f"for f in $(find {nsdev} -maxdepth 2 -type f -name \"nvidia*\"); do "
              "case $f in *nvidiactl) minor=255 ;; *) minor=${f##*[!0-9]} ;; esac; "
              "case $f in *nvidia-caps/*) major=511 ;; *) major=195 ;; esac; "
              "rm -f $f; mknod -m 666 $f c $major $minor; done; "
              f"mount --rbind {nsdev} /dev; mount --bind {dev}/proc/driver /proc/driver; "
              'exec "$@"')
        self.ns_script = ns
        env = " ".join(f"{k}={v}" for k, v in sorted(self.env.items()))
        # An ASan build's libnvidia-ml.so needs the sanitizer runtimes preloaded into slurmd.
        preload = os.environ.get("MIGKIT_SLURMD_PRELOAD", "")
        slurmd_env = f"LD_LIBRARY_PATH={self.nvml_dir}"
        if preload:
            slurmd_env += (f" LD_PRELOAD={preload} "
                           "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:verify_asan_link_order=0")
        self.slurmd_env = slurmd_env
        script = f"""#!/bin/sh
# tests/slurm: start, stop or restart one daemon of the one-machine cluster in {r}.
set -u
action=$1
name=$2
export SLURM_CONF={self.conf} {env}
pidfile={r}/$name.pid

stop() {{
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || {{ rm -f "$pidfile"; return 0; }}
  i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -eq 100 ]; then kill -KILL "$pid" 2>/dev/null; fi
    if [ $i -gt 150 ]; then echo "$name ($pid) does not stop" >&2; exit 1; fi
    sleep 0.1
  done
  rm -f "$pidfile"
}}

start() {{
  case $name in
    slurmctld)
      slurmctld -i -f {self.conf} >>{r}/log/slurmctld.stderr 2>&1 </dev/null ;;
    slurmd)
      {self.migctl} emulator device-files --root {dev} >/dev/null
      env {slurmd_env} unshare --mount -- sh -c '{ns}' sh \
        slurmd -N {NODE} -f {self.conf} >>{r}/log/slurmd.stderr 2>&1 </dev/null ;;
    *) echo "unknown daemon $name" >&2; exit 2 ;;
  esac
  i=0
  until [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 150 ]; then echo "$name did not start" >&2; exit 1; fi
    sleep 0.1
  done
  if [ "$name" = slurmctld ]; then
    until scontrol ping 2>/dev/null | grep -q UP; do
      i=$((i + 1))
      if [ $i -gt 200 ]; then echo "slurmctld does not answer" >&2; exit 1; fi
      sleep 0.1
    done
  fi
}}

case $action in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|restart slurmctld|slurmd" >&2; exit 2 ;;
esac
"""
        self.daemon_script = os.path.join(r, "daemon.sh")
        self.write(self.daemon_script, script)
        os.chmod(self.daemon_script, 0o755)

    def daemon(self, action, name, timeout=40):
        self.run([self.daemon_script, action, name], timeout=timeout)
        if action == "start":
            self.started.add(name)

    def start_slurmctld(self):
        self.daemon("start", "slurmctld")

    def start_slurmd(self):
        self.daemon("start", "slurmd")

    def refresh_device_files(self):
        self.run([self.migctl, "emulator", "device-files", "--root",
                  os.path.join(self.root, "devroot")])

    def slurmd_gres_report(self):
        """`slurmd -G` in slurmd's namespace: the GRES slurmd detects, printed; then it exits."""
        self.refresh_device_files()
        p = self.run(["unshare", "--mount", "--", "sh", "-c", self.ns_script, "sh", "slurmd", "-G", "-N",
                      NODE, "-f", self.conf],
                     env=dict(kv.split("=", 1) for kv in self.slurmd_env.split()),
                     check=False)
        return p.stdout + p.stderr

    def log(self, name):
        return os.path.join(self.root, "log", name + ".log")

    def stop(self, name, timeout=10):
        if name in ("slurmctld", "slurmd"):
            if name in self.started:
                self.daemon("stop", name)
            return
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
