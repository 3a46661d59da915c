// The C entry points the fuzz executables' main.c call, one per target.

private func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

@_cdecl("gitopsc_fuzz_yaml")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.yaml(bytes(data, size)) }

@_cdecl("gitopsc_fuzz_kustomize")
public func fuzzKustomize(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.kustomize(bytes(data, size)) }

@_cdecl("gitopsc_fuzz_environments")
public func fuzzEnvironments(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.environments(bytes(data, size)) }

@_cdecl("gitopsc_fuzz_merge")
public func fuzzMerge(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.merge(bytes(data, size)) }

@_cdecl("gitopsc_fuzz_jsonpatch")
public func fuzzJSONPatch(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.jsonPatch(bytes(data, size)) }

@_cdecl("gitopsc_fuzz_pattern")
public func fuzzPattern(_ data: UnsafePointer<UInt8>?, _ size: Int) { FuzzTargets.pattern(bytes(data, size)) }
