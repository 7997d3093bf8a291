/// Which layers of each manifest to encrypt.
public enum LayerSelection: Sendable, Hashable {
    /// Every layer.
    case all
    /// The layers at these positions, base first from 0; negative positions count from the top (-1 is the last),
    /// as skopeo's `--encrypt-layer` does.
    case indices([Int])

    /// Whether the layer at `position` of `count` is selected.
    func contains(_ position: Int, of count: Int) -> Bool {
        switch self {
        case .all: true
        case .indices(let list): list.contains { ($0 >= 0 ? $0 : count + $0) == position }
        }
    }

    /// Checks that every position exists in a manifest of `count` layers.
    func validate(layerCount count: Int) throws {
        guard case .indices(let list) = self else { return }
        for position in list where position >= count || position < -count {
            throw ImageCryptError(.malformed, "layer \(position) does not exist: the image has \(count) layer(s)")
        }
    }
}
