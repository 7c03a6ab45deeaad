import HTTPCore

/// The admin API's routes, each scoped to the session the request named (`/__session/NAME/__admin/…`
/// or `X-Understudy-Session`); unscoped, they act on the default session.
extension UnderstudyApp {
    func respondToAdmin(_ request: HTTPRequest, target: Target, parameters: RouteParameters, in session: Session) -> HTTPResponse {
        switch target {
        case .vendor:
            preconditionFailure("vendor routes are served by serveVendor")
        case .health:
            return AdminResponses.health
        case .spec, .versionSpec:
            return spec(vendor: parameters["vendor"] ?? "", version: parameters["version"])
        case .vendors:
            return AdminResponses.vendorList(session)
        case .listFaults:
            return HTTPResponse(status: .ok, body: session.faults.listing.compactBytes)
        case .armFault:
            let json: JSONValue
            do { json = try Self.parseAdminBody(request.body) } catch {
                return AdminResponses.error(.badRequest, "body: \(error.description)")
            }
            do {
                let id = session.faults.arm(try FaultRule.read(json, knownVendors: records.map(\.id)))
                return HTTPResponse(status: .created, text: #"{"id":"\#(id)"}"#)
            } catch {
                return AdminResponses.error(.badRequest, error.message)
            }
        case .clearFaults:
            session.faults.removeAll()
            return HTTPResponse(status: .noContent, contentType: nil)
        case .removeFault:
            let id = parameters["id"] ?? ""
            guard session.faults.remove(id: id) else { return AdminResponses.error(.notFound, "no armed fault with id '\(id)'") }
            return HTTPResponse(status: .noContent, contentType: nil)
        case .getUser, .addUser, .updateUser, .deleteUser:
            return respondToUserChange(target, request, vendor: parameters["vendor"] ?? "", id: parameters["id"] ?? "", in: session)
        case .listRequests:
            return listRequests(request, in: session)
        case .clearRequests:
            session.journal.clear()
            return HTTPResponse(status: .noContent, contentType: nil)
        case .reset:
            session.reset(rearming: startupFaults)
            return HTTPResponse(status: .ok, text: #"{"status":"reset"}"#)
        case .listSessions:
            return HTTPResponse(status: .ok, body: JSONValue.object([("sessions", .array(sessions.all().map(\.listing)))]).compactBytes)
        case .createSession:
            return createSession(request)
        case .deleteSessions:
            sessions.removeAll()
            return HTTPResponse(status: .noContent, contentType: nil)
        case .deleteSession:
            let name = parameters["name"] ?? ""
            if name == Session.defaultName { return AdminResponses.error(.badRequest, "the default session cannot be deleted; POST /__admin/reset resets it") }
            guard sessions.remove(named: name) else { return AdminResponses.error(.notFound, "no session named '\(name)'") }
            return HTTPResponse(status: .noContent, contentType: nil)
        case .resetSession:
            let name = parameters["name"] ?? ""
            guard let found = try? sessions.session(named: name, create: false).0 else {
                return AdminResponses.error(.notFound, "no session named '\(name)'")
            }
            found.reset(rearming: startupFaults)
            return HTTPResponse(status: .ok, text: #"{"status":"reset"}"#)
        case .dashboard:
            return dashboardPage(in: session)
        case .events:
            return eventStream(request, in: session)
        case .report:
            return dashboardReport(in: session)
        }
    }

    /// `POST /__admin/sessions {"name": …}` → the session's credentials, per vendor and role.
    private func createSession(_ request: HTTPRequest) -> HTTPResponse {
        let body: JSONValue
        do { body = try Self.parseAdminBody(request.body) } catch {
            return AdminResponses.error(.badRequest, "body: \(error.description)")
        }
        guard let members = body.objectValue else { return AdminResponses.error(.badRequest, #"body: expected {"name": "<session name>"}"#) }
        for (key, _) in members where key != "name" { return AdminResponses.error(.badRequest, "\(key): unknown field (known: name)") }
        guard let name = body["name"]?.stringValue else { return AdminResponses.error(.badRequest, "name: expected a string") }
        guard name != Session.defaultName else { return AdminResponses.error(.badRequest, "name: 'default' is the default session, which has the seeded credentials") }
        let session: Session
        let created: Bool
        do { (session, created) = try sessions.session(named: name) } catch { return AdminResponses.sessionRefusal(error) }
        return HTTPResponse(status: created ? .created : .ok, body: AdminResponses.sessionCredentials(session).compactBytes)
    }

    /// `GET /__admin/requests?vendor=&status=&limit=&session=`: the scoped session's journal, or
    /// `session=NAME` another one, or `session=*` every session's, merged by time.
    private func listRequests(_ request: HTTPRequest, in session: Session) -> HTTPResponse {
        let vendor = request.queryValue("vendor")
        let status = request.queryValue("status").flatMap { Int($0) }
        let limit = request.queryValue("limit").flatMap { Int($0) }
        if request.queryValue("status") != nil, status == nil { return AdminResponses.error(.badRequest, "status must be an integer") }
        if request.queryValue("limit") != nil, (limit ?? -1) < 0 { return AdminResponses.error(.badRequest, "limit must be a non-negative integer") }
        let journals: [RequestJournal]
        switch request.queryValue("session") {
        case nil: journals = [session.journal]
        case "*": journals = sessions.all().map(\.journal)
        case let name?:
            guard let named = try? sessions.session(named: name, create: false).0 else {
                return AdminResponses.error(.notFound, "no session named '\(name)'")
            }
            journals = [named.journal]
        }
        return HTTPResponse(status: .ok, body: RequestJournal.listing(of: journals, vendor: vendor, status: status, limit: limit).compactBytes)
    }

    private func respondToUserChange(_ target: Target, _ request: HTTPRequest, vendor: String, id: String, in session: Session) -> HTTPResponse {
        do {
            switch target {
            case .getUser:
                return HTTPResponse(status: .ok, body: try user(id: id, of: vendor, in: session).compactBytes)
            case .deleteUser:
                try deleteUser(id: id, of: vendor, in: session)
                var response = HTTPResponse(status: .noContent, contentType: nil)
                response.logMetadata["wrote"] = vendor
                return response
            default:
                let body: JSONValue
                do { body = try Self.parseAdminBody(request.body) } catch {
                    return AdminResponses.error(.badRequest, "body: \(error.description)")
                }
                var response = if case .addUser = target {
                    HTTPResponse(status: .created, body: try addUser(body, to: vendor, in: session).compactBytes)
                } else {
                    HTTPResponse(status: .ok, body: try updateUser(id: id, of: vendor, with: body, in: session).compactBytes)
                }
                response.logMetadata["wrote"] = vendor
                return response
            }
        } catch {
            return AdminResponses.error(error.status, error.message)
        }
    }

    /// `GET /__admin/specs/{vendor}` (default version) and `/__admin/specs/{vendor}/{version}`.
    func spec(vendor id: String, version: String?) -> HTTPResponse {
        guard let record = record(for: id) else {
            return AdminResponses.error(.notFound, "no spec for vendor '\(id)'; known: \(records.map(\.id).joined(separator: ", "))")
        }
        let versions = record.api.versions
        guard let chosen = version.map({ wanted in versions.first { $0.id == wanted } }) ?? versions.first else {
            return AdminResponses.error(.notFound, "no version '\(version ?? "")' of \(id); known: \(versions.map(\.id).joined(separator: ", "))")
        }
        guard let spec = EmbeddedData.spec(chosen.spec) else {
            return AdminResponses.error(.notFound, "no spec document '\(chosen.spec)' is embedded")
        }
        return HTTPResponse(status: .ok, text: spec)
    }
}
