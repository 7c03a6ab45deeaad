import ArgumentParser
import Understudy

extension UnderstudyCommand {
    /// `understudy vendors`: every vendor with its versions, operations and default credentials.
    struct Vendors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the emulated vendors with their versions, operations and default credentials."
        )

        @Option(help: ArgumentHelp("Read credentials from <vendor>.json files in this directory instead of the embedded seeds.", valueName: "dir"))
        var seeds: String?

        func run() throws {
            let app: UnderstudyApp
            do { app = try UnderstudyApp(configuration: .init(seedsDirectory: seeds)) } catch let error as SeedError {
                throw ValidationError("bad seed file: \(error)")
            }
            print(Self.table(app))
        }

        static func table(_ app: UnderstudyApp) -> String {
            var lines: [String] = []
            for record in app.records {
                let vendor = record.api
                lines.append("\(vendor.id)  \(vendor.displayName)   (every path also under /\(vendor.id))")
                for (position, version) in vendor.versions.enumerated() {
                    lines.append("  version \(version.id)\(position == 0 ? " (default)" : ""): \(version.selector)")
                    for operation in record.operations where operation.version == version.id {
                        lines.append("    \(operation.method.padding(6)) \(operation.path)   \(operation.name)")
                    }
                }
                lines.append("  auth: \(vendor.authScheme)")
                for credential in record.seed.credentials {
                    lines.append("  Authorization: \(credential.authorization)   (\(credential.role.rawValue))")
                }
                for account in record.seed.accounts { lines.append("  account: \(account)") }
                lines.append("  users: \(record.store.snapshot().count)")
                lines.append("")
            }
            return lines.joined(separator: "\n")
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
