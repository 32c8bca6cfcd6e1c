/// One setting, declared once: its key, the value it holds, its rule, what it does.
///
/// Everything else is made from this declaration: the key a configuration file uses, the command-line
/// flag (`shingle_size` is `--shingle-size`), the `--help` line, the check of the value and its message,
/// and the list docs/configuration.md is tested against. Defaults are not repeated here: they are the
/// initial values of the configuration struct itself, read from a fresh instance.
public struct Setting<Root>: Sendable {
    public typealias Kind = SettingKind
    public typealias Rule = SettingRule

    /// The key, as a configuration file spells it: `shingle_size`.
    public let key: String
    public let kind: Kind
    public let rule: Rule
    /// What the setting does, as one lower-case phrase: "words per shingle".
    public let summary: String
    /// The default as people read it, when it is not simply the initial value ("horizon_days + 7").
    public let defaultDescription: String?
    /// What to do when the value is refused; nil for "D is the default".
    let advice: String?
    let read: @Sendable (Root) -> SettingValue?
    let write: @Sendable (inout Root, SettingValue) -> Void
    /// Checks that need other settings, run after this one's own rule (so every value they multiply or
    /// compare is already in range).
    let also: @Sendable (Root) throws(ConfigurationError) -> Void

    /// The command-line flag without its dashes: `shingle-size`.
    public var flag: String { key.replacing("_", with: "-") }

    /// The value name `--help` shows: `--horizon-days <days>`.
    public var valueName: String {
        switch rule {
        case .anyPath: key == "timeline" || key.hasSuffix("_file") ? "file" : "dir"
        case .wholeNumber: key.hasSuffix("_bytes") ? "bytes" : "n"
        case .days: "days"
        case .share: "share"
        case .custom: kind == .number ? "days" : "value"
        }
    }

    /// What the value must be, as a phrase after the summary: "1 to 16".
    public var requirement: String {
        switch rule {
        case .anyPath: "a path"
        case let .wholeNumber(range): "\(range.lowerBound) to \(range.upperBound)"
        case let .days(range, aboveLower):
            aboveLower ? "above \(Self.shown(range.lowerBound)), at most \(Self.shown(range.upperBound))"
                : "\(Self.shown(range.lowerBound)) to \(Self.shown(range.upperBound))"
        case .share: "above 0, at most 1"
        case let .custom(requirement): requirement
        }
    }

    /// The value in `configuration`, nil when it is unset.
    public func value(in configuration: Root) -> SettingValue? { read(configuration) }

    /// Sets the value; a value of another kind is converted the way a file's would be (a whole number
    /// for a number), or ignored if it cannot be (`SettingValue.converted(to:)` says which).
    public func set(_ value: SettingValue, in configuration: inout Root) {
        if let value = value.converted(to: kind) { write(&configuration, value) }
    }

    /// The default as people read it, from `defaults`.
    public func defaultText(in defaults: Root) -> String {
        defaultDescription ?? read(defaults)?.description ?? "unset"
    }

    /// One line of `--help`: "Words per shingle; 1 to 16 (default 5)."
    public func help(defaults: Root) -> String {
        let phrase = summary.prefix(1).uppercased() + summary.dropFirst()
        let rule = if case .anyPath = rule { "" } else { "; \(requirement)" }
        return "\(phrase)\(rule) (default \(defaultText(in: defaults)))."
    }

    /// Checks the value in `configuration` by the setting's rule, then its checks against other settings.
    ///
    /// - Parameter defaults: where the "D is the default" advice takes D from.
    /// - Throws: `ConfigurationError` naming the key, the value and what it must be.
    public func check(_ configuration: Root, defaults: Root) throws(ConfigurationError) {
        let advice = self.advice ?? read(defaults).map { "\($0) is the default" }
        switch (rule, read(configuration)) {
        case let (.wholeNumber(range), .wholeNumber(value)?):
            try ConfigurationError.check(value, key, in: range, advice: advice)
        case let (.days(range, aboveLower), .number(value)?):
            try ConfigurationError.check(value, key, days: range, aboveLower: aboveLower, advice: advice)
        case let (.share, .number(value)?):
            try ConfigurationError.check(value, key, aboveZeroToOne: advice ?? "")
        default:
            break
        }
        try also(configuration)
    }

    static func shown(_ value: Double) -> String { SettingValue.shown(value) }
}

extension Setting {
    public init(
        _ key: String, _ keyPath: any WritableKeyPath<Root, Int> & Sendable, in range: ClosedRange<Int>, _ summary: String,
        advice: String? = nil, also: @escaping @Sendable (Root) throws(ConfigurationError) -> Void = { _ in }
    ) {
        self.init(key: key, kind: .wholeNumber, rule: .wholeNumber(range), summary: summary, defaultDescription: nil,
                  advice: advice, read: { .wholeNumber($0[keyPath: keyPath]) },
                  write: { root, value in if case let .wholeNumber(number) = value { root[keyPath: keyPath] = number } },
                  also: also)
    }

