/// A small zone with a 40-record RRset (for truncation) and a referral with glue.
func integrationZone(serial: Int, extra: String = "") -> String {
    var text = """
        $ORIGIN it.test.
        $TTL 300
        @       SOA  ns1 hostmaster \(serial) 7200 3600 1209600 60
        @       NS   ns1
        ns1     A    192.0.2.53
        www     A    192.0.2.80
        www     TXT  "hello"
        child   NS   ns.child
        ns.child A   192.0.2.99

        """
    for index in 1...40 { text += "big A 198.51.100.\(index)\n" }
    return text + extra
}
