import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// `/metrics` (Prometheus text format) and `/healthz` over HTTP/1.1, on one event-loop thread.
final class MetricsServer: Service {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// Binds now, so that a taken port stops the daemon before it reports ready.
    static func bind(
        _ address: ListenAddress, metrics: WatchMetrics,
        health: @escaping @Sendable () -> (healthy: Bool, text: String)
    ) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 32)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics, health: health))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: address.host, port: address.port).get()
            return MetricsServer(group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.group = group
        self.channel = channel
    }

    /// The port actually bound (useful with port 0).
    var port: Int? { channel.localAddress?.port }

    func run() async throws {
        try? await gracefulShutdown()
        try? await channel.close()
        try await group.shutdownGracefully()
    }
}

private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: WatchMetrics
    private let health: @Sendable () -> (healthy: Bool, text: String)
    private var request: HTTPRequestHead?

    init(metrics: WatchMetrics, health: @escaping @Sendable () -> (healthy: Bool, text: String)) {
        self.metrics = metrics
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        var status = HTTPResponseStatus.ok
        var contentType = "text/plain; charset=utf-8"
        var body: [UInt8]
        var headers = HTTPHeaders()
        if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            body = Array("only GET and HEAD\n".utf8)
            headers.add(name: "allow", value: "GET, HEAD")
        } else if path == "/metrics" {
            contentType = "text/plain; version=0.0.4; charset=utf-8"
            body = metrics.exposition()
        } else if path == "/healthz" {
            let state = health()
            status = state.healthy ? .ok : .serviceUnavailable
            body = Array((state.text + "\n").utf8)
        } else {
            status = .notFound
            body = Array("not found; try /metrics or /healthz\n".utf8)
        }
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: "\(body.count)")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
