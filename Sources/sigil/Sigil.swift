import ArgumentParser

@main
struct Sigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "An authoritative DNS nameserver that signs its answers online.",
        subcommands: [
            Serve.self, CheckZone.self, KeygenCommand.self, DSCommand.self, SignCommand.self, TLSACommand.self,
            DaneCommand.self, TLSRPTCommand.self, KeysCommand.self,
        ]
    )
}
