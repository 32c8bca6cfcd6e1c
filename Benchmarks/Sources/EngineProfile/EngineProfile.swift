#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NewsCorpus
import StorylineCore

/// Runs "normalise + shingle + signature" over the generated corpus with nothing else in the process,
/// for profilers (`valgrind --tool=callgrind`, `perf`) and as a cross-check of the package-benchmark
/// figure with a plain clock.
///
///     engine-profile [--articles N] [--passes N] [--sample]
///
/// Prints MB/s for every pass and the median; `--sample` prints the first article instead.
@main
struct EngineProfile {
    struct Options {
        var articles = 1_000
        var passes = 9
        var sample = false
    }

    static func main() throws {
        guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
            print("usage: engine-profile [--articles N] [--passes N] [--sample]")
            exit(2)
        }
        let corpus = NewsCorpus(count: options.articles)
        if options.sample {
            print(corpus.texts[0], terminator: "")
            let sizes = corpus.texts.map(\.utf8.count)
            print("-- \(sizes.count) articles, \(corpus.totalBytes) bytes, sizes \(sizes.min() ?? 0)...\(sizes.max() ?? 0)")
            return
        }
        let engine = try Engine()
        let clock = ContinuousClock()
        var rates: [Double] = []
        var checksum: UInt64 = 0
        for pass in 1...options.passes {
            let elapsed = clock.measure {
                var tokenizer = Tokenizer()
                for text in corpus.texts {
                    let (tokens, _) = engine.content(of: tokenizer.tokenize(text))
                    let (fingerprint, signature) = engine.fingerprint(of: tokens)
                    checksum &+= UInt64(fingerprint.sequence.count) &+ UInt64(signature.values[0])
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            rates.append(Double(corpus.totalBytes) / seconds / 1e6)
            print("pass \(pass): \(format(rates.last!)) MB/s")
        }
        rates.sort()
        print("median of \(options.passes) passes over \(corpus.totalBytes) bytes (\(options.articles) articles): "
              + "\(format(rates[rates.count / 2])) MB/s (checksum \(checksum % 1_000))")
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--sample": options.sample = true
            case "--articles", "--passes":
                guard let value = remaining.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }
                if argument == "--articles" { options.articles = value } else { options.passes = value }
            default: return nil
            }
        }
        return options
    }

    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
