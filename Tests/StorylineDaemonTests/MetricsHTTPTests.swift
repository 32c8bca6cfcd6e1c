#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import StorylineDaemon

@Suite struct MetricsHTTPTests {
    private let metrics: Result<[UInt8], SystemCallError> = .success(Array("storyline_timeline_seq 7\n".utf8))

    private func answer(_ request: String, file: Result<[UInt8], SystemCallError>? = nil) -> (status: Int, text: String) {
        let (status, bytes) = MetricsHTTP.response(toHead: Array(request.utf8), file: file ?? metrics, path: "/s/metrics.prom")
        return (status, String(decoding: bytes, as: UTF8.self))
    }

    @Test func aGetOfMetricsIsTheFileInPrometheusTextFormat() {
        let (status, text) = answer("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept: */*\r\n\r\n")
        #expect(status == 200)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(text.contains("\r\nContent-Length: 25\r\n"))
        #expect(text.hasSuffix("\r\n\r\nstoryline_timeline_seq 7\n"))
    }

    @Test func theRootAQueryAndHeadAreServedTooHeadWithoutTheBody() {
        #expect(answer("GET / HTTP/1.0\r\n\r\n").status == 200)
        #expect(answer("GET /metrics?name[]=x HTTP/1.1\n\n").status == 200)
        let head = answer("HEAD /metrics HTTP/1.1\r\n\r\n")
        #expect(head.status == 200 && head.text.contains("Content-Length: 25\r\n") && head.text.hasSuffix("\r\n\r\n"))
    }

    @Test func otherPathsMethodsAndNonHTTPAreRefusedWithTheirStatus() {
        #expect(answer("GET /secrets HTTP/1.1\r\n\r\n").status == 404)
        let post = answer("POST /metrics HTTP/1.1\r\n\r\n")
        #expect(post.status == 405 && post.text.contains("\r\nAllow: GET, HEAD\r\n"))
        #expect(answer("").status == 400)
        #expect(answer("hello\r\n\r\n").status == 400)
        #expect(answer("GET /metrics SPDY/3\r\n\r\n").status == 400)
    }

    @Test func aMissingFileIs503NamingItAndAnUnreadableOne500() {
        let missing = answer("GET /metrics HTTP/1.1\r\n\r\n",
                             file: .failure(SystemCallError(call: "open", path: "/s/metrics.prom", errno: ENOENT)))
        #expect(missing.status == 503 && missing.text.contains("/s/metrics.prom is not there"))
        let denied = answer("GET /metrics HTTP/1.1\r\n\r\n",
                            file: .failure(SystemCallError(call: "open", path: "/s/metrics.prom", errno: EACCES)))
        #expect(denied.status == 500 && denied.text.contains("open(/s/metrics.prom)"))
    }
}
