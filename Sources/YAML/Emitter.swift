import CYAML
import Diagnostics
import Synchronization

/// Writes node trees as YAML text with the same bytes as kustomize's output.
///
/// kustomize serializes each resource through JSON and go-yaml v2, so its output does not
/// keep the input's layout: mapping keys are sorted (go-yaml's natural order), scalars are
/// written from their typed values (`0644` becomes `420`), strings that would read as
/// another type are double-quoted, strings with line breaks are literal blocks, and lines
/// are folded at 80 columns. go-yaml v2's emitter is a port of libyaml's, so libyaml with
/// the same settings (indent 2, width 80, unicode) produces the same text.
public enum YAMLEmitter {
    /// One document, without a `---` line.
    public static func emit(_ node: Node) -> String {
        PlainBlockWriter.emit(node) ?? emitThroughLibyaml(node)
    }

    /// One document, always through libyaml: `emit` gives the same text, and takes the
    /// common document a faster way (`PlainBlockWriter`). For checking that it does.
    public static func emitThroughLibyaml(_ node: Node) -> String {
        var writer = EventWriter()
        writer.document(node)
        return writer.finish()
    }

    /// One document as it was written: keys in their order, scalars in their styles, lists
    /// inside mappings not indented (kyaml's layout for text it writes back into a string,
    /// such as structured data a replacement changed).
    public static func emitAsWritten(_ node: Node) -> String {
        var writer = EventWriter()
        writer.asWritten = true
        writer.document(node)
        return writer.finish()
    }

    /// Documents separated by `---` lines, as `kustomize build` prints a resource list. With
    /// `reusing`, a document emitted before through the same `EmittedDocuments` is not
    /// emitted again.
    public static func emitStream(_ nodes: [Node], reusing emitted: EmittedDocuments? = nil) -> String {
        var output = ""
        for (index, node) in nodes.enumerated() {
            if index > 0 { output += "---\n" }
            output += emitted?.text(of: node) ?? emit(node)
        }
        return output
    }
}

/// The text of shared documents, emitted once and found again by the storage of their top
/// mapping. Values are copied on change, so environments rendered from one template share the
/// array of every object no placeholder or patch touched: the same array is the same
/// document. Only documents registered with `share` are kept, each with its text, so that
/// their storage is neither freed (and its address reused) nor changed in place meanwhile;
/// an environment's own documents are emitted and let go.
public final class EmittedDocuments: Sendable {
    private let shared = Mutex<[UInt: (document: Node, text: String?)]>([:])

    public init() {}

    /// Registers documents whose text may be asked for many times.
    public func share(_ documents: [Node]) {
        shared.withLock { shared in
            for document in documents {
                if let address = Self.address(of: document), shared[address] == nil { shared[address] = (document, nil) }
            }
        }
    }

    func text(of document: Node) -> String {
        guard let address = Self.address(of: document), let known = shared.withLock({ $0[address] }) else {
            return YAMLEmitter.emit(document)
        }
        if let text = known.text { return text }
        let text = YAMLEmitter.emit(document)
        shared.withLock { $0[address]?.text = text }
        return text
    }

    private static func address(of document: Node) -> UInt? {
        guard case .mapping(let entries) = document.content else { return nil }
        return entries.withUnsafeBufferPointer { $0.baseAddress.map { UInt(bitPattern: $0) } }
    }
}

private final class OutputBuffer {
    var bytes: [UInt8] = []
}

private struct EventWriter {
    var emitter = yaml_emitter_t()
    let buffer = OutputBuffer()
    /// Keep key order and scalar styles instead of kustomize's sorted, retyped output.
    var asWritten = false

    init() {
        yaml_emitter_initialize(&emitter)
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_width(&emitter, 80)
        yaml_emitter_set_unicode(&emitter, 1)
        let context = Unmanaged.passUnretained(buffer).toOpaque()
        yaml_emitter_set_output(&emitter, { context, bytes, size in
            let buffer = Unmanaged<OutputBuffer>.fromOpaque(context!).takeUnretainedValue()
            buffer.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
            return 1
        }, context)
    }

