import ArgumentParser
import Understudy

/// `understudy`: the root command (run by `UnderstudyMain`).
struct UnderstudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "understudy",
        abstract: "A local stand-in for five SaaS \"list users\" APIs: OpenPhone, PandaDoc, 1Password, OpenAI, Factory.",
        discussion: """
            Examples:
              understudy serve                                  # http://127.0.0.1:8080, embedded seeds
              understudy serve --port 0 --ready-file url.txt    # free port; URL written when ready
              understudy serve --seeds ./Seeds --any-key        # your own users, any credential
              curl -H 'Authorization: Bearer sk-admin-understudy-test' \\
                   'http://127.0.0.1:8080/v1/organization/users?limit=2'
            """,
        version: UnderstudyVersion.current,
        subcommands: [Serve.self, Vendors.self, Seeds.self, Report.self],
        defaultSubcommand: nil
    )
}
