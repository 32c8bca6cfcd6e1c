import Foundation

/// A bounded first-in first-out queue between threads: `send` waits while it is full, `receive` while it
/// is empty, and returns nil once it is closed and drained.
final class Channel<Element: Sendable>: @unchecked Sendable {
    // Every stored property is read and written with `condition` locked.
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "a channel holds at least one element")
        self.capacity = capacity
    }

    func send(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !closed { condition.wait() }
        guard !closed else { return }
        items.append(element)
        condition.broadcast()
    }

    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.count == head && !closed { condition.wait() }
        guard items.count > head else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return element
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
