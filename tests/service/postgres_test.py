#!/usr/bin/env python3
"""Two migkitd (two nodes) share one PostgreSQL store and never together exceed a quota.

usage: postgres_test.py MIGKITD

Starts a real PostgreSQL from Debian (initdb/pg_ctl, as the postgres user when run as root) on a
unix socket in a temporary directory, starts two migkitd with --store postgresql://..., and in each
of many rounds has twelve clients lease for one tenant on both nodes at the same moment. The
grants must reach the quota and never exceed it, both nodes must have refused with 403, and the
shared ledger must count every grant once.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from service_test_lib import Daemon

QUOTA = 3
ROUNDS = 25


def pg_bin(name):
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    assert found, "PostgreSQL not found: install Debian's postgresql (scripts/install-deps.sh)"
    return found[-1]


def as_db_user(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


def main():
    migkitd = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="migkitd-pg.")
    pgdata = os.path.join(tmp, "pgdata")
    started = False
    daemons = []
    try:
        if os.geteuid() == 0:
            shutil.chown(tmp, "postgres")
        subprocess.run(as_db_user([pg_bin("initdb"), "-D", pgdata, "-A", "trust", "-U", "migkit",
                                   "--no-sync"]), check=True, capture_output=True, timeout=60)
        subprocess.run(as_db_user([pg_bin("pg_ctl"), "-D", pgdata, "-w", "-t", "30", "-l",
                                   os.path.join(tmp, "pg.log"), "-o",
                                   "-k %s -c listen_addresses='' -c fsync=off" % tmp, "start"]),
                       check=True, capture_output=True, timeout=60)
        started = True
        subprocess.run(as_db_user([pg_bin("createdb"), "-h", tmp, "-U", "migkit", "migkit"]),
                       check=True, capture_output=True, timeout=30)
        uri = "postgresql:///migkit?host=%s&user=migkit" % tmp
        for node in ("node-a", "node-b"):
            daemons.append(Daemon(migkitd, os.path.join(tmp, node),
                                  ["--store", uri, "--node", node]))
        a, b = daemons
        assert a.call("POST", "/v1/tenants", body={"name": "acme", "quota": {"slices": QUOTA}})[0] == 201
        token = a.call("POST", "/v1/tenants/acme/tokens", body={})[1]["token"]
        # The tenant and its token live in the shared store: node B knows them.
        assert b.call("GET", "/v1/tenants/acme", token)[0] == 200

        # Rounds: twelve clients (six per node) ask for a 1g.10gb each at the same moment, then
        # everything is released. Within a node grants are serialised; across nodes only the
        # store's transaction keeps two grants from both seeing room for one.
        granted, refused = 0, {"node-a": 0, "node-b": 0}
        nodes = set()
        for _ in range(ROUNDS):
            barrier = threading.Barrier(12)
            results = []
            lock = threading.Lock()

            def client(d, node):
                barrier.wait()
                status, body = d.call("POST", "/v1/leases", token, {"profile": "1g.10gb"})
                with lock:
                    results.append((node, status, body))

            threads = [threading.Thread(target=client, args=(d, node))
                       for d, node in ((a, "node-a"), (b, "node-b")) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            leases = a.call("GET", "/v1/leases")[1]["leases"] + b.call("GET", "/v1/leases")[1]["leases"]
            held = sum(l["slices"] for l in leases)
            assert held <= QUOTA, "the two nodes hold %d slices over a quota of %d" % (held, QUOTA)
            ok = [r for r in results if r[1] == 201]
            assert len(ok) == QUOTA == held, (len(ok), held, results)
            for node, status, body in results:
                assert status in (201, 403), body
                refused[node] += status == 403
                nodes.add(node) if status == 201 else None
            granted += len(ok)
            for l in leases:
                d = a if l["node"] == "node-a" else b
                assert d.call("DELETE", "/v1/leases/" + l["id"], token)[0] == 200
        usage = a.call("GET", "/v1/usage?tenant=acme")[1]["rows"]
        assert nodes == {"node-a", "node-b"}, nodes
        assert refused["node-a"] > 0 and refused["node-b"] > 0, refused
        assert sum(r["leases"] for r in usage) == granted
        print("postgres_test: %d rounds, %d leases granted over two nodes, never more than the "
              "quota of %d slices; %s refusals" % (ROUNDS, granted, QUOTA, refused))
    finally:
        for d in daemons:
            d.stop()
        if started:
            subprocess.run(as_db_user([pg_bin("pg_ctl"), "-D", pgdata, "-m", "immediate", "stop"]),
                           capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
