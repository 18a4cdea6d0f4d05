#!/usr/bin/env python3
"""Real Slurm daemons (Debian's 22.05) on migkit's emulated A100: what `migctl slurm` writes is
what slurmctld, slurmd and Slurm's gpu/nvml plugin see and hand to jobs.

usage: slurm_daemons_test.py MIGCTL NVML_DIR

Expected values are facts (cluster-and-service.md §1.3, mig-facts.md §7): the types Slurm gave
this layout, the capability minors of GIs 2, 3, 9 and 10, and the MIG UUIDs `migctl instances`
reports for the node. Runs as root; fails (never skips) when it cannot.
"""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from slurm_cluster import NODE, Cluster, Failure, check_environment  # noqa: E402

# The layout of §1.3 and what Slurm reported for it there.
LAYOUT = "3g.20gb,2g.10gb,1g.5gb,1g.5gb"
SINFO_GRES = "gpu:a100_3g.20gb:1(S:0),gpu:a100_2g.10gb:1(S:0),gpu:a100_1g.5gb:2(S:0)"
# (type, GI cap minor, CI cap minor) in the plugin's order: GI 2, 3, 9, 10 (3 + 9*gi, + 1).
DEVICES = [("a100_3g.20gb", 21, 22), ("a100_2g.10gb", 30, 31), ("a100_1g.5gb", 84, 85),
           ("a100_1g.5gb", 93, 94)]

checks = 0


def expect(cond, message):
    global checks
    checks += 1
    if not cond:
        raise Failure(message)


def mig_uuids(c):
    """{profile name: [uuid...]} from `migctl instances --json`."""
    out = json.loads(c.run([c.migctl, "instances", "--json"]).stdout)
    by_profile = {}
    for gi in out:
        for ci in gi["cis"]:
            by_profile.setdefault(gi["profile"], []).append(ci["uuid"])
    return by_profile


def srun_env(c, gres, timeout=30):
    p = c.run(["srun", "-N1", f"--gres={gres}", "--time=1", "env"], timeout=timeout)
    env = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    return env


def configure(c, mode):
    gres = c.run([c.migctl, "slurm", "gres", "--only", "gres"]).stdout.strip()
    c.write(c.conf, c.slurm_conf_text(gres))
    c.write(c.gres_conf, c.run([c.migctl, "slurm", "gres", "--mode", mode, "--node", NODE,
                                "--only", "gres.conf"]).stdout)
    return gres


def scenario_autodetect(c, uuids):
    gres = configure(c, "nvml")
    expect(gres == SINFO_GRES.replace("(S:0)", ""), f"migctl slurm gres gave Gres={gres}")
    # What the gpu/nvml plugin detects, before any daemon runs.
    report = c.slurmd_gres_report()
    for type_, gi_cap, ci_cap in DEVICES:
        files = (f"File=/dev/nvidia0,/dev/nvidia-caps/nvidia-cap{gi_cap},"
                 f"/dev/nvidia-caps/nvidia-cap{ci_cap}")
        line = [l for l in report.splitlines() if f"Type={type_} " in l and files in l]
        expect(len(line) == 1, f"slurmd -G has no {type_} with {files}:\n{report}")
    c.start_slurmctld()
    c.start_slurmd()
    c.wait_node_state(["IDLE"])
    sinfo = c.run(["sinfo", "-h", "-N", "-o", "%G"]).stdout.strip()
    expect(sinfo == SINFO_GRES, f"sinfo %G: {sinfo!r}, want {SINFO_GRES!r}")
    show = c.node_show()
    expect(f"Gres={SINFO_GRES}" in show, f"scontrol show node:\n{show}")
    # One 1g.5gb: its MIG UUID.
    env = srun_env(c, "gpu:a100_1g.5gb:1")
    cvd = env.get("CUDA_VISIBLE_DEVICES", "")
    expect(cvd in uuids["1g.5gb"], f"CUDA_VISIBLE_DEVICES={cvd!r}, want one of {uuids['1g.5gb']}")
    # A mixed request: one UUID per instance.
    env = srun_env(c, "gpu:a100_3g.20gb:1,gpu:a100_1g.5gb:2")
    got = sorted(env.get("CUDA_VISIBLE_DEVICES", "").split(","))
    want = sorted(uuids["3g.20gb"] + uuids["1g.5gb"])
    expect(got == want, f"mixed request: CUDA_VISIBLE_DEVICES={got}, want {want}")