    public init(
        _ key: String, _ keyPath: any WritableKeyPath<Root, Double> & Sendable, _ rule: Rule, _ summary: String,
        advice: String? = nil, also: @escaping @Sendable (Root) throws(ConfigurationError) -> Void = { _ in }
    ) {
        self.init(key: key, kind: .number, rule: rule, summary: summary, defaultDescription: nil,
                  advice: advice, read: { .number($0[keyPath: keyPath]) },
                  write: { root, value in if case let .number(number) = value { root[keyPath: keyPath] = number } },
                  also: also)
    }

    public init(path key: String, _ keyPath: any WritableKeyPath<Root, String> & Sendable, _ summary: String) {
        self.init(key: key, kind: .path, rule: .anyPath, summary: summary, defaultDescription: nil, advice: nil,
                  read: { .text($0[keyPath: keyPath]) },
                  write: { root, value in if case let .text(text) = value { root[keyPath: keyPath] = text } },
                  also: { _ in })
    }

    /// A path that may be left unset, for one that follows another setting by default (`default`).
    public init(
        path key: String, optional keyPath: any WritableKeyPath<Root, String?> & Sendable, _ summary: String,
        default defaultDescription: String
    ) {
        self.init(key: key, kind: .path, rule: .anyPath, summary: summary, defaultDescription: defaultDescription,
                  advice: nil, read: { $0[keyPath: keyPath].map(SettingValue.text) },
                  write: { root, value in if case let .text(text) = value { root[keyPath: keyPath] = text } },
                  also: { _ in })
    }

    /// A number that may be left unset, with a rule of its own (`check` only runs `check` when it is set).
    public init(
        _ key: String, optional keyPath: any WritableKeyPath<Root, Double?> & Sendable, requirement: String,
        _ summary: String, default defaultDescription: String,
        check: @escaping @Sendable (Root) throws(ConfigurationError) -> Void
    ) {
        self.init(key: key, kind: .number, rule: .custom(requirement: requirement), summary: summary,
                  defaultDescription: defaultDescription, advice: nil, read: { $0[keyPath: keyPath].map(SettingValue.number) },
                  write: { root, value in if case let .number(number) = value { root[keyPath: keyPath] = number } },
                  also: check)
    }

    /// This setting of a part, as a setting of the whole that holds the part at `part`.
    public func lifted<Whole>(_ part: any WritableKeyPath<Whole, Root> & Sendable) -> Setting<Whole> {
        let read = self.read, write = self.write, also = self.also
        return Setting<Whole>(
            key: key, kind: kind, rule: rule, summary: summary, defaultDescription: defaultDescription, advice: advice,
            read: { read($0[keyPath: part]) }, write: { whole, value in write(&whole[keyPath: part], value) },
            also: { (whole: Whole) throws(ConfigurationError) in try also(whole[keyPath: part]) })
    }
}

/// What kind of value a setting takes, which decides how text and decoded values are read.
public enum SettingKind: Sendable, Hashable {
    case path
    case wholeNumber
    case number
}

/// What a setting's value must be, beyond its kind.
public enum SettingRule: Sendable, Hashable {
    /// Any non-empty text.
    case anyPath
    /// A whole number in the range.
    case wholeNumber(ClosedRange<Int>)
    /// A finite number of days in the range (above its lower bound, if `aboveLower`).
    case days(ClosedRange<Double>, aboveLower: Bool)
    /// A number above 0 and at most 1.
    case share
    /// A rule the setting's own check spells out (`requirement` is how help and docs say it).
    case custom(requirement: String)
}

/// A setting's value as it comes from a file or a flag.
public enum SettingValue: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case wholeNumber(Int)
    case number(Double)

    /// The value as text of a command-line flag, if it is one of `kind`: `Int("1e3")` is not a whole
    /// number, `Double("inf")` is a number (refused later, by the setting's rule, with its message).
    public init?(parsing text: String, as kind: SettingKind) {
        switch kind {
        case .path:
            guard !text.isEmpty else { return nil }
            self = .text(text)
        case .wholeNumber:
            guard let number = Int(text) else { return nil }
            self = .wholeNumber(number)
        case .number:
            guard let number = Double(text) else { return nil }
            self = .number(number)
        }
    }

    /// The value as a setting of `kind` takes it: a whole number is also a number; nil if it is not one.
    public func converted(to kind: SettingKind) -> SettingValue? {
        switch (self, kind) {
        case let (.text(text), .path) where !text.isEmpty: self
        case (.wholeNumber, .wholeNumber), (.number, .number): self
        case let (.wholeNumber(number), .number): .number(Double(number))
        default: nil
        }
    }

    /// 30 for 30.0, as a file would say it; paths as they are.
    public var description: String {
        switch self {
        case let .text(text): text
        case let .wholeNumber(number): String(number)
        case let .number(number): SettingValue.shown(number)
        }
    }

    /// 36500.0 as "36500", 0.7 as "0.7".
    static func shown(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
