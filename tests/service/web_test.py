#!/usr/bin/env python3
"""migkitd's web view in headless Chromium after leases made through the API.

usage: web_test.py MIGKITD
"""
import os
import shutil
import subprocess
import sys
import tempfile

from service_test_lib import ADMIN, Daemon


def chromium(tmp, *args):
    browser = shutil.which("chromium")
    assert browser, "chromium not found: install Debian's chromium (scripts/install-deps.sh)"
    cmd = [browser, "--headless", "--disable-gpu", "--no-first-run", "--user-data-dir=" +
           os.path.join(tmp, "chromium"), "--virtual-time-budget=5000", *args]
    if os.geteuid() == 0:
        cmd.insert(2, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


def main():
    with tempfile.TemporaryDirectory(prefix="migkitd-web.") as tmp:
        d = Daemon(sys.argv[1], os.path.join(tmp, "state"))
        try:
            for name, slices in (("acme", 7), ("beta", 7)):
                assert d.call("POST", "/v1/tenants", body={"name": name, "quota": {"slices": slices}})[0] == 201
            acme = d.call("POST", "/v1/tenants/acme/tokens", body={})[1]["token"]
            beta = d.call("POST", "/v1/tenants/beta/tokens", body={})[1]["token"]
            status, lease = d.call("POST", "/v1/leases", acme, {"profile": "3g.40gb"})
            assert status == 201, lease
            assert d.call("POST", "/v1/leases", beta, {"profile": "1g.10gb"})[0] == 201
            url = d.url + "/#token=" + ADMIN
            dom = chromium(tmp, "--dump-dom", url).stdout
            shot = os.path.join(tmp, "web.png")
            chromium(tmp, "--screenshot=" + shot, "--window-size=1000,900", url)
            if os.environ.get("WEB_TEST_KEEP"):
                shutil.copy(shot, os.environ["WEB_TEST_KEEP"])
            with open(shot, "rb") as f:
                png = f.read()
        finally:
            d.stop()
    # The GPU picture: the lease's first placement unit names its profile and tenant.
    assert 'class="unit leased" data-gpu="%d" title="3g.40gb acme"' % lease["gpu"] in dom, dom[:3000]
    # Quota bars: acme holds 3 of 7 slices (a 3g.40gb), beta 1 of 7.
    assert 'id="tenant-acme" data-used="3" data-quota="7"' in dom
    assert 'id="tenant-beta" data-used="1" data-quota="7"' in dom
    acme_bar = dom.split('id="tenant-acme"')[1].split("</div>")[0]
    assert 'class="fill" style="width: 42.857' in acme_bar, acme_bar  # 3/7
    assert '<tr id="%s">' % lease["id"] in dom and lease["mig_uuid"] in dom
    assert '<rect' in dom and 'data-tenant="acme"' in dom  # the usage chart
    assert 'hidden="">' in dom.split('id="error"')[1][:20] or 'id="error" hidden' in dom
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000, len(png)
    print("web_test: DOM and a %d-byte screenshot check out" % len(png))


if __name__ == "__main__":
    main()
