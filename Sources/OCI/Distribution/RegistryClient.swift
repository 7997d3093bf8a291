#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HermeticCore

/// An OCI distribution client: manifests and indexes by tag or digest, blobs by digest in bounded ranges with the
/// digest checked while they stream to disk, uploads in chunks, and token auth as registries do it (a `401` with
/// `WWW-Authenticate: Bearer realm=…,service=…,scope=…` answered by fetching a token from the realm, with basic
/// credentials when given).
public struct RegistryClient: Sendable {
    private let transport: any RegistryTransport
    private let scheme: String
    private let credentials: (user: String, password: String)?
    private let tokens = TokenStore()
    /// The largest piece of a blob held in memory.
    public static let chunkSize = 8 << 20

    static let manifestAccept = [MediaType.imageManifest, MediaType.imageIndex, MediaType.dockerManifest, MediaType.dockerManifestList].joined(separator: ", ")

    /// Creates a client; `plainHTTP` for a loopback registry without TLS.
    public init(transport: any RegistryTransport, plainHTTP: Bool = false, credentials: (user: String, password: String)? = nil) {
        self.transport = transport
        scheme = plainHTTP ? "http" : "https"
        self.credentials = credentials
    }

    // MARK: - Pull

    /// Pulls `image` into the layout `destination`, published only when complete: every platform of an index, or with
    /// `platform` only the manifest an index names for it (the destination's tag then names that manifest).
    ///
    /// - Returns: the descriptor of the top manifest or index (the platform's manifest when `platform` is given).
    /// - Throws: ``OCIError`` naming the object that failed, `.digestMismatch` when content does not match,
    ///   `.notFound` naming the platforms an index has when none matches `platform`.
    @discardableResult
    public func pull(_ image: ImageReference, into destination: LayoutReference, platform: Platform? = nil) async throws -> Descriptor {
        try await StagedLayout.write(to: destination, sourceTag: image.reference.hasPrefix("sha256:") ? nil : image.reference) { layout in
            try await self.pullManifest(image, reference: image.reference, into: layout, platform: platform)
        }
    }

    /// The digest of the manifest or index that `image`'s tag names now, hashed from the bytes served (a
    /// registry's `Docker-Content-Digest` header is not trusted): what pins a tag for a policy.
    ///
    /// - Throws: ``OCIError`` `.notFound` for an unknown tag, or naming what the registry answered.
    public func resolve(_ image: ImageReference) async throws -> Digest {
        let response = try await request(image, "GET", "manifests/\(image.reference)", headers: ["Accept": Self.manifestAccept])
        guard response.status == 200 else { throw Self.failure(response, "manifest \(image.repository):\(image.reference)") }
        let digest = Digest(of: response.body)
        if image.reference.hasPrefix("sha256:"), digest.description != image.reference {
            throw OCIError(.digestMismatch, "manifest \(image.reference) hashes to \(digest)")
        }
        return digest
    }

    private func pullManifest(_ image: ImageReference, reference: String, into layout: ImageLayout, platform: Platform? = nil) async throws -> Descriptor {
        let response = try await request(image, "GET", "manifests/\(reference)", headers: ["Accept": Self.manifestAccept])
        guard response.status == 200 else { throw Self.failure(response, "manifest \(image.repository):\(reference)") }
        guard response.body.count <= Int(ImageLayout.documentLimit) else { throw OCIError(.malformed, "manifest \(reference) is too large") }
        let digest = Digest(of: response.body)
        if reference.hasPrefix("sha256:"), digest.description != reference {
            throw OCIError(.digestMismatch, "manifest \(reference) hashes to \(digest)")
        }
        let mediaType = (response.headers["content-type"] ?? "").split(separator: ";").first.map(String.init) ?? ""
        if MediaType.isIndex(mediaType) {
            let index = try ImageIndex(json: response.body)
            if let platform {
                guard let child = index.manifests.first(where: { platform.matches($0) }) else {
                    let offered = index.manifests.compactMap { Platform(of: $0)?.description }
                    throw OCIError(.notFound, "\(image.repository):\(reference) has no manifest for \(platform) (it has \(offered.isEmpty ? "no platforms" : offered.joined(separator: ", ")))")
                }
                let pulled = try await pullManifest(image, reference: try child.parsedDigest().description, into: layout)
                guard pulled.digest == child.digest else { throw OCIError(.digestMismatch, "manifest for \(platform) hashes to \(pulled.digest), the index says \(child.digest)") }
                return pulled
            }
            for child in index.manifests { _ = try await pullManifest(image, reference: child.digest, into: layout) }
        } else if MediaType.isManifest(mediaType) {
            let manifest = try Manifest(json: response.body)
            for blob in [manifest.config] + manifest.layers { try await pullBlob(image, blob, into: layout) }
        } else {
            throw OCIError(.unsupported, "manifest \(reference) has media type \"\(mediaType)\"")
        }
        let written = try layout.writeBlob(response.body, mediaType: mediaType)
        guard written.digest == digest.description else { throw OCIError(.digestMismatch, "manifest \(reference) changed while written") }
        return written
    }