    mutating func send(_ event: inout yaml_event_t) {
        // The events are well formed by construction, so libyaml has no reason to refuse them.
        let accepted = yaml_emitter_emit(&emitter, &event)
        precondition(accepted == 1, "libyaml refused an event: \(String(cString: emitter.problem))")
    }

    mutating func document(_ node: Node) {
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        send(&event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        send(&event)
        write(node)
        yaml_document_end_event_initialize(&event, 1)
        send(&event)
        yaml_stream_end_event_initialize(&event)
        send(&event)
    }

    mutating func finish() -> String {
        yaml_emitter_flush(&emitter)
        yaml_emitter_delete(&emitter)
        // libyaml closes a document that ends in a kept-trailing-newline block (`|+`) with
        // an explicit `...`; go-yaml v2 does not.
        if buffer.bytes.count >= 5, buffer.bytes.suffix(5).elementsEqual("\n...\n".utf8) {
            buffer.bytes.removeLast(4)
        }
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    /// A mapping or sequence being written: its children and the position of the next one.
    /// Each level holds its array once; children are not copied onto a stack one by one.
    private struct Level {
        var entries: [MappingEntry] = []
        var items: [Node] = []
        /// The order in which to write the entries, when they are not in order already.
        var order: [Int]?
        let isMapping: Bool
        var position = 0
    }

    /// Writes a node with a stack of levels instead of recursion, so that the depth of a
    /// tree never meets the depth of the thread's stack.
    mutating func write(_ root: Node) {
        var levels: [Level] = []
        var event = yaml_event_t()
        var next: Node? = root
        while true {
            if let node = next {
                next = nil
                switch node.content {
                case .scalar(let scalar):
                    let (text, style) = asWritten ? OutputScalar.asWritten(scalar) : OutputScalar.render(scalar)
                    scalarEvent(text, style: style)
                case .sequence(let items):
                    yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE)
                    send(&event)
                    levels.append(Level(items: items, isMapping: false))
                case .mapping(let entries):
                    yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
                    send(&event)
                    // Sorted by index, so that entries are not copied; most mappings gitopsc
                    // emits were built or written in order already and skip the sort.
                    var order: [Int]?
                    if !asWritten, !entries.indices.dropFirst().allSatisfy({ !KeyOrder.less(entries[$0].name, entries[$0 - 1].name) }) {
                        order = entries.indices.sorted { KeyOrder.less(entries[$0].name, entries[$1].name) }
                    }
                    levels.append(Level(entries: entries, order: order, isMapping: true))
                }
            }
            guard let top = levels.indices.last else { return }
            let position = levels[top].position
            levels[top].position += 1
            if levels[top].isMapping {
                guard position < levels[top].entries.count else {
                    levels.removeLast()
                    yaml_mapping_end_event_initialize(&event)
                    send(&event)
                    continue
                }
                let index = levels[top].order?[position] ?? position
                let name = levels[top].entries[index].name
                // A plain `<<` key would read back as a merge key.
                scalarEvent(name, style: name == "<<" ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : OutputScalar.stringStyle(name))
                next = levels[top].entries[index].value
            } else {
                guard position < levels[top].items.count else {
                    levels.removeLast()
                    yaml_sequence_end_event_initialize(&event)
                    send(&event)
                    continue
                }
                next = levels[top].items[position]
            }
        }
    }

    mutating func scalarEvent(_ text: String, style: yaml_scalar_style_t) {
        var event = yaml_event_t()
        var text = text
        var empty: UInt8 = 0
        // libyaml copies the value into the event, so the string's own bytes will do (and
        // any non-null pointer for an empty one).
        text.withUTF8 { bytes in
            withUnsafeMutablePointer(to: &empty) { fallback in
                let value = bytes.baseAddress.map(UnsafeMutablePointer.init(mutating:)) ?? fallback
                _ = yaml_scalar_event_initialize(&event, nil, nil, value, Int32(bytes.count), 1, 1, style)
            }
        }
        send(&event)
    }
}

/// How kustomize writes one scalar: the text of its typed value and the requested style.
enum OutputScalar {
    static func render(_ scalar: Scalar) -> (String, yaml_scalar_style_t) {
        let type = scalar.type
        switch type {
        case .null:
            return ("null", YAML_PLAIN_SCALAR_STYLE)
        case .bool:
            return (scalar.value.lowercased() == "true" ? "true" : "false", YAML_PLAIN_SCALAR_STYLE)
        case .int:
            return (ScalarType.canonical(scalar.value, as: .int), YAML_PLAIN_SCALAR_STYLE)
        case .float:
            guard let value = ScalarType.parseFloat(scalar.value) else {
                return (scalar.value, YAML_PLAIN_SCALAR_STYLE)
            }
            return (GoFloat.throughJSON(value), YAML_PLAIN_SCALAR_STYLE)
        case .string, .binary:
            return (scalar.value, stringStyle(scalar.value))
        }
    }

