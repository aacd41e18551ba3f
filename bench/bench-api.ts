/**
 * The contract between benchmark modules (listed in bench/index.ts) and the runner
 * (bench/run.ts). A module builds a suite of cases; each case is measured for several
 * variants (our engines and, when available, a peer implementation such as libpcap), and the
 * runner prints ns per op and the ratio of every variant to the peer measured in the same run.
 */
export type Measure =
  /** Timed by the runner: performs `rounds` rounds of `opsPerRound` ops, returns a value to keep. */
  | { readonly run: (rounds: number) => number }
  /** Measured elsewhere in this same run (a C harness); called once per repetition. */
  | { readonly measure: () => number }
  /** A figure measured elsewhere once. */
  | { readonly nsPerOp: number }
  /** Not available here, with the reason (printed). */
  | { readonly skip: string };

export interface BenchCase {
  readonly name: string;
  /** Extra columns shown before the timings (e.g. instruction count). */
  readonly info?: Readonly<Record<string, string | number>>;
  readonly opsPerRound: number;
  readonly variants: Readonly<Record<string, Measure>>;
}

export interface BenchSuite {
  readonly title: string;
  /** What one op is ("packet", "instruction", ...). */
  readonly unit: string;
  /** The variant every other one is compared with (ratio = variant / peer). */
  readonly peer?: string;
  readonly cases: readonly BenchCase[];
  /** Lines printed under the table (skip reasons, how the data was made, checks done). */
  readonly notes: readonly string[];
}

export interface BenchOptions {
  /** Minimum duration of one timed sample, in milliseconds. */
  readonly sampleMs: number;
}

export interface Benchmark {
  readonly name: string;
  setup(options: BenchOptions): BenchSuite | Promise<BenchSuite>;
}
