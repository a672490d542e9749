extension DNSName {
    /// A name typed by a person, on a command line or in a config file: absolute whether or not it
    /// ends in a dot, as kdig, dig, knotc and keymgr take zone names; `.` is the root.
    ///
    /// Zone-file contents keep RFC 1035's rule (no final dot means relative to `$ORIGIN`); this is
    /// for names that have no origin to be relative to.
    public init(typed text: some StringProtocol) throws(TextError) {
        try self.init(text: text, origin: .root)
    }

    /// A host name typed in a zone's configuration (e.g. a `tlsa:` entry's `host:`): `@` is the
    /// zone's apex; a name that ends in a dot, or lies at or below `zone` once taken as absolute
    /// (`mx1.example.test` in `example.test`), is absolute; any other name is relative to `zone`
    /// (`mx1`). So both the full name, with or without its dot, and the short one work.
    public init(typed text: some StringProtocol, zone: DNSName) throws(TextError) {
        if text.elementsEqual("@") {
            self = zone
            return
        }
        let absolute = try DNSName(typed: text)
        let endsInDot = (try? DNSName(text: text)) != nil
        self = endsInDot || absolute.isSubdomain(of: zone) ? absolute : try DNSName(text: text, origin: zone)
    }
}
