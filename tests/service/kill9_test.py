#!/usr/bin/env python3
"""kill -9 migkitd while it creates and releases leases, many times; after each restart nothing
is lost or double-counted.

usage: kill9_test.py MIGKITD [ROUNDS]

Each round starts migkitd on the same state directory, fires lease creations and releases from
two tenants, and SIGKILLs it after a random delay (often mid-request). At the end a clean migkitd
reconciles, and the test checks against the store (SQLite), the emulated node (node.json) and the
busy marks (busy.json):
  * every lease a client was granted (201) is active or has a ledger stop: none is lost;
  * every release a client saw succeed (200) has a ledger stop;
  * each lease has exactly one ledger start and at most one stop; active = started, not stopped;
  * no instance is leased twice, and every active lease's GI and CI exist on the node;
  * no tenant holds more compute slices than its quota;
  * migkitd's busy marks are exactly the active leases.
"""
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time

from service_test_lib import Daemon

QUOTAS = {"acme": 9, "beta": 12}
PROFILES = ["1g.10gb", "1g.20gb", "2g.20gb", "3g.40gb"]


def main():
    binary = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="migkitd-kill9.") as tmp:
        state = os.path.join(tmp, "state")
        d = Daemon(binary, state)
        tokens = {}
        for name, slices in QUOTAS.items():
            assert d.call("POST", "/v1/tenants", body={"name": name, "quota": {"slices": slices}})[0] == 201
            tokens[name] = d.call("POST", "/v1/tenants/%s/tokens" % name, body={})[1]["token"]
        d.stop()

        granted = {}   # lease id -> tenant, as clients saw them
        released = set()
        kills_mid_request = 0
        for _ in range(rounds):
            d = Daemon(binary, state)
            stop = threading.Event()
            lock = threading.Lock()
            in_flight = [0]

            def client(tenant):
                while not stop.is_set():
                    with lock:
                        mine = [i for i, t in granted.items() if t == tenant and i not in released]
                        in_flight[0] += 1
                    try:
                        if mine and rng.random() < 0.5:
                            lease = rng.choice(mine)
                            status, _ = d.call("DELETE", "/v1/leases/" + lease, tokens[tenant], timeout=2)
                            if status == 200:
                                with lock:
                                    released.add(lease)
                        else:
                            status, body = d.call("POST", "/v1/leases", tokens[tenant],
                                                  {"profile": rng.choice(PROFILES)}, timeout=2)
                            if status == 201:
                                with lock:
                                    granted[body["id"]] = tenant
                    except Exception:  # noqa: BLE001 - any failure: the daemon died under the request
                        return
                    finally:
                        with lock:
                            in_flight[0] -= 1

            threads = [threading.Thread(target=client, args=(t,)) for t in QUOTAS]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.0, 0.04))
            with lock:
                kills_mid_request += in_flight[0] > 0
            d.kill9()
            stop.set()
            for t in threads:
                t.join()

        d = Daemon(binary, state)
        _, leases_reply = d.call("GET", "/v1/leases")
        d.stop()
        check(state, granted, released, leases_reply["leases"])
        print("kill9: %d rounds, %d kills during a request, %d leases granted, %d released; "
              "no lease lost, none double-counted" % (rounds, kills_mid_request, len(granted),
                                                       len(released)))
        assert kills_mid_request >= rounds // 2, "too few kills landed during a request"


def check(state, granted, released, api_leases):
    db = sqlite3.connect(os.path.join(state, "migkitd.db"))
    active = {row[0]: row for row in db.execute(
        "SELECT id, tenant, gpu_uuid, gi_id, ci_id, slices FROM leases")}
    starts, stops = {}, {}
    for kind, lease in db.execute("SELECT kind, lease_id FROM ledger"):
        (starts if kind == "start" else stops)[lease] = (starts if kind == "start" else stops).get(lease, 0) + 1
    assert all(n == 1 for n in starts.values()), "a lease started twice"
    assert all(n == 1 for n in stops.values()), "a lease stopped twice"
    assert set(stops) <= set(starts), "a stop without a start"
    assert set(active) == set(starts) - set(stops), "active leases differ from the ledger"
    assert set(active) == {l["id"] for l in api_leases}
    for lease in granted:
        assert lease in active or lease in stops, "granted lease %s was lost" % lease
    for lease in released:
        assert lease in stops, "released lease %s has no ledger stop" % lease

    node = json.load(open(os.path.join(state, "node.json")))
    instances = {}
    for gpu in node["gpus"]:
        for gi in gpu["gpu_instances"]:
            instances[(gpu["uuid"], gi["id"])] = {ci["id"] for ci in gi["compute_instances"]}
    seen = set()
    held = {t: 0 for t in QUOTAS}
    for lease, tenant, gpu_uuid, gi, ci, slices in active.values():
        assert (gpu_uuid, gi) not in seen, "instance leased twice"
        seen.add((gpu_uuid, gi))
        assert ci in instances.get((gpu_uuid, gi), set()), "lease %s: instance gone" % lease
        held[tenant] += slices
    for tenant, slices in held.items():
        assert slices <= QUOTAS[tenant], "%s holds %d slices over its quota" % (tenant, slices)

    busy_path = os.path.join(state, "busy.json")
    marks = json.load(open(busy_path))["marks"] if os.path.exists(busy_path) else []
    marked = {m["holder"][len("migkitd:"):] for m in marks if m["holder"].startswith("migkitd:")}
    assert marked == set(active), "busy marks differ from the active leases"


if __name__ == "__main__":
    main()
