import ArgumentParser
import Understudy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnderstudyCommand {
    /// `understudy seeds …`
    struct Seeds: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with seed files.",
            subcommands: [Export.self]
        )

        /// `understudy seeds export --users N --seed S --out DIR`
        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write generated users as Seeds/-format files (<vendor>.json) to commit and edit.",
                discussion: "Example: understudy seeds export --users 500 --seed 7 --out ./Seeds && understudy serve --seeds ./Seeds"
            )

            @Option(help: "Users per vendor.")
            var users: Int

            @Option(help: "Generator seed; the same users and seed give the same files.")
            var seed: UInt64 = 1

            @Option(help: ArgumentHelp("Directory to write <vendor>.json into (created if missing).", valueName: "dir"))
            var out: String

            func validate() throws {
                guard (0...1_000_000).contains(users) else { throw ValidationError("--users must be between 0 and 1000000, got \(users)") }
            }

            func run() throws {
                let app = try UnderstudyApp()
                if mkdir(out, 0o755) != 0, errno != EEXIST {
                    throw ValidationError("cannot create --out \(out): \(String(cString: strerror(errno)))")
                }
                for vendor in VendorRegistry.all {
                    guard let vendorSeed = app.seed(for: vendor.id) else { continue }
                    let text = try SeedExport.fileText(for: vendor, seed: vendorSeed, count: users, generationSeed: seed)
                    let path = "\(out)/\(vendor.id).json"
                    guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
                    defer { fclose(file) }
                    guard fputs(text, file) >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
                    print("wrote \(path) (\(users) users)")
                }
            }
        }
    }
}
