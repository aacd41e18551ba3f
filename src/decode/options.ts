/** tcpdump's printing options, as the decoder sees them. */
export type TimestampMode = 'default' | 'none' | 'epoch' | 'delta' | 'date' | 'since-first';
export type HexMode = 'none' | 'x' | 'xx' | 'X' | 'XX' | 'A' | 'AA';

export interface PrintOptions {
  /** `-n` count: 0 resolves names, 1 keeps addresses numeric, 2 (`-nn`) ports numeric too. */
  readonly numeric: number;
  /** `-e`: print the link-level header. */
  readonly linkHeader: boolean;
  /** `-q`: less protocol information. */
  readonly quiet: boolean;
  /** `-v` count. */
  readonly verbose: number;
  /** `-t` count mapped to a mode. */
  readonly timestamp: TimestampMode;
  /** `--nano`: nanosecond digits in timestamps. */
  readonly nano: boolean;
  readonly hex: HexMode;
  /**
   * Offset east of UTC, in seconds, for the wall-clock formats (tcpdump prints local time): a
   * constant, or a function of the UTC time for zones with daylight saving (injected by the
   * CLI so the core never reads the clock or the zone database).
   */
  readonly utcOffsetSeconds: number | ((unixSeconds: number) => number);
  /**
   * Without -n, the host name for an address given as tcpdump prints it numerically
   * ("127.0.0.1", "::1"); undefined keeps the number. Injected by the Node layer (which reads
   * /etc/hosts) so the core does no I/O.
   */
  readonly hostName?: (address: string) => string | undefined;
}

export const DEFAULT_PRINT_OPTIONS: PrintOptions = {
  numeric: 1, linkHeader: false, quiet: false, verbose: 0, timestamp: 'default', nano: false, hex: 'none', utcOffsetSeconds: 0,
};
