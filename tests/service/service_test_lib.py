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
        self.proc = subprocess.Popen(
            [binary, "--state-dir", state_dir, "--admin-token-file", token_file, "--port", "0",
             "--emulate", "2xH100-SXM5-80GB", "--enable-mig", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("migkitd did not start: " + line + self.proc.stderr.read())
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
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
