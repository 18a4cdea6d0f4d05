// migkitd: the MIG slice service daemon. See docs/service.md.
//
// Exit codes as migctl's: 0 stopped cleanly (SIGTERM/SIGINT), 1 the server failed, 2 usage or
// config error, 3 environment or state error (store, GPUs, admin token), 4 internal error.
#include <httplib.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/fleet_spec.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "nvml_client/nvml_backend.h"
#include "nvml_client/nvml_library.h"
#include "service/daemon_config.h"
#include "service/http_api.h"
#include "service/slice_service.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace migkit {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitEnvironment = 3;
constexpr int kExitInternal = 4;

int Fail(int code, const std::string& message) {
  std::cerr << "migkitd: " << message << "\n";
  return code;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

int Run(int argc, char** argv) {
  DaemonConfig config;
  CLI::App app{"migkitd: leases MIG instances of this node to tenants (docs/service.md)"};
  std::string config_file;
  app.add_option("--config", config_file, "YAML config file (flags override it)");
  // Flags are applied over the config file, so they are read into optionals first.
  std::optional<std::string> listen, state_dir, store, node, admin_token_file, backend, emulate,
      web_dir;
  std::optional<int> port;
  bool enable_mig = false;
  app.add_option("--listen", listen, "address to listen on (default 127.0.0.1)");
  app.add_option("--port", port, "TCP port (default 7471; 0 picks a free one)");
  app.add_option("--state-dir", state_dir, "state directory (emulated node, busy marks, store)");
  app.add_option("--store", store,
                 "SQLite file (default <state-dir>/migkitd.db) or postgres://... URI");
  app.add_option("--node", node, "this node's name in the store (default local)");
  app.add_option("--admin-token-file", admin_token_file, "file holding the admin token");
  app.add_option("--backend", backend, "emulator or nvml");
  app.add_option("--emulate", emulate, "node spec for the emulator, e.g. 8xH100-SXM5-80GB");
  app.add_flag("--enable-mig", enable_mig, "enable MIG on every GPU at start");
  app.add_option("--web-dir", web_dir, "directory of the web view's files");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  Env* env = Env::Default();
  if (!config_file.empty()) {
    std::string text;
    Status s = env->ReadRegularFile(config_file, 1 << 20, &text);
    if (!s.ok()) return Fail(kExitUsage, s.message());
    s = ParseDaemonConfig(text, config_file, &config);
    if (!s.ok()) return Fail(kExitUsage, s.message());
  }
  if (listen) config.listen = *listen;
  if (port) config.port = *port;
  if (state_dir) config.state_dir = *state_dir;
  if (store) config.store = *store;
  if (node) config.node = *node;
  if (admin_token_file) config.admin_token_file = *admin_token_file;
  if (backend) config.backend = *backend;
  if (emulate) config.emulate = *emulate;
  if (web_dir) config.web_dir = *web_dir;
  if (enable_mig) config.enable_mig = true;
  if (config.backend != "emulator" && config.backend != "nvml") {
    return Fail(kExitUsage, "--backend '" + config.backend + "' (valid: emulator, nvml)");
  }
  if (config.admin_token_file.empty()) {
    return Fail(kExitUsage,
                "an admin token is required: --admin-token-file FILE (or "
                "admin_token_file in the config)");
  }
  std::string admin_token;
  if (Status s = env->ReadRegularFile(config.admin_token_file, 4096, &admin_token); !s.ok()) {
    return Fail(kExitEnvironment, s.message());
  }
  admin_token = Trim(admin_token);
  if (admin_token.size() < 16) {
    return Fail(kExitEnvironment,
                config.admin_token_file + ": the admin token must have at least 16 characters");
  }

  StatusOr<Catalog> catalog = Catalog::Load();
  if (!catalog.ok()) return Fail(kExitEnvironment, catalog.status().message());
  if (config.state_dir.empty()) config.state_dir = DefaultStateDir();
  std::unique_ptr<Backend> gpus;
  if (config.backend == "emulator") {
    StatusOr<EmulatorOptions> options = EmulatorOptionsFromEnvironment(*catalog);
    if (!options.ok()) return Fail(kExitEnvironment, options.status().message());
    options->state_dir = config.state_dir;
    if (!config.emulate.empty()) {
      StatusOr<FleetSpec> spec = ParseFleetSpec(config.emulate, *catalog);
      if (!spec.ok()) return Fail(kExitUsage, "--emulate: " + spec.status().message());
      options->spec = *spec;
    }
    StatusOr<std::unique_ptr<EmulatedNode>> emulated = EmulatedNode::Open(env, &*catalog, *options);
    if (!emulated.ok()) return Fail(kExitEnvironment, emulated.status().message());
    gpus = std::move(*emulated);
  } else {
    StatusOr<std::unique_ptr<nvml_client::NvmlLibrary>> library =
        nvml_client::NvmlLibrary::Open("libnvidia-ml.so.1");
    if (!library.ok()) return Fail(kExitEnvironment, library.status().message());
    nvml_client::NvmlBackendOptions options;
    options.emulated = false;
    options.allow_changes = true;
    gpus = std::make_unique<nvml_client::NvmlBackend>(std::move(*library), &*catalog,
                                                      std::move(options));
  }
  if (config.enable_mig) {
    StatusOr<std::vector<GpuInfo>> info = gpus->Gpus();
    if (!info.ok()) return Fail(kExitEnvironment, info.status().message());
    for (const GpuInfo& g : *info) {
      if (g.state.MigUsable()) continue;
      Status activation;
      Status s = gpus->SetMigMode(g.index, true, &activation);
      if (s.ok() && !activation.ok()) s = gpus->ResetGpu(g.index);
      if (!s.ok()) {
        return Fail(kExitEnvironment,
                    "enabling MIG on GPU " + std::to_string(g.index) + ": " + s.ToString());
      }
    }
  }

  if (Status s = env->CreateDirs(config.state_dir); !s.ok()) {
    return Fail(kExitEnvironment, s.message());
  }
  if (config.store.empty()) config.store = config.state_dir + "/migkitd.db";
  // The service and the API each get a connection; each is used by one thread at a time.
  const bool postgres =
      config.store.rfind("postgres://", 0) == 0 || config.store.rfind("postgresql://", 0) == 0;
  auto open_store = [&]() -> StatusOr<std::unique_ptr<Store>> {
    if (postgres) {
      StatusOr<std::unique_ptr<PostgresStore>> pg = PostgresStore::Open(config.store);
      if (!pg.ok()) return pg.status();
      return std::unique_ptr<Store>(std::move(*pg));
    }
    StatusOr<std::unique_ptr<SqliteStore>> lite = SqliteStore::Open(config.store);
    if (!lite.ok()) return lite.status();
    return std::unique_ptr<Store>(std::move(*lite));
  };
  StatusOr<std::unique_ptr<Store>> service_store = open_store();
  if (!service_store.ok()) return Fail(kExitEnvironment, service_store.status().message());
  StatusOr<std::unique_ptr<Store>> api_store = open_store();
  if (!api_store.ok()) return Fail(kExitEnvironment, api_store.status().message());

  ServiceOptions service_options;
  service_options.node = config.node;
  service_options.busy_dir = config.state_dir;
  service_options.max_duration_seconds = config.max_duration_seconds;
  SliceService service(gpus.get(), service_store->get(), env, service_options);
  StatusOr<ReconcileReport> reconciled = service.Reconcile();
  if (!reconciled.ok()) {
    return Fail(kExitEnvironment,
                "reconciling the store with the node: " + reconciled.status().ToString());
  }
  for (const std::string& line : reconciled->actions)
    std::cerr << "migkitd: reconcile: " << line << "\n";

  ApiOptions api_options;
  api_options.admin_token = admin_token;
  api_options.max_body_bytes = config.max_body_bytes;
  api_options.rate_per_second = config.rate_per_second;
  api_options.rate_burst = config.rate_burst;
  api_options.prices.per_slice_hour = config.price_per_slice_hour;
  api_options.prices.per_profile = config.profile_prices;
  // The build tree's web/ unless the config or --web-dir names the installed copy.
  api_options.web_dir = config.web_dir.empty() ? MIGKIT_WEB_DIR : config.web_dir;
  HttpApi api(&service, api_store->get(), env, api_options);

  httplib::Server server;
  const int threads = config.threads;
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  api.Register(&server);
  int bound = config.port;
  if (config.port == 0) {
    bound = server.bind_to_any_port(config.listen);
    if (bound < 0) return Fail(kExitEnvironment, "cannot listen on " + config.listen);
  } else if (!server.bind_to_port(config.listen, config.port)) {
    return Fail(kExitEnvironment,
                "cannot listen on " + config.listen + ":" + std::to_string(config.port));
  }

  // Signals are taken by one thread (sigwait), which stops the server; expiry runs once a second.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    {
      std::lock_guard<std::mutex> lock(stop_mu);
      stopping = true;
    }
    stop_cv.notify_all();
    server.stop();
  });
  std::thread expiry_thread([&] {
    std::unique_lock<std::mutex> lock(stop_mu);
    while (!stop_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) {
      lock.unlock();
      StatusOr<int> expired = service.ExpireDue();
      if (!expired.ok()) std::cerr << "migkitd: expiry: " << expired.status().ToString() << "\n";
      lock.lock();
    }
  });
  // A PostgreSQL URI may hold a password: name the kind of store only.
  std::cout << "migkitd: node " << config.node << " (" << gpus->Describe() << "), store "
            << (postgres ? std::string("PostgreSQL") : config.store) << ", listening on http://"
            << config.listen << ":" << bound << std::endl;
  const bool served = server.listen_after_bind();
  if (!served) {
    // The server stopped without a signal: wake the signal thread so it can be joined.
    kill(getpid(), SIGTERM);
  }
  signal_thread.join();
  expiry_thread.join();
  return served ? 0 : Fail(kExitFailed, "the HTTP server stopped unexpectedly");
}

}  // namespace
}  // namespace migkit

int main(int argc, char** argv) {
  try {
    return migkit::Run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::cerr << "migkitd: out of memory\n";
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "migkitd: internal error: " << e.what() << "\n";
    return 4;
  }
}
