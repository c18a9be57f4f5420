import Foundation
import HTTPTypes
import Hummingbird

/// JSON answers: `Content-Type: application/json`, keys in a stable order, readable with `curl`.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error": "the answer could not be encoded"}"#.utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// GORB's answer to a successful PUT, PATCH or DELETE: 200 with an empty body.
    static var empty: Response { Response(status: .ok) }
}
