public import HTTPCore

/// One operation a vendor serves: a method, a path template and the handler that answers it.
/// Vendors declare these; the app builds its router from them (both bare and under `/<vendor id>`),
/// and `GET /__admin/vendors` and `understudy vendors` list them.
/// A class of constants: every request looks its operation up, and a struct of four strings and a
/// closure cost ~30 retains and releases per lookup (callgrind, OpenAI page); a class costs one.
public final class VendorOperation: Sendable {
    /// The vendor's operationId where its spec has one (`listUsers`, `SuspendUser`).
    public let name: String
    public let method: String
    /// Path template as the vendor serves it: `{name}` segments, and `{name}:verb` for a
    /// Google-style custom method (`/v1beta1/accounts/{account_id}/users/{user}:suspend`).
    public let path: String
    /// The ``VendorVersion/id`` this operation belongs to.
    public let version: String
    /// Whether the operation changes the store (member credentials get the vendor's 403).
    public let writes: Bool
    public let handler: @Sendable (VendorRequest) -> HTTPResponse

    public init(
        _ name: String, _ method: String, _ path: String, version: String, writes: Bool = false,
        handler: @escaping @Sendable (VendorRequest) -> HTTPResponse
    ) {
        self.name = name
        self.method = method
        self.path = path
        self.version = version
        self.writes = writes
        self.handler = handler
    }
}

/// One wire version of a vendor. Every version of a vendor shares that vendor's store: a user
/// changed through one version is seen by all others.
public struct VendorVersion: Sendable, Equatable {
    /// `v1`, `2026-03-30`, `v1beta1`.
    public var id: String
    /// How a client selects it, for listings (`path prefix /v1`, `header Quo-Api-Version: 2026-03-30`).
    public var selector: String
    /// The key of its OpenAPI document in `Specs/` (`openphone` for `Specs/openphone.openapi.json`,
    /// `openphone.2026-03-30` for `Specs/openphone.2026-03-30.openapi.json`).
    public var spec: String

    public init(id: String, selector: String, spec: String) {
        self.id = id
        self.selector = selector
        self.spec = spec
    }
}

/// Mutable vendor data beside its users (PandaDoc workspaces, Factory invites, OpenAI role
/// assignments, 1Password OAuth tokens). One instance per vendor per server, shared by every
/// version; ``reset()`` puts it back as the seeds describe it.
public protocol VendorState: AnyObject, Sendable {
    func reset()
}

/// Settings a vendor may need to build its state (from `serve` options).
public struct VendorContext: Sendable {
    /// Lifetime of OAuth access tokens in seconds (`serve --token-ttl`).
    public var tokenTTL: Int
    /// `serve --any-key`.
    public var acceptsAnyKey: Bool

    public init(tokenTTL: Int = 900, acceptsAnyKey: Bool = false) {
        self.tokenTTL = tokenTTL
        self.acceptsAnyKey = acceptsAnyKey
    }
}
