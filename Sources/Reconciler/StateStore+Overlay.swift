public import Spec

/// The REST API's overrides on disk (`overrides.json` in the state directory). The file's format
/// and its atomic write belong to ``OverlayFile`` (Spec); the store decides where it lives.
extension StateStore {
    public var overlayPath: String { directory + "/overrides.json" }

    private var overlayFile: OverlayFile { OverlayFile(path: overlayPath, in: directory) }

    /// The saved overlay; empty when there is none yet.
    ///
    /// - Throws: when the file exists but cannot be read. The daemon then refuses to start rather
    ///   than drop an operator's overrides (a drained backend would take traffic again).
    public func loadOverlay() throws(Failure) -> Overlay {
        do {
            return try overlayFile.load()
        } catch {
            throw Failure(description: error.description)
        }
    }

    public func saveOverlay(_ overlay: Overlay) throws(Failure) {
        do {
            try overlayFile.save(overlay)
        } catch {
            throw Failure(description: error.description)
        }
    }
}
