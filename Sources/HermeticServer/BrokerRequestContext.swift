import Hummingbird
import NIOCore

/// Hummingbird's per-request context for the broker, carrying the peer address so the audit log can say which
/// client each verdict, release and denial was for.
struct BrokerRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connected peer.
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer as the audit log records it: `ip:port` (`[ip]:port` for IPv6), or `unix` / empty when not IP.
    var clientAddress: String {
        guard let remoteAddress else { return "" }
        switch remoteAddress {
        case .v4: return "\(remoteAddress.ipAddress ?? ""):\(remoteAddress.port ?? 0)"
        case .v6: return "[\(remoteAddress.ipAddress ?? "")]:\(remoteAddress.port ?? 0)"
        case .unixDomainSocket: return "unix"
        }
    }
}
