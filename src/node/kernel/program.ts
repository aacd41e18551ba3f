/**
 * Kernel programs: BPF_PROG_LOAD with the verifier's log, and BPF_PROG_TEST_RUN.
 *
 * Loading is tried without a log first (the verifier is much faster when it writes none);
 * when the kernel rejects the program the load is repeated with a log so the error carries
 * the verifier's explanation, as libbpf does. Map references are ordinary `lddw` instructions
 * with the BPF_PSEUDO_MAP_FD source (`ldMapFd(R1, map.fd)`), resolved by the kernel.
 */
import { BpfError } from '../../core/errors.js';
import { encode } from '../../ebpf/isa/codec.js';
import type { Insn } from '../../ebpf/isa/insn.js';
import { BPF_OBJ_GET, BPF_OBJ_GET_INFO_BY_FD, BPF_OBJ_NAME_LEN, BPF_PROG_LOAD, BPF_PROG_TEST_RUN, PROG_TYPES, type ProgType } from './constants.js';
import { KernelVerifierError } from './errors.js';
import { KernelObject, cString } from './fd.js';
import { Attr, type Syscalls } from './syscall.js';

export interface ProgramSpec {
  readonly type: ProgType;
  /** Instruction values (encoded in host byte order) or already encoded bytes. */
  readonly insns: readonly Insn[] | Uint8Array;
  readonly license?: string;
  readonly name?: string;
  /** 0 (the default) asks for a log only after a rejection; 1 or 2 keep the log of a successful load too. */
  readonly logLevel?: 0 | 1 | 2;
  /** Bytes of log buffer (default 4 MiB). */
  readonly logSize?: number;
  /** BPF_F_* load flags (e.g. BPF_F_STRICT_ALIGNMENT). */
  readonly flags?: number;
  readonly expectedAttachType?: number;
}

export interface TestRunOptions {
  /** Packet bytes (skb and XDP programs need at least 14, an Ethernet header). */
  readonly data?: Uint8Array;
  /** Room for the output packet (default: the input length plus 4096 for head/tail growth). */
  readonly dataSizeOut?: number;
  /** Context in (`struct __sk_buff`, `struct xdp_md`, ... as the program type accepts). */
  readonly ctx?: Uint8Array;
  /** Room for the output context (default: the input context's length; 0 without ctx). */
  readonly ctxSizeOut?: number;
  /** Runs of the program; the reported duration is the mean per run (default 1). */
  readonly repeat?: number;
  readonly flags?: number;
  readonly cpu?: number;
}

export interface TestRunResult {
  /** r0 at exit, as the kernel reports it (32 bits). */
  readonly retval: number;
  readonly dataOut: Uint8Array;
  readonly ctxOut: Uint8Array | undefined;
  /** Mean nanoseconds per run, measured by the kernel. */
  readonly duration: number;
}

/** What BPF_OBJ_GET_INFO_BY_FD tells about a loaded program. */
export interface ProgramInfo {
  readonly id: number;
  /** The kernel's tag (hash of the instructions), as bpftool prints it. */
  readonly tag: string;
  readonly name: string;
  /** The instructions after the verifier's rewrites (map fds, context accesses, dead code removed). */
  readonly xlated: Uint8Array;
  /** Bytes of native code; 0 when the program is interpreted. */
  readonly jitedLength: number;
  readonly verifiedInsns: number;
}

