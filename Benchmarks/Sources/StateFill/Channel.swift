import Foundation

/// A bounded first-in first-out queue between threads: `send` waits while it is full, `receive` while it
/// is empty, and returns nil once it is closed and drained.
final class Channel<Element: Sendable>: @unchecked Sendable {
    // Every stored property is read and written with `condition` locked.
    private let condition = NSCondition()
    private var items: [Element] = []  // at most `capacity`: removing the first is cheap
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "a channel holds at least one element")
        self.capacity = capacity
    }

    func send(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return }
        items.append(element)
        condition.broadcast()
    }

    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// Whatever is queued now, without waiting.
    func receiveQueued() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        let queued = items
        items.removeAll()
        condition.broadcast()
        return queued
    }

    /// No more elements: receivers get what is queued, then nil; senders' elements are dropped.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Runs `body` on a new thread; `wait()` returns its result once it has finished.
final class Worker<Result: Sendable>: @unchecked Sendable {
    // `result` is written once by the thread, then read after `done` is signalled.
    private var result: Result?
    private let done = NSCondition()

    init(name: String, _ body: @escaping @Sendable () -> Result) {
        let thread = Thread { [self] in
            let value = body()
            done.lock()
            result = value
            done.broadcast()
            done.unlock()
        }
        thread.name = name
        thread.start()
    }

    func wait() -> Result {
        done.lock()
        defer { done.unlock() }
        while result == nil { done.wait() }
        return result!
    }
}
