#!/usr/bin/env python3
"""migctl lease/tenant/usage against a real migkitd, end to end.

usage: cli_test.py MIGKITD MIGCTL
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

from service_test_lib import ADMIN, Daemon


def main():
    migkitd, migctl = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="migctl-lease.") as tmp:
        d = Daemon(migkitd, os.path.join(tmp, "state"))
        try:
            run_checks(d, migctl, tmp)
        finally:
            d.stop()
    print("cli_test: ok")


def run_checks(d, migctl, tmp):
    def migctl_as(token, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIGKITD_")}
        env["MIGKITD_URL"] = d.url
        if token is not None:
            env["MIGKITD_TOKEN"] = token
        p = subprocess.run([migctl, *args], capture_output=True, text=True, env=env, timeout=30)
        assert p.returncode == expect, "migctl %s: exit %d, expected %d\n%s%s" % (
            " ".join(args), p.returncode, expect, p.stdout, p.stderr)
        return p

    def migctl_local(env_extra, *args, expect=0):
        env = dict(os.environ, **env_extra)
        env.pop("MIGKIT_EMULATE", None)
        p = subprocess.run([migctl, *args], capture_output=True, text=True, env=env, timeout=30)
        assert p.returncode == expect, "migctl %s: exit %d\n%s%s" % (
            " ".join(args), p.returncode, p.stdout, p.stderr)
        return p

    # The admin creates two tenants and issues their tokens.
    out = migctl_as(ADMIN, "tenant", "create", "acme", "--slices", "4").stdout
    assert out == "acme: quota 4 slices\n", out
    migctl_as(ADMIN, "tenant", "create", "beta", "--slices", "7", "--cap", "7g.80gb=1")
    acme = migctl_as(ADMIN, "tenant", "token", "acme").stdout.strip()
    beta_file = os.path.join(tmp, "beta.token")
    with open(beta_file, "w") as f:
        f.write(migctl_as(ADMIN, "tenant", "token", "beta").stdout)
    assert acme.startswith("mgk_") and len(acme) == 68

    # acme leases by profile, beta by need (from a token file); H100's 2g.20gb has 20096 MiB.
    lease = json.loads(migctl_as(acme, "lease", "create", "3g.40gb", "--duration", "2h",
                                 "--json").stdout)
    assert lease["profile"] == "3g.40gb" and lease["slices"] == 3 and lease["tenant"] == "acme"
    assert lease["cdi_device"] == "nvidia.com/gpu=" + lease["mig_uuid"]
    text = migctl_as(None, "lease", "create", "mem>=19GiB,sms>=30", "--token-file",
                     beta_file).stdout
    assert " beta 2g.20gb on GPU " in text and "CDI: nvidia.com/gpu=MIG-" in text, text

    # The leased instance is marked busy where `migctl busy` and `migctl apply` look, so a layout
    # that would destroy it is refused.
    state = {"MIGKIT_STATE_DIR": os.path.join(tmp, "state"), "MIGKIT_BACKEND": "direct"}
    marks = json.loads(migctl_local(state, "busy", "list", "--json").stdout)["marks"]
    assert [m["holder"] for m in marks if m["gi_id"] == lease["gi_id"]] == ["migkitd:" + lease["id"]]
    p = migctl_local(state, "apply", "-c", "all-7g.80gb", "-i", str(lease["gpu"]), expect=1)
    assert "migkitd:" + lease["id"] in p.stderr and "busy" in p.stderr, p.stderr
    still = json.loads(migctl_as(acme, "lease", "list", "--json").stdout)["leases"]
    assert [l["mig_uuid"] for l in still] == [lease["mig_uuid"]]

    # Over quota: exit 1 with what is used and allowed.
    p = migctl_as(acme, "lease", "create", "2g.20gb", expect=1)
    assert ("tenant acme: 2g.20gb needs 2 compute slices; quota 4, 3 used, 1 left "
            "(HTTP 403 quota_exceeded)") in p.stderr, p.stderr

    # Each tenant lists only its own; beta cannot release or renew acme's lease.
    listing = json.loads(migctl_as(acme, "lease", "list", "--json").stdout)["leases"]
    assert [l["id"] for l in listing] == [lease["id"]]
    p = migctl_as(None, "lease", "release", lease["id"], "--token-file", beta_file, expect=1)
    assert "no active lease '%s'" % lease["id"] in p.stderr and "HTTP 404" in p.stderr
    migctl_as(None, "lease", "renew", lease["id"], "--forever", "--token-file", beta_file,
              expect=1)
    assert "No leases." not in migctl_as(ADMIN, "lease", "list").stdout

    renewed = json.loads(migctl_as(acme, "lease", "renew", lease["id"], "--forever",
                                   "--json").stdout)
    assert renewed["expires"] is None
    assert migctl_as(acme, "lease", "release", lease["id"]).stdout == "released %s\n" % lease["id"]
    assert migctl_as(acme, "lease", "list").stdout == "No leases.\n"

    # Usage: acme sees its own rows only; the admin's CSV has both tenants.
    rows = json.loads(migctl_as(acme, "usage", "--json").stdout)["rows"]
    assert [(r["tenant"], r["profile"], r["leases"]) for r in rows] == [("acme", "3g.40gb", 1)]
    report = list(csv.DictReader(io.StringIO(migctl_as(ADMIN, "usage", "--csv").stdout)))
    assert sorted((r["tenant"], r["profile"]) for r in report) == [
        ("acme", "3g.40gb"), ("beta", "2g.20gb")], report
    migctl_as(acme, "usage", "--tenant", "beta", expect=1)
    since = json.loads(migctl_as(acme, "usage", "--from", "2026-01-01T00:00:00Z", "--json").stdout)
    assert since["from"] == "2026-01-01T00:00:00Z" and len(since["rows"]) == 1, since

    # Usage errors and environment errors.
    p = migctl_as(acme, "lease", "create", "3g.40gb", "--duration", "soon", expect=2)
    assert "--duration 'soon' is not a duration" in p.stderr
    p = migctl_as(None, "lease", "list", expect=3)
    assert "no token for migkitd" in p.stderr
    p = migctl_as("mgk_wrong", "lease", "list", expect=1)
    assert "unknown token (HTTP 401 unauthorized)" in p.stderr, p.stderr
    migctl_as(acme, "tenant", "list", expect=1)  # admin only: 403


if __name__ == "__main__":
    main()
