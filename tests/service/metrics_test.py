#!/usr/bin/env python3
"""migkitd's /metrics after leases made through the API passes `promtool check metrics`.

usage: metrics_test.py MIGKITD
"""
import os
import shutil
import subprocess
import sys
import tempfile

from service_test_lib import Daemon


def main():
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: install Debian's prometheus (scripts/install-deps.sh)"
    with tempfile.TemporaryDirectory(prefix="migkitd-metrics.") as tmp:
        d = Daemon(sys.argv[1], os.path.join(tmp, "state"))
        try:
            assert d.call("POST", "/v1/tenants", body={"name": "acme", "quota": {"slices": 7}})[0] == 201
            token = d.call("POST", "/v1/tenants/acme/tokens", body={})[1]["token"]
            status, lease = d.call("POST", "/v1/leases", token, {"profile": "3g.40gb"})
            assert status == 201, lease
            assert d.call("GET", "/metrics", token=None)[0] == 401
            assert d.call("GET", "/metrics", token=token)[0] == 403
            status, text = d.call("GET", "/metrics")
            assert status == 200, text
        finally:
            d.stop()
    check = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, "promtool: " + check.stdout + check.stderr
    lines = text.splitlines()
    # H100-SXM5-80GB: a 3g.40gb holds 3 of the GPU's 7 compute slices (mig-facts.md §3).
    assert 'migkitd_gpu_slices{gpu="%d",model="H100-SXM5-80GB",state="leased"} 3' % lease["gpu"] in lines
    assert 'migkitd_tenant_slices{tenant="acme"} 3' in lines
    assert 'migkitd_instances{gpu="%d",profile="3g.40gb",state="leased"} 1' % lease["gpu"] in lines
    assert any(l.startswith('migkitd_http_requests_total{method="POST",code="201"} ') for l in lines)
    print("metrics_test: promtool accepts %d lines" % len(lines))


if __name__ == "__main__":
    main()
