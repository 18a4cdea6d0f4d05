"""What the Kubernetes tests share: the environment of a migctl run on an emulated node."""
import os


def emulated_node_env(directory, emulate="2xH100-SXM5-80GB", **extra):
    """The environment of migctl runs whose emulated node lives in `directory`: nothing inherited
    but PATH and the sanitizers' options, so that a sanitizer build keeps its settings."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": directory,
           "MIGKIT_STATE_DIR": os.path.join(directory, "state"), "MIGKIT_EMULATE": emulate}
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env
