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


def reconfigure(c, mode):
    c.stop("slurmd")
    c.stop("slurmctld")
    configure(c, mode)
    c.start_slurmctld()
    c.start_slurmd()
    c.wait_node_state(["IDLE"])


def scenario_static(c):
    reconfigure(c, "static")
    with open(c.gres_conf) as f:
        text = f.read()
    expect("AutoDetect=off" in text, f"static gres.conf:\n{text}")
    # The same GRES; no socket affinity "(S:0)", since without NVML no gres.conf line has Cores=.
    sinfo = c.run(["sinfo", "-h", "-N", "-o", "%G"]).stdout.strip()
    want = SINFO_GRES.replace("(S:0)", "")
    expect(sinfo == want, f"static gres.conf: sinfo %G: {sinfo!r}, want {want!r}")
    # Without NVML Slurm hands out device indices, not UUIDs (§1.4): the 3g.20gb is the first.
    env = srun_env(c, "gpu:a100_3g.20gb:1")
    expect(env.get("CUDA_VISIBLE_DEVICES") == "0" and env.get("SLURM_STEP_GPUS") == "0",
           f"static: CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES')!r} "
           f"SLURM_STEP_GPUS={env.get('SLURM_STEP_GPUS')!r}")


MIG_CONFIGS = """version: v1
mig-configs:
  same-count:
    - devices: all
      mig-enabled: true
      mig-devices: {"3g.20gb": 1, "1g.10gb": 1, "1g.5gb": 2}
  five:
    - devices: all
      mig-enabled: true
      mig-devices: {"3g.20gb": 1, "1g.5gb": 4}
"""


def job_state(c, job):
    return c.run(["squeue", "-h", "-j", job, "-o", "%T"]).stdout.strip()


def slurm_apply(c, config, *extra, env=None):
    return c.run([c.migctl, "slurm", "apply", "-f", os.path.join(c.root, "mig.yaml"), "-c", config,
                  "--node", NODE, "--slurm-conf", c.conf,
                  "--restart-cmd", c.daemon_script + " restart", *extra],
                 check=False, timeout=120, env=env)


def scenario_apply(c, uuids):
    reconfigure(c, "nvml")
    c.write(os.path.join(c.root, "mig.yaml"), MIG_CONFIGS)
    with open(c.conf) as f:
        conf_before = f.read()
    # A job on the 3g.20gb (GRES index 0), which every target keeps.
    job = c.run(["sbatch", "--parsable", "--gres=gpu:a100_3g.20gb:1", "-o", "job-%j.out",
                 "--wrap", "echo CVD=$CUDA_VISIBLE_DEVICES; sleep 300"]).stdout.strip()
    out = os.path.join(c.root, f"job-{job}.out")
    c.wait_for(lambda: os.path.exists(out) and "CVD=" in open(out).read(), 20, f"job {job}")
    expect(open(out).read().strip() == "CVD=" + uuids["3g.20gb"][0],
           f"job {job} got {open(out).read()!r}")

    # Same GRES count, the 3g.20gb keeps index 0: the job keeps running through both restarts.
    p = slurm_apply(c, "same-count", "--wait", "30s")
    expect(p.returncode == 0, f"slurm apply same-count: rc {p.returncode}\n{p.stdout}{p.stderr}")
    expect(job_state(c, job) == "RUNNING", f"job {job} after apply: {job_state(c, job)!r}")
    now = mig_uuids(c)
    expect(now["3g.20gb"] == uuids["3g.20gb"], f"3g.20gb UUID changed: {now}")
    expect(c.node_field("State") == "MIXED", f"node after apply: {c.node_field('State')}")
    want = "gpu:a100_3g.20gb:1(S:0),gpu:a100_1g.10gb:1(S:0),gpu:a100_1g.5gb:2(S:0)"
    sinfo = c.run(["sinfo", "-h", "-N", "-o", "%G"]).stdout.strip()
    expect(sinfo == want, f"sinfo after apply: {sinfo!r}, want {want!r}")
    with open(c.conf) as f:
        conf_after = f.read()
    expect(conf_after == conf_before.replace(SINFO_GRES.replace("(S:0)", ""),
                                             want.replace("(S:0)", "")),
           "slurm.conf changed beyond the node's Gres=")
    env = srun_env(c, "gpu:a100_1g.10gb:1")
    expect(env.get("CUDA_VISIBLE_DEVICES") == now["1g.10gb"][0],
           f"new type: CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES')!r}, "
           f"want {now['1g.10gb']}")

    # A node slurm.conf does not describe: refused before anything changes, exit 3.
    p = c.run([c.migctl, "slurm", "apply", "-f", os.path.join(c.root, "mig.yaml"), "-c", "five",
               "--node", "gpu9", "--slurm-conf", c.conf], check=False)
    expect(p.returncode == 3 and "no line 'NodeName=gpu9 ...'" in p.stderr,
           f"unknown node: rc {p.returncode}\n{p.stderr}")

    # A new GPU count: Slurm 22.05 would kill the job, so apply waits for it, then gives up.
    p = slurm_apply(c, "five", "--wait", "2s")
    expect(p.returncode == 1 and f"job(s) {job} still hold" in p.stderr,
           f"slurm apply five with a job: rc {p.returncode}\n{p.stderr}")
    expect(job_state(c, job) == "RUNNING", f"job {job}: {job_state(c, job)!r}")
    expect(mig_uuids(c) == now, "the layout changed although apply refused")
    reason = c.run(["sinfo", "-h", "-N", "-o", "%E"]).stdout.strip()
    expect(c.node_field("State") == "MIXED+DRAIN" and reason.startswith(
        "migkit: apply five not done: job(s)"), f"node: {c.node_field('State')} {reason!r}")
    c.run(["scancel", job])
    c.wait_for(lambda: job_state(c, job) == "", 20, f"job {job} to end")

    # A failing MIG step: layout, files and daemons back; the node stays drained, saying why.
    p = slurm_apply(c, "five", env={"MIGKIT_FAULTS": "create-gi=insufficient_resources"})
    expect(p.returncode == 1 and "rolled back" in p.stderr, f"fault: rc {p.returncode}\n{p.stderr}")
    expect(mig_uuids(c) == now, f"layout after a failed apply: {mig_uuids(c)}")
    with open(c.conf) as f:
        expect(f.read() == conf_after, "slurm.conf changed by a failed apply")
    reason = c.run(["sinfo", "-h", "-N", "-o", "%E"]).stdout.strip()
    expect("IDLE+DRAIN" == c.node_field("State") and "layout rolled back" in reason,
           f"node after the fault: {c.node_field('State')} {reason!r}")

    # Without jobs the GPU count may change: four 1g.5gb now.
    p = slurm_apply(c, "five")
    expect(p.returncode == 0, f"slurm apply five: rc {p.returncode}\n{p.stdout}{p.stderr}")
    expect(c.node_field("State") == "IDLE", f"node after apply five: {c.node_field('State')}")
    env = srun_env(c, "gpu:a100_1g.5gb:4")
    got = sorted(env.get("CUDA_VISIBLE_DEVICES", "").split(","))
    expect(got == sorted(mig_uuids(c)["1g.5gb"]) and len(got) == 4,
           f"four 1g.5gb: CUDA_VISIBLE_DEVICES={got}")


