/// The vendors understudy emulates, in the order they are listed and routed.
public enum VendorRegistry {
    public static let all: [any VendorAPI] = []
}
