#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.x exchange for `storyline-metrics.socket`: systemd accepts each connection on loopback and
/// hands it to a fresh `storyline metrics --http` as its standard input and output (`Accept=yes`), so the
/// daemon itself never listens and keeps its unit without a network. The answer is the metrics file as
/// the daemon last wrote it.
public enum MetricsHTTP {
    /// The most of a request head that is read: a scraper's GET is a few hundred bytes.
    static let headLimit = 8192

    /// Reads one request from `input`, answers it on `output` with the text of `metricsFile`.
    ///
    /// - Returns: false when the answer was not a 200 (the caller's exit status says so to systemd's log).
    public static func answer(input: Int32, output: Int32, metricsFile: String) -> Bool {
        let head = readHead(input)
        let (status, bytes) = response(toHead: head, file: contents(of: metricsFile), path: metricsFile)
        do {
            try bytes.withUnsafeBytes { try Syscalls.writeAll(output, $0, path: "standard output") }
        } catch {
            return false
        }
        return status == 200
    }

    /// The metrics file's bytes as they are now (the daemon replaces it whole, so never half a file).
    public static func contents(of path: String) -> Result<[UInt8], SystemCallError> {
        do throws(SystemCallError) {
            let descriptor = try Syscalls.open(path, O_RDONLY)
            defer { Syscalls.close(descriptor) }
            return .success(try Syscalls.readAll(descriptor, path: path, limit: 64 << 20))
        } catch {
            return .failure(error)
        }
    }

    /// The request head as far as its blank line, `headLimit` bytes or the end of the input.
    static func readHead(_ input: Int32) -> [UInt8] {
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while head.count < headLimit, !endsHead(head) {
            guard let count = try? Syscalls.read(input, into: &chunk, path: "standard input"), count > 0 else { break }
            head.append(contentsOf: chunk[0..<count])
        }
        return head
    }

    private static func endsHead(_ bytes: [UInt8]) -> Bool {
        let text = bytes.suffix(4)
        return text.elementsEqual("\r\n\r\n".utf8) || text.suffix(2).elementsEqual("\n\n".utf8)
    }

    /// The status and bytes answering `head`, given the metrics file's bytes or why they could not be read.
    static func response(
        toHead head: [UInt8], file: Result<[UInt8], SystemCallError>, path: String
    ) -> (status: Int, bytes: [UInt8]) {
        let requestLine = head.prefix { $0 != UInt8(ascii: "\n") }
        let parts = String(decoding: requestLine, as: UTF8.self)
            .trimmingSuffix("\r").split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return reply(400, "Bad Request", "storyline: not an HTTP/1.x request line\n", headers: [])
        }
        let method = parts[0], target = parts[1].prefix { $0 != "?" }
        guard method == "GET" || method == "HEAD" else {
            return reply(405, "Method Not Allowed", "storyline: only GET and HEAD\n", headers: ["Allow: GET, HEAD"])
        }
        guard target == "/metrics" || target == "/" else {
            return reply(404, "Not Found", "storyline: the metrics are at /metrics\n", headers: [], bodyless: method == "HEAD")
        }
        switch file {
        case .success(let body):
            let type = "Content-Type: text/plain; version=0.0.4; charset=utf-8"
            return reply(200, "OK", body, headers: [type], bodyless: method == "HEAD")
        case .failure(let error) where error.errno == ENOENT:
            return reply(503, "Service Unavailable",
                         "storyline: \(path) is not there: the daemon has not written its metrics (is storyline running?)\n",
                         headers: [], bodyless: method == "HEAD")
        case .failure(let error):
            return reply(500, "Internal Server Error", "storyline: cannot read the metrics: \(error)\n",
                         headers: [], bodyless: method == "HEAD")
        }
    }

    private static func reply(
        _ status: Int, _ reason: String, _ body: String, headers: [String], bodyless: Bool = false
    ) -> (status: Int, bytes: [UInt8]) {
        let type = "Content-Type: text/plain; charset=utf-8"
        return reply(status, reason, Array(body.utf8), headers: headers + [type], bodyless: bodyless)
    }

    private static func reply(
        _ status: Int, _ reason: String, _ body: [UInt8], headers: [String], bodyless: Bool = false
    ) -> (status: Int, bytes: [UInt8]) {
        let lines = ["HTTP/1.1 \(status) \(reason)"] + headers + ["Content-Length: \(body.count)", "Connection: close"]
        return (status, Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (bodyless ? [] : body))
    }
}

private extension String {
    func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : Substring(self)
    }
}
