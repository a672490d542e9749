import ArgumentParser

@main
struct Sigil: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigil",
        abstract: "An authoritative DNS nameserver that signs its answers online.",
        subcommands: [SignCommand.self, KeygenCommand.self, DSCommand.self, TLSACommand.self]
    )
}
