import StorylineCore

/// Where the settings come from, later ones winning: the defaults, the YAML file, the command line.
///
/// `resolve()` is the one way these become a configuration in force: at start-up and again on every
/// SIGHUP, so the command line wins after a reload exactly as it did at start.
public struct ConfigurationSources: Sendable, Hashable {
    /// The YAML file (`--config`), read again by every `resolve()`.
    public var file: String?
    /// Values from the command line, by setting key.
    public var flags: [String: SettingValue]

    /// - Throws: `DaemonConfigurationError` for a flag that is not a setting or not a value of its kind.
    public init(file: String? = nil, flags: [String: SettingValue] = [:]) throws(DaemonConfigurationError) {
        for (key, value) in flags {
            guard let setting = DaemonConfiguration.setting(key) else {
                throw DaemonConfigurationError(path: nil, key: key, message: "\(key) is not a setting")
            }
            guard value.converted(to: setting.kind) != nil else {
                throw DaemonConfigurationError(path: nil, key: key, message: "--\(setting.flag) takes \(setting.kind.article) (got \(value))")
            }
        }
        self.file = file
        self.flags = flags
    }

    /// Flags as the command line spells them: each text read as its setting's kind.
    ///
    /// - Parameter flagTexts: text by setting key (`"horizon_days": "1e20"`).
    /// - Throws: `DaemonConfigurationError` naming the flag when a text is not a value of its kind
    ///   (`--bands` takes a whole number); a value of the right kind out of range is left to `resolve()`.
    public init(file: String? = nil, flagTexts: [String: String]) throws(DaemonConfigurationError) {
        var flags: [String: SettingValue] = [:]
        for (key, text) in flagTexts {
            guard let setting = DaemonConfiguration.setting(key) else {
                throw DaemonConfigurationError(path: nil, key: key, message: "\(key) is not a setting")
            }
            guard let value = SettingValue(parsing: text, as: setting.kind) else {
                throw DaemonConfigurationError(path: nil, key: key, message: "--\(setting.flag) takes \(setting.kind.article) (got \(text))")
            }
            flags[key] = value
        }
        try self.init(file: file, flags: flags)
    }

    /// The defaults, then the file, then the flags, not yet validated: for the state commands, which
    /// need only the paths and must work beside a configuration the daemon would refuse.
    ///
    /// - Throws: `DaemonConfigurationError` when the file cannot be read or holds what no setting takes.
    public func layered() throws(DaemonConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        if let file { try configuration.apply(file: file) }
        for (key, value) in flags {
            DaemonConfiguration.setting(key)?.set(value, in: &configuration)
        }
        return configuration
    }

    /// The defaults, then the file, then the flags, then validation: the settings to put in force.
    ///
    /// - Throws: `DaemonConfigurationError` for the file, or for the first value that cannot work, from
    ///   wherever it came.
    public func resolve() throws(DaemonConfigurationError) -> DaemonConfiguration {
        let configuration = try layered()
        try configuration.validate()
        return configuration
    }
}

extension SettingKind {
    /// "a whole number", as messages say what a value must be.
    public var article: String {
        switch self {
        case .path: "a path"
        case .wholeNumber: "a whole number"
        case .number: "a number"
        }
    }
}
