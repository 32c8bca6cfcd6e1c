import StorylineCore

/// The wall clock, read in one place.
public enum SystemClock {
    @Sendable public static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Syscalls.realtimeMilliseconds())
    }
}
