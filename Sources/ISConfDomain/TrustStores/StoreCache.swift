import ISConfCore
import ISConfTrustStore
import Synchronization

/// The key stores of one run, each opened once: recognised by their bytes and the password they are
/// opened with, not by their path, so that a fleet cloned from one pack pays for one
/// integrity check (a PBKDF2 for PKCS#12) and one parse of its ~90 certificates instead of one per
/// home. Shared by the parallel lint of many homes. It lives as long as the run that made it, and a
/// store whose bytes change is a new key, so a changed store is always read afresh.
public final class StoreCache: Sendable {
    /// How the cache served a run, for tests and measurements.
    public struct Statistics: Sendable, Equatable {
        /// Stores actually read and checked: one per distinct content and password.
        public var opened = 0
        /// Requests answered by an earlier open.
        public var reused = 0
    }

    /// A store's identity in this run: its length and a keyed hash (SipHash, seeded at random for each
    /// process, so no file can be made to pass for another) of its bytes and of the password, which
    /// is not kept. A store that fails with one password and opens with another is two keys, judged
    /// apart. A SHA-256 of each home's stores cost a fleet's lint half of its instructions.
    private struct Key: Hashable {
        let length: Int
        let digest: Int

        init(bytes: [UInt8], password: String?) {
            var hasher = Hasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(password)
            length = bytes.count
            digest = hasher.finalize()
        }
    }

    /// One store's outcome. Its own lock makes a home that wants a store being opened wait for that
    /// open instead of repeating it, while distinct stores open in parallel.
    private final class Slot: Sendable {
        let outcome = Mutex<Result<StoreSummary, InputError>?>(nil)
    }

    /// Stores are opened under a stand-in path because some messages quote the path (a conversion
    /// command to run): each home gets the failure worded with its own path.
    private static let pathStandIn = "\u{FFFF}isconf-store-path\u{FFFF}"

    private static func failure(_ error: InputError, at path: String) -> InputError {
        var error = error
        error.path = path
        error.detail = error.detail?.replacing(pathStandIn, with: path)
        error.context = error.context?.replacing(pathStandIn, with: path)
        error.remedy = error.remedy?.replacing(pathStandIn, with: path)
        return error
    }

    private let slots = Mutex<[Key: Slot]>([:])
    private let counts = Mutex(Statistics())

    public init() {}

    public var statistics: Statistics { counts.withLock { $0 } }

    /// The store in `bytes` (read from `path`) opened with `password`: what the rules need of it, or
    /// why it does not open, worded for `path`.
    func open(_ bytes: [UInt8], path: String, password: String?) -> Result<StoreSummary, InputError> {
        let key = Key(bytes: bytes, password: password)
        let slot = slots.withLock { slots in
            if let known = slots[key] { return known }
            let slot = Slot()
            slots[key] = slot
            return slot
        }
        let outcome = slot.outcome.withLock { outcome in
            if let outcome {
                counts.withLock { $0.reused += 1 }
                return outcome
            }
            counts.withLock { $0.opened += 1 }
            let opened: Result<StoreSummary, InputError>
            do throws(InputError) {
                opened = .success(StoreSummary(try KeyStore.read(bytes, path: Self.pathStandIn, password: password)))
            } catch {
                opened = .failure(error)
            }
            outcome = opened
            return opened
        }
        return outcome.mapError { Self.failure($0, at: path) }
    }
}
