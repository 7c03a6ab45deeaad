/// The vendors understudy emulates, in the order they are listed and routed.
public enum VendorRegistry {
    /// Fresh instances: vendors keep per-server state (request-id counters), so two servers
    /// started alike answer alike.
    public static var all: [any VendorAPI] { [OpenPhone(), PandaDoc(), OnePassword(), OpenAIAdmin(), Factory()] }
}
