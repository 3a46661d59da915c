import Foundation
import YAML
let args = CommandLine.arguments
let text = try String(contentsOfFile: args[1], encoding: .utf8)
let docs = try YAMLParser.parseStream(text, file: args[1])
print(YAMLEmitter.emitStream(docs), terminator: "")
