import Dispatch
import ISConfCore
import Logging
import ServiceLifecycle

/// `isconf watch` as a swift-service-lifecycle group: the watch loop and, when asked for, the
/// metrics endpoint. SIGTERM and SIGINT stop it gracefully (the check in flight finishes, then the
/// group shuts down); SIGHUP reloads.
public enum WatchDaemon {
    /// Blocks until a graceful stop; throws what keeps the daemon from starting.
    /// Call it before any other thread exists: it blocks the signals the loop reads.
    public static func run(
        _ configuration: WatchConfiguration, version: String, logger: Logger,
        environment: [String: String]
    ) throws {
        try configuration.onChange?.checkRunnable(path: environment["PATH"])
        let signals = try SignalDescriptor()
        let metrics = WatchMetrics(version: version)
        let notifier = SystemdNotifier(environment: environment)
        let engine = try WatchEngine(
            configuration: configuration, logger: logger, metrics: metrics, notifier: notifier,
            signals: signals)
        let executor = ThreadExecutor(name: "isconf-async")
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task(executorPreference: executor) {
            do {
                try await runGroup(engine: engine, metrics: metrics, configuration: configuration, logger: logger)
            } catch {
                failure.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error { throw error }
    }

    private static func runGroup(
        engine: WatchEngine, metrics: WatchMetrics, configuration: WatchConfiguration,
        logger: Logger
    ) async throws {
        // When the loop ends (SIGTERM, SIGINT), the rest of the group is shut down gracefully.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: WatchService(engine: engine), successTerminationBehavior: .gracefullyShutdownGroup)
        ]
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
                throw InputError(path: "--metrics-listen \(address)", .invalidArgument, "cannot listen: \(error)")
            }
            if !address.isLoopback {
                logger.notice("metrics are served beyond this host", metadata: ["listen": "\(address)"])
            }
            logger.info("metrics listening", metadata: ["listen": "\(ListenAddress(host: address.host, port: server.port ?? address.port))"])
            services.append(.init(service: server))
        }
        // Signals reach the loop through a signalfd, not the group's own handlers.
        try await ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: logger)).run()
    }

    private final class FailureBox: @unchecked Sendable {
        var error: (any Error)?
    }
}

/// Runs the engine's loop on its own thread for the life of the service.
private struct WatchService: Service {
    let engine: WatchEngine

    func run() async throws {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                startThread(name: "isconf-watch") { [engine] in
                    engine.run()
                    done.resume()
                }
            }
        } onGracefulShutdown: { [engine] in
            engine.requestStop()
        }
    }
}
