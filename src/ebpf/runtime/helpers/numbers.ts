/** Helper numbers from linux/bpf.h (`enum bpf_func_id`, in ___BPF_FUNC_MAPPER order). */
export const HELPER = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  probe_read: 4,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
} as const;
