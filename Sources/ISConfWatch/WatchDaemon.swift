import ISConfXML
import Logging
import ServiceLifecycle
import UnixSignals

/// `isconf watch` as a service group: the watch loop and, when asked for, the metrics endpoint.
/// SIGTERM and SIGINT stop it gracefully (the check in flight finishes); SIGHUP reloads.
public enum WatchDaemon {
    /// Returns after a graceful stop; throws what keeps it from starting.
    public static func run(_ configuration: WatchConfiguration, version: String, logger: Logger,
                           environment: [String: String]) async throws {
        let metrics = WatchMetrics(version: version)
        let notifier = SystemdNotifier(environment: environment)
        let engine = try WatchEngine(configuration: configuration, logger: logger, metrics: metrics, notifier: notifier)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // Trapped before the first check, so a SIGHUP sent once READY=1 is out never kills the daemon.
        let reloads = await UnixSignalsSequence(trapping: .sighup)
        services.append(.init(service: WatchService(engine: engine, reloads: reloads)))
        if let address = configuration.metricsListen {
            let server: MetricsServer
            do {
                server = try await MetricsServer.bind(address, metrics: metrics) {
                    switch engine.health.withLockedValue({ $0 }) {
                    case .starting: (false, "starting")
                    case .ready, .reloading: (true, "ok")
                    case .stopping: (false, "stopping")
                    }
                }
            } catch {
                throw InputError(path: "--metrics-listen \(address)", message: "cannot listen: \(error)")
            }
            if !address.isLoopback {
                logger.notice("metrics are served beyond this host", metadata: ["listen": "\(address)"])
            }
            logger.info("metrics listening", metadata: ["listen": "\(ListenAddress(host: address.host, port: server.port ?? address.port))"])
            services.append(.init(service: server))
        }
        var group = ServiceGroupConfiguration(services: services, logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        try await ServiceGroup(configuration: group).run()
    }
}

/// Runs the engine's loop on its own thread for the life of the service.
private struct WatchService: Service {
    let engine: WatchEngine
    let reloads: UnixSignalsSequence

    func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { [engine, reloads] in
                for await _ in reloads { engine.requestReload() }
            }
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    startThread { [engine] in
                        engine.run()
                        done.resume()
                    }
                }
            } onGracefulShutdown: { [engine] in
                engine.requestStop()
            }
            tasks.cancelAll()
        }
    }
}
