// The KBS messages and the client moved to `KBSClient` so the guest agent links them without the broker; importers of
// `KeyBroker` keep seeing them.
@_exported import KBSClient
@_exported import KBSURLSession
