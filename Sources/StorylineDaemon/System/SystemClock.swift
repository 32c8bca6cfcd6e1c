import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// The wall clock, read in one place.
public enum SystemClock {
    @Sendable public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}