    private func pullBlob(_ image: ImageReference, _ blob: Descriptor, into layout: ImageLayout) async throws {
        let digest = try blob.parsedDigest()
        guard blob.size >= 0 else { throw OCIError(.malformed, "blob \(digest) has a negative size") }
        let writer = try layout.makeBlobWriter()
        var offset: Int64 = 0
        repeat {
            let end = min(offset + Int64(Self.chunkSize), blob.size) - 1
            let response = try await request(image, "GET", "blobs/\(digest)", headers: ["Range": "bytes=\(offset)-\(max(end, offset))"])
            guard response.status == 206 || response.status == 200 else { throw Self.failure(response, "blob \(digest)") }
            var piece = response.body
            if response.status == 200 {
                // The whole blob despite the range: keep only what is new.
                guard Int64(piece.count) == blob.size else { throw OCIError(.digestMismatch, "blob \(digest) has \(piece.count) bytes, its descriptor says \(blob.size)") }
                piece = Array(piece[Int(offset)...])
            }
            guard !piece.isEmpty || blob.size == 0 else { throw OCIError(.io, "blob \(digest): the registry sent nothing at offset \(offset)") }
            try writer.write(piece)
            offset += Int64(piece.count)
            guard offset <= blob.size else { throw OCIError(.digestMismatch, "blob \(digest) is longer than its descriptor's \(blob.size) bytes") }
        } while offset < blob.size
        let (written, _) = try writer.finish()
        guard written == digest else {
            try? FileManager.default.removeItem(atPath: layout.blobPath(written))
            throw OCIError(.digestMismatch, "blob \(digest) from the registry hashes to \(written)")
        }
    }

    // MARK: - Push

    /// Pushes the image `source` names to `image` (blobs the registry has are skipped).
    ///
    /// - Throws: ``OCIError`` naming what the registry refused.
    public func push(from source: LayoutReference, to image: ImageReference) async throws {
        let layout = try ImageLayout(opening: source.directory)
        let root = try layout.resolve(tag: source.tag)
        try await pushManifest(root, from: layout, to: image, reference: image.reference)
    }

    private func pushManifest(_ descriptor: Descriptor, from layout: ImageLayout, to image: ImageReference, reference: String) async throws {
        let bytes = try layout.readBlob(descriptor)
        if MediaType.isIndex(descriptor.mediaType) {
            for child in try ImageIndex(json: bytes).manifests {
                try await pushManifest(child, from: layout, to: image, reference: child.digest)
            }
        } else {
            let manifest = try Manifest(json: bytes)
            for blob in [manifest.config] + manifest.layers { try await pushBlob(blob, from: layout, to: image) }
        }
        let response = try await request(image, "PUT", "manifests/\(reference)", headers: ["Content-Type": descriptor.mediaType], body: bytes)
        guard response.status == 201 || response.status == 200 else { throw Self.failure(response, "manifest \(reference)") }
    }

