import Addresses
import Foundation
import IPVS
import Logging
import NetlinkTesting
import Testing

/// The IPVS client over a scripted kernel: what a missing IPVS and the kernel's errnos mean to
/// an operator.
struct KernelIPVSTests {
    @Test func missingFamilyMeansNoIPVS() {
        let socket = ScriptedNetlinkSocket { request in [Reply.ack(request, errno: 2)] }
        let observer = CloseObserver()
        socket.closeObserver = observer
        do {
            _ = try KernelIPVS(socket: socket, logger: Logger(label: "test"))
            Issue.record("expected IPVS to be unavailable")
        } catch {
            #expect(error.code == .ipvsUnavailable)
            #expect(error.description.contains("modprobe ip_vs"))
        }
        #expect(observer.isClosed, "a failed initialisation closes the socket it was given")
    }

    @Test func kernelErrorsInOperatorLanguage() {
        let add = IPVSChange.addService(IPVSService(key: .tcp(IPAddress("10.0.0.1")!, 80), scheduler: "foo"))
        let missing = IPVSError.kernel(errno: ENOENT, operation: add.ipvsadmCommand, change: add)
        #expect(missing.code == .schedulerOrEngineNotFound)
        #expect(missing.description.contains("ip_vs_foo"))
        let dest = IPVSChange.removeDestination(IPVSDestination.Key(address: IPAddress("10.0.1.1")!, port: 80), service: .tcp(IPAddress("10.0.0.1")!, 80))
        #expect(IPVSError.kernel(errno: ENOENT, operation: "", change: dest).code == .destinationNotFound)
        #expect(IPVSError.kernel(errno: EPERM, operation: "", change: nil).description.contains("CAP_NET_ADMIN"))
        #expect(IPVSError.kernel(errno: EEXIST, operation: "", change: add).code == .serviceExists)
        #expect(add.ipvsadmCommand == "-A -t 10.0.0.1:80 -s foo")
    }
}
