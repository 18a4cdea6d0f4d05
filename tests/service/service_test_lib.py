"""Helpers for tests that run a real migkitd: start it on a free loopback port, call its API."""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

ADMIN = "admin-token-for-tests-0123456789"


class Daemon:
    """A migkitd process on 127.0.0.1 with its state in `state_dir`."""

    def __init__(self, binary, state_dir, extra=()):
        os.makedirs(state_dir, exist_ok=True)
        token_file = os.path.join(state_dir, "admin-token")
        with open(token_file, "w") as f:
            f.write(ADMIN + "\n")
        env = dict(os.environ)
        env.pop("MIGKIT_EMULATE", None)
        # stderr (the reconcile log, sanitizer reports) goes to a file: a pipe nobody reads could
        # fill up and block the daemon.
        self.log_path = os.path.join(state_dir, "migkitd.log")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [binary, "--state-dir", state_dir, "--admin-token-file", token_file, "--port", "0",
             "--emulate", "2xH100-SXM5-80GB", "--enable-mig", *extra],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("migkitd did not start: " + line + open(self.log_path).read())
        self.url = m.group(1)

    def call(self, method, path, token=ADMIN, body=None, timeout=10):
        """(status, parsed JSON body or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def stop(self):
        """SIGTERM; migkitd must exit 0 (a sanitizer report makes it fail)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if self.proc.returncode != 0:
            raise RuntimeError("migkitd exited %d: %s" % (self.proc.returncode,
                                                          open(self.log_path).read()[-4000:]))

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.log.close()
