/// An `annotations.xml` held in memory (for the fuzzer, and for callers that already have the bytes).
public struct MemoryExport: ExportSource {
    public let path: String
    public let bytes: [UInt8]
    public var container: ExportContainer { .xml }
    public var annotationsPath: String { "annotations.xml" }
    public var annotationsSize: UInt64? { UInt64(bytes.count) }

    public init(bytes: [UInt8], path: String = "<memory>") {
        self.bytes = bytes
        self.path = path
    }

    public func streamAnnotations(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        // Fed in pieces, as a file would be, so the push parser sees chunk boundaries too.
        let chunk = 64 << 10
        var offset = 0
        try bytes.withUnsafeBytes { all in
            while offset < all.count {
                let end = min(all.count, offset + chunk)
                try consume(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
    }

    public func mediaFiles() throws -> [MediaFile]? { nil }

    public func mediaPrefix(_ file: MediaFile, count: Int) throws -> [UInt8] {
        throw InputError("\(path): an in-memory annotations file has no media")
    }
}