def scenario_schedule(c):
    """`migctl schedule run` with a slurm: block applies through Slurm (after scenario_apply)."""
    sched = os.path.join(c.root, "schedule.yaml")
    c.write(sched, f"""version: v1
time-zone: UTC
config-file: mig.yaml
default: same-count
slurm:
  node: {NODE}
  slurm-conf: {c.conf}
  restart-cmd: {c.daemon_script} restart
""")
    p = c.run([c.migctl, "schedule", "run", "-f", sched, "--for", "1s"], timeout=120)
    expect("applied through Slurm: node vm resumed with Gres=gpu:a100_3g.20gb:1,"
           "gpu:a100_1g.10gb:1,gpu:a100_1g.5gb:2" in p.stderr, f"schedule run:\n{p.stderr}")
    expect(c.node_field("State") == "IDLE", f"node after the schedule: {c.node_field('State')}")
    env = srun_env(c, "gpu:a100_1g.10gb:1")
    expect(env.get("CUDA_VISIBLE_DEVICES") == mig_uuids(c)["1g.10gb"][0],
           f"after the schedule: CUDA_VISIBLE_DEVICES={env.get('CUDA_VISIBLE_DEVICES')!r}")


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
                               ("static", lambda: scenario_static(c)),
                               ("apply", lambda: scenario_apply(c, uuids)),
                               ("schedule", lambda: scenario_schedule(c))]:
            t = time.time()
            scenario()
            print(f"ok: {name} ({time.time() - t:.1f} s)")
        ok = True
    except Failure as e:
        print(f"FAIL: {e}", file=sys.stderr)
    except Exception:  # a bug in the test or a command that timed out: the whole story
        import traceback
        print("FAIL: " + traceback.format_exc(), file=sys.stderr)
    finally:
        for name in [] if ok else ["slurmctld", "slurmd"]:
            path = c.log(name)
            if os.path.exists(path):
                with open(path) as f:
                    tail = "".join(f.readlines()[-15:])
                print(f"--- last lines of {path}:\n{tail}", file=sys.stderr)
        c.stop_all()
    print(f"{checks} checks, {time.time() - started:.1f} s; files in {root}")
    if ok:
        import shutil
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
