/// go-yaml v2's order of mapping keys, which kustomize's output follows: letters compare
/// as characters, but a run of digits compares by its numeric value, so `item2` sorts
/// before `item10`, and a letter sorts after a non-letter.
public enum KeyOrder {
    public static func less(_ a: String, _ b: String) -> Bool {
        // Most keys are ASCII: compare their bytes without building arrays of scalars.
        var a = a, b = b
        if let result = a.withUTF8({ ab in b.withUTF8({ bb in asciiLess(ab, bb) }) }) {
            return result
        }
        return scalarLess(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// The order for two ASCII keys; nil when either is not ASCII.
    private static func asciiLess(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        var i = 0
        while i < a.count && i < b.count {
            let x = a[i], y = b[i]
            if x >= 0x80 || y >= 0x80 { return nil }
            if x == y {
                i += 1
                continue
            }
            if !isDigit(x) || !isDigit(y) {
                let xLetter = isLetter(x), yLetter = isLetter(y)
                if xLetter && yLetter { return x < y }
                if xLetter || yLetter { return yLetter }
                if !isDigit(x) && !isDigit(y) { return x < y }
            }
            // A digit run on either side: the general rules decide.
            return nil
        }
        if a[i...].contains(where: { $0 >= 0x80 }) || b[i...].contains(where: { $0 >= 0x80 }) { return nil }
        return a.count < b.count
    }

    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private static func scalarLess(_ ar: [Unicode.Scalar], _ br: [Unicode.Scalar]) -> Bool {
        var i = 0
        while i < ar.count && i < br.count {
            if ar[i] == br[i] {
                i += 1
                continue
            }
            let aLetter = ar[i].properties.isAlphabetic
            let bLetter = br[i].properties.isAlphabetic
            if aLetter && bLetter {
                return ar[i].value < br[i].value
            }
            if aLetter || bLetter {
                return bLetter
            }
            var an: Int64 = 0
            var bn: Int64 = 0
            if ar[i] == "0" || br[i] == "0" {
                var j = i - 1
                while j >= 0 && isDigit(ar[j]) {
                    if ar[j] != "0" {
                        an = 1
                        bn = 1
                        break
                    }
                    j -= 1
                }
            }
            var ai = i
            while ai < ar.count && isDigit(ar[ai]) {
                an = an &* 10 &+ Int64(ar[ai].value - 48)
                ai += 1
            }
            var bi = i
            while bi < br.count && isDigit(br[bi]) {
                bn = bn &* 10 &+ Int64(br[bi].value - 48)
                bi += 1
            }
            if an != bn {
                return an < bn
            }
            if ai != bi {
                return ai < bi
            }
            return ar[i].value < br[i].value
        }
        return ar.count < br.count
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool {
        c.value >= 48 && c.value <= 57
    }
}
