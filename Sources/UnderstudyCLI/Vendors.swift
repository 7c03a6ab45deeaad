import ArgumentParser
import Understudy

extension UnderstudyCommand {
    /// `understudy vendors`: the table of vendors, paths and default credentials.
    struct Vendors: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the emulated vendors with their paths and default credentials."
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
            for vendor in VendorRegistry.all {
                guard let seed = app.seed(for: vendor.id) else { continue }
                lines.append("\(vendor.id)  \(vendor.displayName)")
                lines.append("  GET \(vendor.listPath)")
                lines.append("  GET /\(vendor.id)\(vendor.listPath)")
                lines.append("  auth: \(vendor.authScheme)")
                for credential in seed.credentials {
                    lines.append("  Authorization: \(credential.authorization)   (\(credential.role.rawValue))")
                }
                for account in seed.accounts { lines.append("  account: \(account)") }
                lines.append("  users: \(seed.users.count)")
                lines.append("")
            }
            return lines.joined(separator: "\n")
        }
    }
}
