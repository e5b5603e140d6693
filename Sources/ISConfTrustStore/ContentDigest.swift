import Crypto

/// The SHA-256 of some bytes: names a key store by its content, so that identical copies (a fleet
/// cloned from one pack) are recognised without keeping their bytes, and a crafted file cannot pass
/// for another the way it could under a short checksum.
public struct ContentDigest: Hashable, Sendable {
    private let digest: SHA256Digest

    public init(_ bytes: [UInt8]) {
        digest = SHA256.hash(data: bytes)
    }
}
