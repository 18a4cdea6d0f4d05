#!/usr/bin/env python3
"""End-to-end checks of the migsim binary on tiny hand-made traces: results, exit codes, messages.

usage: migsim_cli_test.py MIGSIM
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

MIGSIM = sys.argv[1]
failures = []


def run(*args):
    p = subprocess.run([MIGSIM, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    if not cond:
        failures.append(f"{name}: {detail}")


with tempfile.TemporaryDirectory() as d:
    nodes = os.path.join(d, "nodes.csv")
    pods = os.path.join(d, "pods.csv")
    with open(nodes, "w") as f:
        f.write("sn,cpu_milli,memory_mib,gpu,model\nn0,8000,32768,1,T4\nn1,8000,32768,1,T4\n")
    with open(pods, "w") as f:
        f.write("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,1024,1,1000\n")

    # 2 GPUs, one kind of pod (a whole GPU): inflation to 130 % draws 3 pods (3000 >= 2600
    # milli-GPU); 2 fit, the third fails. 150 % arrived, 100 % allocated, for every policy.
    code, out, err = run("fgd", "--nodes", nodes, "--trace", pods, "--policy", "all", "--json")
    check("fgd exit", code == 0, err)
    if code == 0:
        runs = json.loads(out)["runs"]
        check("fgd runs", len(runs) == 6, out)
        for r in runs:
            check("fgd " + r["policy"], r["arrived_pct"] == 150 and r["allocated_pct"] == 100 and
                  r["failed_pods"]["1-gpu"] == 1 and r["events"] == 3, json.dumps(r))

    # The same under MIG modes: whole GPUs and 7g instances alike place 2 of 3.
    code, out, err = run("mig", "--nodes", nodes, "--trace", pods, "--json")
    check("mig exit", code == 0, err)
    if code == 0:
        for m in json.loads(out)["modes"]:
            check("mig " + m["mode"], m["failed_pods"] == 1 and
                  abs(m["requested_allocated_pct"] - 100) < 1e-9, json.dumps(m))

    # Errors: a bad field names file and line (exit 3); a bad flag value is a usage error (2).
    bad = os.path.join(d, "bad.csv")
    with open(bad, "w") as f:
        f.write("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,x,1024,1,1000\n")
    code, out, err = run("fgd", "--nodes", nodes, "--trace", bad)
    check("bad csv", code == 3 and f"{bad}:2: column 'cpu_milli' is 'x'" in err, err)
    code, out, err = run("fgd", "--nodes", nodes, "--trace", pods, "--policy", "nope")
    check("bad policy", code == 2 and "unknown policy 'nope'" in err, err)
    code, out, err = run("fgd", "--nodes", nodes, "--trace", pods, "--seeds", "9-1")
    check("bad seeds", code == 2 and "--seeds '9-1'" in err, err)
    mig_html = os.path.join(d, "mig.html")
    code, out, err = run("mig", "--nodes", nodes, "--trace", pods, "--html", mig_html)
    check("mig html", code == 0 and open(mig_html).read().count("<svg") == 2 and
          "dynamic MIG, capacity-preserving" in open(mig_html).read(), err)
    mig_csv = os.path.join(d, "mig.csv")
    code, out, err = run("mig", "--nodes", nodes, "--trace", pods, "--csv", mig_csv)
    if code == 0:
        with open(mig_csv, newline="") as f:
            rows = list(csv.reader(f))
        check("mig csv header", rows[0] == ["mode", "seed", "arrived_pct", "requested_pct",
                                            "held_pct", "gpus_in_use_pct", "fragmentation_pct",
                                            "pods_failed"], rows[0])
        check("mig csv modes", len({r[0] for r in rows[1:]}) == 5 and
              all(len(r) == 8 for r in rows), rows[:3])
    code, out, err = run("mig", "--nodes", nodes, "--trace", pods, "--model", "K80")
    check("bad model", code == 2 and "unknown GPU model 'K80'" in err, err)

    # Outputs are written and deterministic.
    html = os.path.join(d, "r.html")
    svg = os.path.join(d, "a.svg")
    csv_path = os.path.join(d, "t.csv")
    code, out, err = run("fgd", "--nodes", nodes, "--trace", pods, "--html", html, "--svg", svg,
                         "--csv", csv_path)
    check("outputs", code == 0 and os.path.exists(html) and os.path.exists(csv_path), err)
    if code == 0:
        first = open(svg).read()
        run("fgd", "--nodes", nodes, "--trace", pods, "--svg", svg)
        check("svg deterministic", first == open(svg).read() and first.startswith("<svg"))

    # Diurnal: a scenario runs; a bad one names the line.
    scenario = os.path.join(d, "s.yaml")
    with open(scenario, "w") as f:
        f.write("days: 1\ncluster: {nodes: 1, gpus_per_node: 1}\nclasses:\n"
                "  - {name: inference, arrivals_per_hour: 2, gpu_milli: 140,"
                " mean_duration_s: 60}\n")
    code, out, err = run("diurnal", "--config", scenario, "--json")
    check("diurnal exit", code == 0, err)
    if code == 0:
        modes = json.loads(out)["modes"]
        check("diurnal modes", [m["mode"] for m in modes] == [
            "whole GPU per pod", "time-slicing/MPS", "static MIG (planner)",
            "dynamic MIG, first fit", "dynamic MIG, capacity-preserving"] and
              all(m["classes"]["inference"]["never_started"] == 0 for m in modes), out)
        # Two arrivals an hour of one-minute 1/7-GPU pods on one GPU: never seven at once, so
        # nobody waits under dynamic MIG or time-slicing (whole GPUs take one pod at a time).
        check("diurnal delays", all(m["classes"]["inference"]["p99_delay_s"] == 0 for m in modes
                                    if m["mode"].startswith(("dynamic", "time"))), out)

    # A job runs at its measured speed on a MIG instance: 3g for 400 milli-GPU on H100, where
    # MISO's ResNet-50/128 takes 0.03185 s per iteration against 0.02986 s on the whole GPU.
    speeds = os.path.join(d, "speeds.csv")
    with open(speeds, "w") as f:
        f.write("model,batch_size,mig_profile,compute_slices,mean_iter_time_s\n"
                "resnet,128,3g.20gb,3,0.03185\nresnet,128,7g.40gb,7,0.02986\n")
    with open(scenario, "w") as f:
        f.write("days: 1\nseed: 5\ncluster: {nodes: 1, gpus_per_node: 1}\nclasses:\n"
                "  - {name: ft, arrivals_per_hour: 1, gpu_milli: 400, job: resnet/128,"
                " mean_duration_s: 60}\n")
    code, out, err = run("diurnal", "--config", scenario, "--json")
    check("job without speeds", code == 0 and "no --speeds" in err, err)
    if code == 0:
        by_mode = {m["mode"]: m["classes"]["ft"] for m in json.loads(out)["modes"]}
        whole = by_mode["whole GPU per pod"]["median_completion_s"]
        mig = by_mode["dynamic MIG, capacity-preserving"]["median_completion_s"]
        check("fallback slowdown on 3g", whole > 0 and abs(mig / whole - (7 / 3) ** 0.55) < 1e-6,
              f"{mig} / {whole}")
    code, out, err = run("diurnal", "--config", scenario, "--speeds", speeds, "--json")
    check("diurnal with speeds", code == 0, err)
    if code == 0:
        by_mode = {m["mode"]: m["classes"]["ft"] for m in json.loads(out)["modes"]}
        whole = by_mode["whole GPU per pod"]["median_completion_s"]
        mig = by_mode["dynamic MIG, capacity-preserving"]["median_completion_s"]
        check("measured slowdown on 3g", whole > 0 and abs(mig / whole - 0.03185 / 0.02986) < 1e-6,
              f"{mig} / {whole}")
    with open(scenario, "w") as f:
        f.write("days: 1\ncluster: {nodes: 1, gpus_per_node: 1}\nclasses:\n"
                "  - {name: ft, arrivals_per_hour: 1, gpu_milli: 140, job: resnet/128}\n")
    code, out, err = run("diurnal", "--config", scenario, "--speeds", speeds)
    check("job too small", code == 2 and "did not fit instances under 3 compute slices" in err, err)
    with open(scenario, "w") as f:
        f.write("days: 1\ncluster: {nodes: 1, gpus_per_node: 1}\nclasses:\n"
                "  - {name: ft, arrivals_per_hour: 1, gpu_milli: 500, job: bert/2}\n")
    code, out, err = run("diurnal", "--config", scenario, "--speeds", speeds)
    check("unknown job", code == 2 and "'bert/2' is not in the speed table (valid: resnet/128)"
          in err, err)

    # GPUs needed, the HTML report and the charts.
    with open(scenario, "w") as f:
        f.write("days: 1\ncluster: {nodes: 1, gpus_per_node: 1}\nclasses:\n"
                "  - {name: inference, arrivals_per_hour: 20, gpu_milli: 140,"
                " mean_duration_s: 1800}\n")
    report = os.path.join(d, "diurnal.html")
    code, out, err = run("diurnal", "--config", scenario, "--gpus-needed", "60", "--max-nodes", "40",
                         "--json",
                         "--html", report, "--svg-dir", d)
    check("gpus needed", code == 0, err)
    if code == 0:
        needed = {m["mode"]: m["gpus_needed"] for m in json.loads(out)["modes"]}
        # About 10 pods at once: whole GPUs need about ten times the GPUs of dynamic MIG.
        check("gpus needed values", needed["dynamic MIG, capacity-preserving"] >= 1 and
              needed["whole GPU per pod"] >= 5 * needed["dynamic MIG, capacity-preserving"],
              str(needed))
        page = open(report).read()
        check("diurnal html", page.count("<svg") == 3 and "GPUs busy over the day" in page, page[:200])
        check("diurnal svgs", all(os.path.exists(os.path.join(d, f"diurnal-{n}.svg"))
                                  for n in ("gpus-busy", "delay-cdf", "completion-cdf-inference")))
    # Scheduled MIG from a schedule file with the built-in configs: a fourth mode.
    sched = os.path.join(d, "sched.yaml")
    with open(sched, "w") as f:
        f.write("version: v1\ntime-zone: UTC\ndefault: all-7g.80gb\nwindows:\n"
                "  - {days: daily, from: \"08:00\", to: \"20:00\", config: all-1g.10gb}\n")
    code, out, err = run("diurnal", "--config", scenario, "--schedule", sched, "--json")
    check("diurnal schedule", code == 0 and
          [m["mode"] for m in json.loads(out or "{}").get("modes", [])][-1:] == ["scheduled MIG"],
          err + out)
    with open(sched, "w") as f:
        f.write("version: v1\ntime-zone: UTC\ndefault: all-9g.90gb\n")
    code, out, err = run("diurnal", "--config", scenario, "--schedule", sched)
    check("diurnal bad schedule", code == 3 and "all-9g.90gb" in err, err)
    with open(scenario, "w") as f:
        f.write("days: 0\ncluster: {nodes: 1}\nclasses: [{arrivals_per_hour: 1}]\n")
    code, out, err = run("diurnal", "--config", scenario)
    check("diurnal bad", code == 3 and f"{scenario}:1: 'days' is 0" in err, err)

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("migsim CLI: all checks passed")
