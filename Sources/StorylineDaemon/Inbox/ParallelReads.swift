import Dispatch
import StorylineCore

/// Reads and prepares files on both cores: what a file needs before judgement (read, parse, fold) needs
/// nothing but the file, so a round of names is shared out between `workers` threads, each with an
/// analyzer of its own (`ArticleAnalyzer`: it folds the text and makes the article's analysis), and the results come back in the names' order. The same names give the same
/// reads however the threads run, so what is judged, and in what order, does not depend on them.
enum ParallelReads {
    /// Threads reading at once: the machines Storyline runs on have two cores, and the loop waits while
    /// they read.
    static let workers = 2

    /// Names read in one round: enough to keep both threads busy, few enough that the reads past the
    /// read-ahead's bound, which are dropped, cost little, and that the watchdog hears between rounds.
    static let roundSize = 64

    /// File bytes read in one round, by the sizes the file system gives: a round of large files is a
    /// file or two a thread, each read, parsed and analysed, so the watchdog still hears between rounds
    /// what it heard between files.
    static let roundBytes = 2 << 20

    /// The read of each of `names`, in order.
    ///
    /// - Parameter analyzers: one for each of `workers`, which reading updates.
    static func read(
        _ names: [FileName], analyzers: inout [ArticleAnalyzer], with read: @Sendable (FileName, inout ArticleAnalyzer) -> Intake.Read
    ) -> [Intake.Read] {
        precondition(analyzers.count >= workers, "one analyzer a thread")
        guard names.count > 1 else { return names.map { read($0, &analyzers[0]) } }
        let results = UnsafeMutableBufferPointer<Intake.Read>.allocate(capacity: names.count)
        defer { results.deallocate() }
        // Each index is written by one thread only (worker w takes w, w + workers, …), and read after all
        // of them have finished.
        nonisolated(unsafe) let output = results
        let threads = min(workers, names.count)
        analyzers.withUnsafeMutableBufferPointer { analyzers in
            // Worker w alone uses analyzer w.
            nonisolated(unsafe) let analyzers = analyzers
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                for index in stride(from: worker, to: names.count, by: threads) {
                    (output.baseAddress! + index).initialize(to: read(names[index], &analyzers[worker]))
                }
            }
        }
        let reads = Array(results)
        _ = results.deinitialize()
        return reads
    }
}
