/// The device class a set of claims describes, as Trustee names it (`cpu`, `gpu`, ...).
public struct DeviceClass: RawRepresentable, Sendable, Hashable, Codable {
    public let rawValue: String
    /// Wraps a class name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The confidential VM's CPU.
    public static let cpu = DeviceClass(rawValue: "cpu")
    /// An attached GPU.
    public static let gpu = DeviceClass(rawValue: "gpu")
}

/// What a verifier asserts about one device after the evidence has been checked: a flat JSON object whose names
/// and value types follow Trustee's verifiers, so Trustee's Rego policies run on them unchanged.
public struct Claims: Sendable, Hashable {
    /// The claims by name.
    public var values: [String: JSONValue]
    /// The class of device the claims describe.
    public var deviceClass: DeviceClass

    /// Creates a claim set.
    public init(_ values: [String: JSONValue], deviceClass: DeviceClass) {
        self.values = values
        self.deviceClass = deviceClass
    }

    /// The claims as one JSON object.
    public var json: JSONValue { .object(values) }
}
