#if canImport(Glibc)
import Glibc
#endif
import CLinux
import ISConfCore

/// Runs the daemon's async code (swift-service-lifecycle's group, the metrics server's futures) on
/// one thread of its own that sleeps on a condition variable when idle. On Linux the default
/// executor is libdispatch, whose thread pool keeps a once-a-second monitor timer as soon as its
/// first worker starts: an idle daemon would wake every second for nothing.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []

    init(name: String) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        startThread(name: name) { [self] in run() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    private func run() {
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty { pthread_cond_wait(condition, mutex) }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(mutex)
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
    let status = pthread_create(&thread, nil, { argument in
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
