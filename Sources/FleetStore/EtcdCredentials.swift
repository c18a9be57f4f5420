import Foundation
import NIOSSL
public import Spec

/// What the daemon presents to etcd: TLS files and a user, read once at start so a daemon with
/// an unreadable key or password file refuses to start instead of failing at the first change.
public struct EtcdCredentials: Sendable {
    var tls: TLSConfiguration?
    var user: (name: String, password: String)?

    /// Reads the files `settings` names.
    ///
    /// - Throws: a message naming the file and the reason.
    public init(_ settings: EtcdSettings) throws(EtcdError) {
        if settings.endpoints.contains(where: \.secure) {
            var tls = TLSConfiguration.makeClientConfiguration()
            do {
                if let ca = settings.caFile {
                    try Self.checkReadable(ca, "ca-file")
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
                }
                if let cert = settings.certFile, let key = settings.keyFile {
                    try Self.checkReadable(cert, "cert-file")
                    try Self.checkReadable(key, "key-file")
                    tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                    tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
                }
            } catch let error as EtcdError {
                throw error
            } catch {
                throw .refused("cannot load the TLS files of settings.store.etcd: \(error)")
            }
            self.tls = tls
        }
        if let name = settings.username, let file = settings.passwordFile {
            guard let data = FileManager.default.contents(atPath: file),
                  let password = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .newlines),
                  !password.isEmpty
            else {
                throw .refused("cannot read a password from settings.store.etcd.password-file \(file)")
            }
            user = (name, password)
        }
    }

    private static func checkReadable(_ path: String, _ key: String) throws(EtcdError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .refused("settings.store.etcd.\(key): cannot read \(path)")
        }
    }
}
