/**
 * `tsbpf/kernel`: the Linux backend (Node only). bpf(2) through the optional dependency koffi.
 *
 *   const avail = await kernelAvailable();          // { ok: false, reason } off Linux, without root or koffi
 *   const kernel = await openKernel();
 *   const map = kernel.createMap({ type: 'array', keySize: 4, valueSize: 8, maxEntries: 16 });
 *   const prog = kernel.loadProgram({ type: 'xdp', insns: [alu64.mov.imm(R0, 2), exit()] });
 *   const { retval, duration } = testRun(prog, { data: packet, repeat: 1000 });
 *   prog.close(); map.close();
 */
import { KernelMap, type MapSpec } from './map.js';
import { KernelProgram, type ProgramSpec, type TestRunOptions, type TestRunResult } from './program.js';
import type { ProgType } from './constants.js';
import { loadSyscalls, type Syscalls } from './syscall.js';

export { kernelAvailable, type Availability } from './syscall.js';
export { KernelError, KernelVerifierError } from './errors.js';
export { KernelMap, type MapSpec } from './map.js';
export { KernelProgram, type ProgramInfo, type ProgramSpec, type TestRunOptions, type TestRunResult } from './program.js';
export { KernelObject } from './fd.js';
export {
  BPF_F_NO_PREALLOC, BPF_F_RDONLY, BPF_F_WRONLY, BPF_F_STRICT_ALIGNMENT, MAP_TYPES, PROG_TYPES, UPDATE_FLAGS,
  type MapType, type ProgType, type UpdateFlag,
} from './constants.js';

/** The kernel as an engine: creates maps and loads programs through one loaded binding. */
export class Kernel {
  private constructor(private readonly sys: Syscalls) {}
  /** Loads koffi and libc (once per process); throws a KernelError when unavailable. */
  static async open(): Promise<Kernel> { return new Kernel(await loadSyscalls()); }
  createMap(spec: MapSpec): KernelMap { return KernelMap.create(this.sys, spec); }
  loadProgram(spec: ProgramSpec): KernelProgram { return KernelProgram.load(this.sys, spec); }
  openPinnedMap(path: string, spec: MapSpec): KernelMap { return KernelMap.fromPinned(this.sys, path, spec); }
  openPinnedProgram(path: string, type: ProgType): KernelProgram { return KernelProgram.fromPinned(this.sys, path, type); }
}

export const openKernel = (): Promise<Kernel> => Kernel.open();

/** BPF_PROG_TEST_RUN on a loaded program (same as `prog.testRun(options)`). */
export const testRun = (prog: KernelProgram, options: TestRunOptions = {}): TestRunResult => prog.testRun(options);