def scenario_pending(c):
    # More 1g.5gb than the node has: slurmctld refuses it outright.
    p = c.run(["sbatch", "--gres=gpu:a100_1g.5gb:3", "--wrap", "true"], check=False)
    expect(p.returncode != 0 and "Requested node configuration is not available" in p.stderr,
           f"sbatch for 3 x 1g.5gb: rc {p.returncode}, {p.stderr}")
    # Both 1g.5gb held by a running job: the next one waits with Slurm's reason.
    hold = c.run(["sbatch", "--parsable", "--gres=gpu:a100_1g.5gb:2", "--wrap", "sleep 60"])
    holder = hold.stdout.strip().split(";")[0]
    c.wait_for(lambda: c.run(["squeue", "-h", "-j", holder, "-o", "%T"]).stdout.strip() ==
               "RUNNING", 20, f"job {holder} to run")
    wait = c.run(["sbatch", "--parsable", "--gres=gpu:a100_1g.5gb:1", "--wrap", "true"])
    waiter = wait.stdout.strip().split(";")[0]
    time.sleep(2)
    state = c.run(["squeue", "-h", "-j", waiter, "-o", "%T %r"]).stdout.strip()
    expect(state == "PENDING Resources", f"job {waiter}: {state!r}, want 'PENDING Resources'")
    c.run(["scancel", holder, waiter])
    c.wait_for(lambda: c.run(["squeue", "-h"]).stdout.strip() == "", 20, "the queue to empty")


def scenario_static(c):
    c.stop("slurmd")
    c.stop("slurmctld")
    configure(c, "static")
    with open(c.gres_conf) as f:
        text = f.read()
    expect("AutoDetect=off" in text, f"static gres.conf:\n{text}")
    c.start_slurmctld()
    c.start_slurmd()
    c.wait_node_state(["IDLE"])
    # The same GRES; no socket affinity "(S:0)", since without NVML no gres.conf line has Cores=.
    sinfo = c.run(["sinfo", "-h", "-N", "-o", "%G"]).stdout.strip()
    want = SINFO_GRES.replace("(S:0)", "")
    expect(sinfo == want, f"static gres.conf: sinfo %G: {sinfo!r}, want {want!r}")
    # Without NVML Slurm hands out device indices, not UUIDs (§1.4): the 3g.20gb is the first.
    env = srun_env(c, "gpu:a100_3g.20gb:1")
    expect(env.get("CUDA_VISIBLE_DEVICES") == "0" and env.get("SLURM_STEP_GPUS") == "0",
           f"static: CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES')!r} "
           f"SLURM_STEP_GPUS={env.get('SLURM_STEP_GPUS')!r}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    migctl, nvml_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    started = time.time()
    try:
        check_environment()
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    root = tempfile.mkdtemp(prefix="migkit-slurm-")
    env = {"MIGKIT_STATE_DIR": os.path.join(root, "gpu-state"),
           "MIGKIT_EMULATE": "A100-SXM4-40GB"}
    c = Cluster(root, migctl, nvml_dir, env)
    ok = False
    try:
        c.run([migctl, "mig", "enable", "-i", "0"])
        c.run([migctl, "reset", "-i", "0"])
        c.run([migctl, "create-gi", LAYOUT, "-C"])
        uuids = mig_uuids(c)
        c.start_munge()
        for name, scenario in [("autodetect", lambda: scenario_autodetect(c, uuids)),
                               ("pending", lambda: scenario_pending(c)),
                               ("static", lambda: scenario_static(c))]:
            t = time.time()
            scenario()
            print(f"ok: {name} ({time.time() - t:.1f} s)")
        ok = True
    except (Failure, Exception) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        for name in ["slurmctld", "slurmd"]:
            path = c.log(name)
            if os.path.exists(path):
                with open(path) as f:
                    tail = "".join(f.readlines()[-15:])
                print(f"--- last lines of {path}:\n{tail}", file=sys.stderr)
    finally:
        c.stop_all()
    print(f"{checks} checks, {time.time() - started:.1f} s; files in {root}")
    if ok:
        import shutil
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