    /// A scalar in its own style; a plain string that would read as another type is quoted.
    static func asWritten(_ scalar: Scalar) -> (String, yaml_scalar_style_t) {
        switch scalar.style {
        case .singleQuoted: return (scalar.value, YAML_SINGLE_QUOTED_SCALAR_STYLE)
        case .doubleQuoted: return (scalar.value, YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        case .literal: return (scalar.value, YAML_LITERAL_SCALAR_STYLE)
        case .folded: return (scalar.value, YAML_FOLDED_SCALAR_STYLE)
        case .plain:
            let type = scalar.type
            let quoted = (type == .string || type == .binary) && ScalarType.resolvePlain(scalar.value) != .string
            return (scalar.value, quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE)
        }
    }

    /// go-yaml v2's choice for a string: literal when multi-line, double-quoted when the
    /// plain form would read as another type; libyaml may still pick a safer style.
    static func stringStyle(_ text: String) -> yaml_scalar_style_t {
        if ScalarType.contains(text, "\n") { return YAML_LITERAL_SCALAR_STYLE }
        if ScalarType.v2NeedsQuotes(text) { return YAML_DOUBLE_QUOTED_SCALAR_STYLE }
        return YAML_PLAIN_SCALAR_STYLE
    }
}

/// Go's float formatting as kustomize's JSON round trip applies it: encoding/json writes
/// the shortest digits (integral values without a decimal point), go-yaml reads integral
/// text back as an int, and writes other floats with `strconv.FormatFloat(f, 'g', -1, 64)`.
enum GoFloat {
    static func throughJSON(_ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        if value == value.rounded(), abs(value) < 1e21 {
            // encoding/json writes the shortest digits padded with zeros, and go-yaml reads
            // that back as an int when it fits int64 or uint64.
            if value == 0 { return "0" }
            let (negative, digits, exponent) = decompose(value)
            let json = (negative ? "-" : "") + digits + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
            if let integer = ScalarType.goIntegerText(json) { return integer }
        }
        return shortestG(value)
    }

    /// `%g` with the shortest round-trip digits: exponent form when exp < -4 or exp >= 6.
    static func shortestG(_ value: Double) -> String {
        let (negative, digits, exponent) = decompose(value)
        var text = negative ? "-" : ""
        if exponent < -4 || exponent >= 6 {
            text += String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            text += exponent < 0 ? "e-" : "e+"
            let magnitude = String(abs(exponent))
            text += magnitude.count < 2 ? "0" + magnitude : magnitude
            return text
        }
        if exponent < 0 {
            return text + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        let integerCount = exponent + 1
        if digits.count <= integerCount {
            return text + digits + String(repeating: "0", count: integerCount - digits.count)
        }
        return text + digits.prefix(integerCount) + "." + digits.dropFirst(integerCount)
    }

    /// Sign, shortest significant digits, and decimal exponent of the first digit.
    static func decompose(_ value: Double) -> (Bool, String, Int) {
        let description = "\(abs(value))"
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integer = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = integer + fraction
        var pointPosition = integer.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 {
            digits.removeLast()
        }
        return (value < 0, digits, pointPosition - 1)
    }
}
