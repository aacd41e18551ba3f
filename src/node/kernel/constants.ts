/**
 * Numbers from linux/bpf.h (uapi) that the binding uses: commands, map and program types,
 * update flags and the syscall number. Kept as plain constants so the table can be checked
 * against the header line by line.
 */

/** `enum bpf_cmd`. */
export const BPF_MAP_CREATE = 0;
export const BPF_MAP_LOOKUP_ELEM = 1;
export const BPF_MAP_UPDATE_ELEM = 2;
export const BPF_MAP_DELETE_ELEM = 3;
export const BPF_MAP_GET_NEXT_KEY = 4;
export const BPF_PROG_LOAD = 5;
export const BPF_OBJ_PIN = 6;
export const BPF_OBJ_GET = 7;
export const BPF_PROG_TEST_RUN = 10;
export const BPF_OBJ_GET_INFO_BY_FD = 15;

export const COMMAND_NAMES: Readonly<Record<number, string>> = {
  [BPF_MAP_CREATE]: 'BPF_MAP_CREATE', [BPF_MAP_LOOKUP_ELEM]: 'BPF_MAP_LOOKUP_ELEM',
  [BPF_MAP_UPDATE_ELEM]: 'BPF_MAP_UPDATE_ELEM', [BPF_MAP_DELETE_ELEM]: 'BPF_MAP_DELETE_ELEM',
  [BPF_MAP_GET_NEXT_KEY]: 'BPF_MAP_GET_NEXT_KEY', [BPF_PROG_LOAD]: 'BPF_PROG_LOAD',
  [BPF_OBJ_PIN]: 'BPF_OBJ_PIN', [BPF_OBJ_GET]: 'BPF_OBJ_GET', [BPF_PROG_TEST_RUN]: 'BPF_PROG_TEST_RUN',
  [BPF_OBJ_GET_INFO_BY_FD]: 'BPF_OBJ_GET_INFO_BY_FD',
};

/** `enum bpf_map_type` (the ones this binding creates). */
export const MAP_TYPES = { hash: 1, array: 2 } as const;
export type MapType = keyof typeof MAP_TYPES;

/** `enum bpf_prog_type` (the ones this binding loads; all of them are test_run-capable). */
export const PROG_TYPES = { 'socket-filter': 1, 'sched-cls': 3, 'sched-act': 4, xdp: 6, 'cgroup-skb': 8 } as const;
export type ProgType = keyof typeof PROG_TYPES;

/** Flags of BPF_MAP_UPDATE_ELEM. */
export const UPDATE_FLAGS = { any: 0, noexist: 1, exist: 2 } as const;
export type UpdateFlag = keyof typeof UPDATE_FLAGS;

/** Map creation flags. */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;

/** Program load flags. */
export const BPF_F_STRICT_ALIGNMENT = 1 << 0;

/** Length of the name fields (`BPF_OBJ_NAME_LEN`, including the terminating NUL). */
export const BPF_OBJ_NAME_LEN = 16;

/**
 * The bytes of `union bpf_attr` this binding passes. The kernel copies what it knows and
 * requires any tail beyond its own size to be zero, so one zeroed size for every command works
 * on older and newer kernels alike (6.x knows up to `log_true_size` at 140 for PROG_LOAD).
 */
export const ATTR_SIZE = 160;

/** `__NR_bpf` per architecture (x86_64: 321, arm64 and the generic table: 280). */
export const SYS_BPF: Readonly<Record<string, number>> = { x64: 321, arm64: 280, riscv64: 280, loong64: 280 };
