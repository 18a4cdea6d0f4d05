"""A fake Kubernetes API server for the agent's tests: Nodes and ConfigMaps over HTTPS.

Just enough of the real API that Debian's kubectl (`kubectl label node`, `kubectl get node`) and
python3-kubernetes work against it unmodified, which is what keeps it honest:
  GET /version, /api, /apis, /api/v1           discovery
  GET /api/v1/nodes[?fieldSelector=metadata.name=N][&watch=true&resourceVersion=RV]
  GET|PATCH /api/v1/nodes/N                    merge-patch and strategic-merge-patch (for maps,
                                               which is all labels and annotations are, the same)
  GET|POST /api/v1/namespaces/NS/configmaps[/N]
Every request needs `Authorization: Bearer <token>`. Each request is logged as (user agent, verb,
resource) with the verbs RBAC uses (get, list, watch, patch, create), so a test can compare what
a client did with what its Role grants. Watches stream one JSON event per line; the test can end
them (`drop_watches`) and forget history (`compact`) so that resuming gets 410 Gone.
"""
import copy
import json
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}


class FakeApiServer:
    def __init__(self, certfile, keyfile, token):
        self.token = token
        self.lock = threading.Condition()
        self.version = 100
        self.nodes = {}
        self.configmaps = {}
        self.history = []  # (resourceVersion, type, node)
        self.oldest = 0    # watches from before this version get 410 Gone
        self.watch_generation = 0
        self.calls = []    # (user agent, verb, resource)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.handle(self, "GET")

            def do_PATCH(self):
                server.handle(self, "PATCH")

            def do_POST(self):
                server.handle(self, "POST")

            def do_PUT(self):
                server.handle(self, "PUT")

            def do_DELETE(self):
                server.handle(self, "DELETE")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.drop_watches()
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- test controls ----

    def add_node(self, name, labels):
        with self.lock:
            node = {"apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": name, "labels": dict(labels), "annotations": {},
                                 "uid": "uid-" + name, "creationTimestamp": "2026-01-01T00:00:00Z"},
                    "spec": {}, "status": {}}
            self._store(name, node, "ADDED")

    def node(self, name):
        with self.lock:
            return copy.deepcopy(self.nodes[name])

    def drop_watches(self):
        """Ends every open watch, as an API server restart or a load balancer would."""
        with self.lock:
            self.watch_generation += 1
            self.lock.notify_all()

    def compact(self):
        """Forgets the history: resuming a watch from any earlier version gets 410 Gone."""
        with self.lock:
            self.oldest = self.version + 1
            self.history.clear()

    def calls_by(self, agent_prefix):
        with self.lock:
            return {(verb, resource) for ua, verb, resource in self.calls
                    if ua.startswith(agent_prefix)}

    # ---- the API ----

    def _store(self, name, node, kind):
        self.version += 1
        node["metadata"]["resourceVersion"] = str(self.version)
        self.nodes[name] = node
        self.history.append((self.version, kind, copy.deepcopy(node)))
        self.lock.notify_all()

    def handle(self, h, method):
        url = urllib.parse.urlsplit(h.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        if h.headers.get("Authorization") != "Bearer " + self.token:
            return self.send(h, 401, status(401, "Unauthorized", "Unauthorized"))
        parts = [p for p in url.path.split("/") if p]
        agent = h.headers.get("User-Agent", "")
        if parts == ["version"]:
            return self.send(h, 200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0",
                                      "platform": "linux/amd64"})
        if parts == ["api"]:
            return self.send(h, 200, {"kind": "APIVersions", "versions": ["v1"],
                                      "serverAddressByClientCIDRs": [
                                          {"clientCIDR": "0.0.0.0/0",
                                           "serverAddress": "127.0.0.1:%d" % self.port}]})
        if parts == ["apis"]:
            return self.send(h, 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
        if parts == ["api", "v1"]:
            verbs = ["get", "list", "watch", "patch", "create", "update", "delete"]
            return self.send(h, 200, {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "nodes", "singularName": "node", "namespaced": False, "kind": "Node",
                 "verbs": verbs, "shortNames": ["no"]},
                {"name": "configmaps", "singularName": "configmap", "namespaced": True,
                 "kind": "ConfigMap", "verbs": verbs, "shortNames": ["cm"]}]})
        if parts[:3] == ["api", "v1", "nodes"]:
            return self.nodes_api(h, method, parts[3:], query, body, agent)
        if parts[:3] == ["api", "v1", "namespaces"] and len(parts) >= 5 and \
                parts[4] == "configmaps":
            return self.configmaps_api(h, method, parts[3], parts[5:], body, agent)
        return self.send(h, 404, status(404, "NotFound", "the server could not find " + h.path))

    def record(self, agent, verb, resource):
        with self.lock:
            self.calls.append((agent, verb, resource))

    def nodes_api(self, h, method, rest, query, body, agent):
        if not rest and method == "GET":
            selector = query.get("fieldSelector", "")
            wanted = selector[len("metadata.name="):] if selector.startswith(
                "metadata.name=") else None
            if query.get("watch") in ("true", "1"):
                self.record(agent, "watch", "nodes")
                return self.watch(h, wanted, query)
            self.record(agent, "list", "nodes")
            with self.lock:
                items = [copy.deepcopy(n) for k, n in sorted(self.nodes.items())
                         if wanted is None or k == wanted]
                rv = str(self.version)
            return self.send(h, 200, {"kind": "NodeList", "apiVersion": "v1",
                                      "metadata": {"resourceVersion": rv}, "items": items})
        if len(rest) != 1:
            return self.send(h, 405, status(405, "MethodNotAllowed", "not supported"))
        name = rest[0]
        with self.lock:
            if name not in self.nodes:
                return self.send(h, 404, status(404, "NotFound",
                                                'nodes "%s" not found' % name))
            if method == "GET":
                self.calls.append((agent, "get", "nodes"))
                return self.send(h, 200, copy.deepcopy(self.nodes[name]))
            if method == "PATCH":
                self.calls.append((agent, "patch", "nodes"))
                kind = h.headers.get("Content-Type", "").split(";")[0]
                if kind not in ("application/merge-patch+json",
                                "application/strategic-merge-patch+json"):
                    return self.send(h, 415, status(415, "UnsupportedMediaType",
                                                    "the fake takes merge patches only, not " + kind))
                patch = json.loads(body)
                node = merge_patch(self.nodes[name], patch)
                # metadata.name and the version are the server's.
                node["metadata"]["name"] = name
                self._store(name, node, "MODIFIED")
                return self.send(h, 200, copy.deepcopy(node))
        return self.send(h, 405, status(405, "MethodNotAllowed", method + " on a node"))

    def configmaps_api(self, h, method, namespace, rest, body, agent):
        with self.lock:
            if method == "POST" and not rest:
                self.calls.append((agent, "create", "configmaps"))
                cm = json.loads(body)
                cm.setdefault("metadata", {})["namespace"] = namespace
                self.version += 1
                cm["metadata"]["resourceVersion"] = str(self.version)
                self.configmaps[(namespace, cm["metadata"]["name"])] = cm
                return self.send(h, 201, cm)
            if method == "GET" and not rest:
                self.calls.append((agent, "list", "configmaps"))
                items = [c for (ns, _), c in sorted(self.configmaps.items()) if ns == namespace]
                return self.send(h, 200, {"kind": "ConfigMapList", "apiVersion": "v1",
                                          "metadata": {"resourceVersion": str(self.version)},
                                          "items": items})
            if method == "GET" and len(rest) == 1:
                self.calls.append((agent, "get", "configmaps"))
                cm = self.configmaps.get((namespace, rest[0]))
                if cm is None:
                    return self.send(h, 404, status(404, "NotFound",
                                                    'configmaps "%s" not found' % rest[0]))
                return self.send(h, 200, cm)
        return self.send(h, 405, status(405, "MethodNotAllowed", method + " on configmaps"))

    def watch(self, h, wanted, query):
        since = int(query.get("resourceVersion") or 0)
        timeout = float(query.get("timeoutSeconds") or 1800)
        with self.lock:
            generation = self.watch_generation
            gone = since < self.oldest
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()

        def chunk(obj):
            data = (json.dumps(obj) + "\n").encode()
            h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            h.wfile.flush()

        try:
            if gone:
                # What a real server sends for a version it no longer has.
                chunk({"type": "ERROR", "object": status(
                    410, "Expired", "too old resource version: %d (%d)" % (since, self.oldest))})
            else:
                sent = since
                deadline = threading.Event()
                timer = threading.Timer(timeout, deadline.set)
                timer.start()
                try:
                    while not deadline.is_set():
                        with self.lock:
                            if self.watch_generation != generation:
                                break
                            events = [(v, t, n) for v, t, n in self.history
                                      if v > sent and (wanted is None or
                                                       n["metadata"]["name"] == wanted)]
                            if not events:
                                self.lock.wait(0.2)
                                continue
                        for v, t, n in events:
                            chunk({"type": t, "object": n})
                            sent = v
                finally:
                    timer.cancel()
            h.wfile.write(b"0\r\n\r\n")
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass
        h.close_connection = True

    def send(self, h, code, obj):
        data = json.dumps(obj).encode()
        h.send_response(code)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
