/// What `IPVS_CMD_GET_INFO` reports: the IPVS version and the connection table size.
public struct IPVSInfo: Sendable, Hashable, CustomStringConvertible {
    /// `IP_VS_VERSION_CODE`, e.g. `0x010201` for 1.2.1.
    public var versionCode: UInt32
    /// Buckets in the connection hash table (`ip_vs_conn_tab_size`, 4096 by default).
    public var connectionTableSize: UInt32

    public init(versionCode: UInt32, connectionTableSize: UInt32) {
        self.versionCode = versionCode
        self.connectionTableSize = connectionTableSize
    }

    /// `1.2.1`.
    public var version: String { "\(versionCode >> 16).\(versionCode >> 8 & 0xFF).\(versionCode & 0xFF)" }

    public var description: String { "IPVS \(version) (connection table \(connectionTableSize))" }
}
