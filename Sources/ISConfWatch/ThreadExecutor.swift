import CLinux
import Dispatch
import ISConfCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the daemon's async code (swift-service-lifecycle's group, the metrics server's futures) on
/// one thread of its own that sleeps on a semaphore when idle. On Linux the default executor is
/// libdispatch, whose thread pool keeps a once-a-second monitor timer as soon as its first worker
/// starts: an idle daemon would wake every second for nothing. (A semaphore starts no worker.)
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    /// Signalled once per job enqueued; the thread waits on it for work.
    private let wake = DispatchSemaphore(value: 0)

    init(name: String) {
        startThread(name: name) { [self] in run() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            // Takes every job queued so far; the signals of the others then find an empty queue.
            let batch = jobs.withLock { queued in
                defer { queued.removeAll(keepingCapacity: true) }
                return queued
            }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}

/// Runs `body` on a new detached thread named `name` (shown by ps -L and top -H).
func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(_ name: String, _ body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            pthread_setname_np(pthread_self(), String(box.name.prefix(15)))
            box.body()
            return nil
        }, box)
    if status != 0 {
        // Out of threads: nothing sensible is left but to say so and stop.
        fatalError("isconf: cannot start a thread: \(describeErrno(status))")
    }
    pthread_detach(thread)
}
