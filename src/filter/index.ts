/** `tsbpf/filter`: the pcap-filter language compiler. */
export { compileFilter, type CompileFilterOptions } from './compile-filter.js';
export { FilterError } from './errors.js';
export { parseFilter } from './syntax/parser.js';
export type * from './syntax/ast.js';
export { tableResolver, defaultResolver, type NameResolver, type ResolverTables, type HostAddress } from './names/resolver.js';
export { LINK_TYPE_NAMES } from './codegen/link-types.js';
