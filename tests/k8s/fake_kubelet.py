"""A fake kubelet for device-plugin tests, speaking the published v1beta1 API (api.proto).

It serves kubelet's Registration service on <dir>/kubelet.sock, records every RegisterRequest,
and talks to the registered plugins as kubelet does: GetDevicePluginOptions, ListAndWatch (a
stream read on its own thread), GetPreferredAllocation, Allocate. `restart()` does what a kubelet
restart does to the directory: its socket goes away and comes back as a new file.
"""
import os
import queue
import threading
from concurrent import futures

import grpc

import api_pb2
import api_pb2_grpc


class _Registration(api_pb2_grpc.RegistrationServicer):
    def __init__(self, requests):
        self._requests = requests

    def Register(self, request, context):
        self._requests.put(request)
        return api_pb2.Empty()


class FakeKubelet:
    def __init__(self, directory):
        self.directory = directory
        self.socket = os.path.join(directory, "kubelet.sock")
        self.registrations = queue.Queue()
        self._server = None
        self._start()

    def _start(self):
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        api_pb2_grpc.add_RegistrationServicer_to_server(_Registration(self.registrations),
                                                        self._server)
        self._server.add_insecure_port("unix:" + self.socket)
        self._server.start()

    def stop(self):
        self._server.stop(grace=None).wait()
        if os.path.exists(self.socket):
            os.unlink(self.socket)

    def restart(self):
        self.stop()
        # kubelet removes every plugin socket when it starts.
        for name in os.listdir(self.directory):
            if name.endswith(".sock"):
                os.unlink(os.path.join(self.directory, name))
        self._start()

    def next_registration(self, timeout):
        return self.registrations.get(timeout=timeout)

    def plugin(self, endpoint):
        return PluginClient(os.path.join(self.directory, endpoint))


class PluginClient:
    """kubelet's side of one plugin endpoint."""

    def __init__(self, path):
        self.channel = grpc.insecure_channel("unix:" + path)
        self.stub = api_pb2_grpc.DevicePluginStub(self.channel)
        self.lists = queue.Queue()
        self._stream = None

    def options(self):
        return self.stub.GetDevicePluginOptions(api_pb2.Empty(), timeout=5)

    def watch(self):
        self._stream = self.stub.ListAndWatch(api_pb2.Empty())

        def read():
            try:
                for response in self._stream:
                    self.lists.put({d.ID: d.health for d in response.devices})
            except grpc.RpcError:
                pass

        threading.Thread(target=read, daemon=True).start()

    def next_list(self, timeout):
        return self.lists.get(timeout=timeout)

    def allocate(self, ids):
        request = api_pb2.AllocateRequest(
            container_requests=[api_pb2.ContainerAllocateRequest(devices_ids=ids)])
        return self.stub.Allocate(request, timeout=5)

    def preferred(self, available, must_include, size):
        request = api_pb2.PreferredAllocationRequest(container_requests=[
            api_pb2.ContainerPreferredAllocationRequest(available_deviceIDs=available,
                                                        must_include_deviceIDs=must_include,
                                                        allocation_size=size)])
        return list(self.stub.GetPreferredAllocation(request, timeout=5)
                    .container_responses[0].deviceIDs)

    def close(self):
        if self._stream is not None:
            self._stream.cancel()
        self.channel.close()
