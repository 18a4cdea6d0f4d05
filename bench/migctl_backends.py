#!/usr/bin/env python3
"""Times migctl through the NVML backend against the direct (emulator) backend.

Each command runs N times per backend, the two backends interleaved so that they share the
machine's noise; the medians of wall time and of CPU time (user + system of the child) are
printed with their ratio NVML / direct. The node is a temporary 8 x H100 with 7 MIG devices each.

Usage: bench/migctl_backends.py MIGCTL NVML_LIB_DIR [RUNS]
  e.g. bench/migctl_backends.py build/migctl build/nvml 40
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = [["status"], ["instances", "--json"]]


def run(migctl, args, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([migctl] + args, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    migctl = os.path.abspath(sys.argv[1])
    lib_dir = os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 40
    state = tempfile.mkdtemp(prefix="migctl-bench-")
    try:
        base = dict(os.environ, MIGKIT_STATE_DIR=state, MIGKIT_EMULATE="8xH100-SXM5-80GB",
                    NO_COLOR="1")
        base.pop("MIGKIT_FAULTS", None)
        base.pop("MIGKIT_CATALOG", None)
        direct = dict(base, MIGKIT_BACKEND="direct")
        nvml = dict(base, MIGKIT_BACKEND="nvml", LD_LIBRARY_PATH=lib_dir)
        subprocess.run([migctl, "mig", "enable"], env=direct, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([migctl, "create-gi", "-C", ",".join(["1g.10gb"] * 7)], env=direct,
                       check=True, stdout=subprocess.DEVNULL)
        for args in COMMANDS:
            # The outputs must agree, or the comparison is meaningless.
            a = subprocess.run([migctl] + args, env=direct, check=True, capture_output=True).stdout
            b = subprocess.run([migctl] + args, env=nvml, check=True, capture_output=True).stdout
            if a != b:
                sys.exit("outputs of `migctl %s` differ between the backends" % " ".join(args))
            samples = {"direct": [], "nvml": []}
            for _ in range(runs):
                samples["direct"].append(run(migctl, args, direct))
                samples["nvml"].append(run(migctl, args, nvml))
            med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
                   for k, v in samples.items()}
            print("migctl %-16s direct %6.1f ms wall %6.1f ms cpu | nvml %6.1f ms wall %6.1f ms cpu"
                  " | nvml/direct %.2fx wall %.2fx cpu  (median of %d)" % (
                      " ".join(args), med["direct"][0], med["direct"][1], med["nvml"][0],
                      med["nvml"][1], med["nvml"][0] / med["direct"][0],
                      med["nvml"][1] / med["direct"][1], runs))
    finally:
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