    private func pushBlob(_ blob: Descriptor, from layout: ImageLayout, to image: ImageReference) async throws {
        let digest = try blob.parsedDigest()
        let head = try await request(image, "HEAD", "blobs/\(digest)")
        if head.status == 200 { return }
        let start = try await request(image, "POST", "blobs/uploads/")
        guard start.status == 202, var location = start.headers["location"] else { throw Self.failure(start, "starting the upload of \(digest)") }
        var reader = try layout.openBlob(blob, chunkSize: Self.chunkSize)
        var offset = 0
        while let chunk = try reader.next() {
            let response = try await request(image, "PATCH", location, headers: [
                "Content-Type": "application/octet-stream", "Content-Range": "\(offset)-\(offset + chunk.count - 1)",
            ], body: chunk)
            guard response.status == 202, let next = response.headers["location"] else { throw Self.failure(response, "uploading \(digest)") }
            location = next
            offset += chunk.count
        }
        let separator = location.contains("?") ? "&" : "?"
        let done = try await request(image, "PUT", location + separator + "digest=" + digest.description, headers: ["Content-Type": "application/octet-stream"])
        guard done.status == 201 else { throw Self.failure(done, "completing the upload of \(digest)") }
    }

    // MARK: - Requests and auth

    private func request(_ image: ImageReference, _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> RegistryResponse {
        let base = "\(scheme)://\(image.registry)"
        let text = path.hasPrefix("http://") || path.hasPrefix("https://") ? path : path.hasPrefix("/") ? base + path : "\(base)/v2/\(image.repository)/\(path)"
        guard let url = URL(string: text) else { throw OCIError(.malformed, "cannot form a URL from \(text)") }
        var headers = headers
        let scopeKey = image.registry + "/" + image.repository
        let cached = await tokens.token(for: scopeKey)
        if let cached { headers["Authorization"] = "Bearer " + cached }
        var response = try await transport.send(RegistryRequest(method: method, url: url, headers: headers, body: body))
        if response.status == 401, let challenge = response.headers["www-authenticate"] {
            let token = try await fetchToken(challenge, image: image)
            await tokens.set(token, for: scopeKey)
            headers["Authorization"] = "Bearer " + token
            response = try await transport.send(RegistryRequest(method: method, url: url, headers: headers, body: body))
        }
        return response
    }

    private func fetchToken(_ challenge: String, image: ImageReference) async throws -> String {
        let parameters = BearerChallenge(challenge)
        guard let realm = parameters.values["realm"], var components = URLComponents(string: realm) else {
            throw OCIError(.unsupported, "the registry asks for \"\(challenge.prefix(60))\", not a Bearer token with a realm")
        }
        var query = components.queryItems ?? []
        if let service = parameters.values["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        query.append(URLQueryItem(name: "scope", value: parameters.values["scope"] ?? "repository:\(image.repository):pull,push"))
        components.queryItems = query
        guard let url = components.url else { throw OCIError(.malformed, "the token realm \(realm) is not a URL") }
        var headers: [String: String] = [:]
        if let credentials {
            headers["Authorization"] = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
        }
        let response = try await transport.send(RegistryRequest(method: "GET", url: url, headers: headers))
        guard response.status == 200,
              let object = try? JSONValue(parsing: response.body),
              let token = object["token"]?.stringValue ?? object["access_token"]?.stringValue, !token.isEmpty
        else { throw OCIError(.io, "the token service at \(url.host ?? realm) refused (HTTP \(response.status))") }
        return token
    }

    static func failure(_ response: RegistryResponse, _ what: String) -> OCIError {
        let code: OCIError.Code = response.status == 404 ? .notFound : .io
        let detail = String(decoding: response.body.prefix(200), as: UTF8.self)
        return OCIError(code, "\(what): HTTP \(response.status)" + (detail.isEmpty ? "" : " \(detail)"))
    }
}

/// The parameters of a `WWW-Authenticate: Bearer k="v",…` challenge.
struct BearerChallenge {
    var values: [String: String] = [:]

    init(_ header: String) {
        guard header.lowercased().hasPrefix("bearer ") else { return }
        var rest = Substring(header.dropFirst(7))
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingScalars(in: [" ", ","]).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { break }
                value = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            values[key] = value
        }
    }
}

/// Bearer tokens per registry and repository, shared by a client's concurrent requests.
actor TokenStore {
    private var tokens: [String: String] = [:]

    func token(for key: String) -> String? { tokens[key] }

    func set(_ token: String, for key: String) { tokens[key] = token }
}
