/// Identifies a narrow-mode NSEC3 record: its owner hash and, for a record that matches a node,
/// that node (whose real types are the bitmap); -1 for a record that only covers a hash (empty
/// bitmap). The next hash follows from these (owner + 1 or owner + 2), so the key fixes the record.
package struct NarrowKey: Hashable, Sendable {
    package var owner: NSEC3Hash
    package var node: Int32

    package init(owner: NSEC3Hash, node: Int32) {
        self.owner = owner
        self.node = node
    }

    /// The record's next hashed owner: owner + 1 for a match, owner + 2 for a cover (whose owner
    /// is the covered hash − 1).
    var next: NSEC3Hash { node >= 0 ? owner.successor() : owner.successor().successor() }
}