/** sizeof(struct bpf_prog_info) as of linux 6.x; the kernel fills what both sides know. */
const PROG_INFO_SIZE = 232;
const ENOSPC = 28;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class KernelProgram extends KernelObject {
  readonly type: ProgType;
  /** The verifier log of the load when `logLevel` asked for one, else ''. */
  readonly log: string;
  private constructor(sys: Syscalls, fd: number, type: ProgType, log: string) {
    super(sys, fd);
    this.type = type;
    this.log = log;
  }

  static load(sys: Syscalls, spec: ProgramSpec): KernelProgram {
    const bytes = spec.insns instanceof Uint8Array ? spec.insns : encode(spec.insns as Insn[], HOST_LE);
    if (bytes.length === 0 || bytes.length % 8 !== 0) throw new BpfError('USAGE', `program must be a non-empty multiple of 8 bytes, got ${bytes.length}`);
    const attrFor = (logLevel: number, log: Uint8Array | undefined): Attr => {
      const attr = new Attr()
        .u32(0, PROG_TYPES[spec.type]).u32(4, bytes.length / 8).ptr(8, bytes)
        .ptr(16, cString(spec.license ?? 'GPL'))
        .u32(44, spec.flags ?? 0).u32(68, spec.expectedAttachType ?? 0);
      if (spec.name !== undefined) attr.name(48, BPF_OBJ_NAME_LEN, spec.name);
      if (log !== undefined) attr.u32(24, logLevel).u32(28, log.length).ptr(32, log, true);
      return attr;
    };
    const logSize = spec.logSize ?? 4 << 20;
    const level = spec.logLevel ?? 0;
    if (level > 0) {
      const log = new Uint8Array(logSize);
      const r = sys.bpfErrno(BPF_PROG_LOAD, attrFor(level, log));
      if (r >= 0) return new KernelProgram(sys, r, spec.type, decodeLog(log));
      throw verifierError(sys, -r, log);
    }
    const r = sys.bpfErrno(BPF_PROG_LOAD, attrFor(0, undefined));
    if (r >= 0) return new KernelProgram(sys, r, spec.type, '');
    const errno = -r;
    if (errno !== 22 && errno !== 13 && errno !== 7 && errno !== 28) throw sys.error('BPF_PROG_LOAD', errno); // not a verifier verdict
    const log = new Uint8Array(logSize);
    const again = sys.bpfErrno(BPF_PROG_LOAD, attrFor(1, log));
    if (again >= 0) return new KernelProgram(sys, again, spec.type, decodeLog(log)); // accepted the second time
    throw verifierError(sys, -again === ENOSPC ? errno : -again, log, -again === ENOSPC);
  }

  /** Opens a program pinned at `path` (BPF_OBJ_GET); the caller states its type. */
  static fromPinned(sys: Syscalls, path: string, type: ProgType): KernelProgram {
    return new KernelProgram(sys, sys.bpf(BPF_OBJ_GET, new Attr().ptr(0, cString(path))), type, '');
  }

  /** BPF_OBJ_GET_INFO_BY_FD: id, tag, name and the instructions as the verifier left them. */
  info(): ProgramInfo {
    return infoOf(this.sys, this.fd);
  }

  /** BPF_PROG_TEST_RUN: runs the program `repeat` times on a copy of `data` (and `ctx`). */
  testRun(options: TestRunOptions = {}): TestRunResult {
    const data = options.data ?? new Uint8Array(0);
    const dataOut = new Uint8Array(options.dataSizeOut ?? data.length + 4096);
    const ctxOut = options.ctx !== undefined || options.ctxSizeOut ? new Uint8Array(options.ctxSizeOut ?? options.ctx!.length) : undefined;
    const attr = new Attr()
      .u32(0, this.fd).u32(8, data.length).u32(12, dataOut.length)
      .ptr(16, data.length ? data : undefined).ptr(24, dataOut.length ? dataOut : undefined, true)
      .u32(32, options.repeat ?? 1)
      .u32(40, options.ctx?.length ?? 0).u32(44, ctxOut?.length ?? 0)
      .ptr(48, options.ctx).ptr(56, ctxOut, true)
      .u32(64, options.flags ?? 0).u32(68, options.cpu ?? 0);
    this.sys.bpf(BPF_PROG_TEST_RUN, attr);
    return {
      retval: attr.getU32(4),
      dataOut: dataOut.slice(0, attr.getU32(12)),
      ctxOut: ctxOut?.slice(0, attr.getU32(44)),
      duration: attr.getU32(36),
    };
  }
}

function infoOf(sys: Syscalls, fd: number): ProgramInfo {
  const query = (xlatedSize: number): { info: Attr; xlated: Uint8Array } => {
    const xlated = new Uint8Array(xlatedSize);
    // struct bpf_prog_info holds a pointer of its own (xlated_prog_insns at 32).
    const info = new Attr(PROG_INFO_SIZE).u32(20, xlatedSize);
    if (xlatedSize > 0) info.ptr(32, xlated, true);
    sys.bpf(BPF_OBJ_GET_INFO_BY_FD, new Attr().u32(0, fd).u32(4, PROG_INFO_SIZE).ptr(8, info, true));
    return { info, xlated };
  };
  const first = query(0).info;
  const { info, xlated } = query(first.getU32(20));
  const name = info.bytes.subarray(64, 64 + BPF_OBJ_NAME_LEN);
  const end = name.indexOf(0);
  return {
    id: info.getU32(4),
    tag: Array.from(info.bytes.subarray(8, 16), (b) => b.toString(16).padStart(2, '0')).join(''),
    name: new TextDecoder().decode(end < 0 ? name : name.subarray(0, end)),
    xlated: xlated.slice(0, info.getU32(20)),
    jitedLength: info.getU32(16),
    verifiedInsns: info.getU32(216),
  };
}

function decodeLog(log: Uint8Array): string {
  const end = log.indexOf(0);
  return new TextDecoder().decode(end < 0 ? log : log.subarray(0, end));
}

function verifierError(sys: Syscalls, errno: number, log: Uint8Array, truncated = false): KernelVerifierError {
  return new KernelVerifierError(errno, sys.errnoName(errno), sys.describe(errno), decodeLog(log), truncated);
}
