import API
import ArgumentParser

/// `--api-auth`.
enum APIAuthScope: String, ExpressibleByArgument, CaseIterable {
    case mutating, all

    var scope: APIAuth.Scope { self == .all ? .all : .mutating }
}
