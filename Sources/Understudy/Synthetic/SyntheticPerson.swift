/// One generated person: the same seed and number always give the same person, on any machine.
/// Vendors turn a person into their own user shape (`VendorAPI.syntheticUser`).
public struct SyntheticPerson: Sendable {
    /// Position in the generated list (0-based); creation time grows with it.
    public let number: Int
    public let seed: UInt64
    /// The vendor-format id (see `SyntheticIDFormat`).
    public let id: String
    public let firstName: String
    public let lastName: String
    public let email: String
    /// Unix seconds; strictly increasing with `number`, so list order is creation order.
    public let createdAt: Int
    private var random: SplitMix64

    /// 2021-01-01T00:00:00Z: generated users are created after this.
    public static let epoch = 1_609_459_200

    /// Runtime-added users are created "now" and have not been updated or signed in since.
    private let isCreatedNow: Bool

    /// - Parameter createdAt: pins the creation time (users added at runtime are created now).
    public init(number: Int, seed: UInt64, idFormat: SyntheticIDFormat, count: Int, createdAt pinned: Int? = nil) {
        self.number = number
        self.seed = seed
        id = idFormat.id(for: number, seed: seed)
        random = SplitMix64(seed: VendorNumbers.splitMix64(seed) ^ VendorNumbers.splitMix64(UInt64(number) &+ 0x51_7CC1_B727_220A))
        let first = Self.firstNames[Int(random.next() % UInt64(Self.firstNames.count))]
        let last = Self.lastNames[Int(random.next() % UInt64(Self.lastNames.count))]
        firstName = first
        lastName = last
        let domain = Self.domains[Int(random.next() % UInt64(Self.domains.count))]
        let local = switch random.next() % 3 {
        case 0: "\(first).\(last)"
        case 1: "\(first.prefix(1))\(last)"
        default: "\(first)\(last.prefix(1))"
        }
        // The number keeps emails unique however many people share a name.
        email = "\(local.lowercasedASCII)\(number)@\(domain)"
        // Spread creation over ~5 years whatever the count, one second apart at least.
        let step = max(1, 157_680_000 / max(count, 1))
        let jitter = Int(random.next() % UInt64(max(step / 2, 1)))
        createdAt = pinned ?? Self.epoch + number * step + jitter
        isCreatedNow = pinned != nil
    }

    /// A pseudo-random number in `0..<bound`, the same every run.
    public mutating func next(_ bound: Int) -> Int { Int(random.next() % UInt64(max(bound, 1))) }

    /// True with the given chance.
    public mutating func chance(_ probability: Double) -> Bool { random.nextUnitInterval() < probability }

    /// `createdAt` plus up to `maxSeconds`, for update or last-sign-in times.
    public mutating func later(by maxSeconds: Int) -> Int { isCreatedNow ? createdAt : createdAt + 1 + next(maxSeconds) }

    /// `YYYY-MM-DDTHH:MM:SSZ` (or with `.mmm`) for unix seconds.
    public static func iso8601(_ seconds: Int, milliseconds: Int? = nil) -> String {
        ISO8601.format(seconds: seconds, milliseconds: milliseconds)
    }

    static let firstNames = [
        "Ada", "Ahmed", "Aiko", "Alejandro", "Amara", "Ana", "Andrei", "Anya", "Arjun", "Astrid", "Ayesha", "Bea",
        "Bilal", "Camille", "Carlos", "Chen", "Chloe", "Dara", "David", "Diego", "Elena", "Emeka", "Emma", "Farah",
        "Felix", "Fatima", "Gabriel", "Grace", "Hana", "Hiro", "Ibrahim", "Ines", "Isaac", "Jamal", "Jana", "Javier",
        "Jin", "Jonas", "Julia", "Kai", "Kavya", "Kemi", "Lars", "Layla", "Leo", "Lina", "Luca", "Lucia", "Malik",
        "Maria", "Mateo", "Maya", "Mei", "Mohammed", "Nadia", "Naomi", "Nikhil", "Noah", "Olga", "Omar", "Oscar",
        "Priya", "Rafael", "Ravi", "Rosa", "Sakura", "Samir", "Sara", "Sofia", "Tariq", "Thea", "Tomas", "Uma",
        "Valentina", "Wei", "Yara", "Yusuf", "Zara", "Zoe",
    ]

    static let lastNames = [
        "Abe", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Castillo", "Chen", "Cohen",
        "Costa", "Dubois", "Ekström", "Fernandes", "Fischer", "Garcia", "Gonzalez", "Gupta", "Haddad", "Hansen",
        "Hernandez", "Ito", "Ivanova", "Jensen", "Johnson", "Kamau", "Kang", "Khan", "Kim", "Kowalski", "Larsen",
        "Lee", "Lopez", "Martin", "Mendes", "Moreau", "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen",
        "Patel", "Perez", "Petrov", "Quinn", "Rahman", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith",
        "Suzuki", "Tanaka", "Taylor", "Torres", "Vargas", "Wang", "Weber", "Williams", "Wong", "Yilmaz", "Zhang",
    ]

    static let domains = ["example.com", "example.org", "example.net", "corp.example", "mail.example"]
}

extension StringProtocol {
    /// ASCII-lowercased, with letters outside ASCII folded to their base letter where simple.
    var lowercasedASCII: String {
        let folded = self.lowercased()
        var result = ""
        for scalar in folded.unicodeScalars {
            switch scalar {
            case "á", "à", "ä", "â", "å": result += "a"
            case "é", "è", "ë", "ê": result += "e"
            case "í", "ï", "î": result += "i"
            case "ó", "ö", "ô", "ø": result += "o"
            case "ú", "ü", "û": result += "u"
            case "ñ": result += "n"
            case "ç": result += "c"
            default: if scalar.isASCII { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
