/**
 * The shape every `tsbpf` subcommand has. Commands write through `io` rather than to
 * process.stdout directly so tests can run them in-process and capture their output.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  /**
   * Standard output as bytes, when the io can take them directly (dump's printed lines). The
   * bytes are only borrowed: the caller reuses the buffer once this returns.
   */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  readonly stderr: (text: string) => void;
  /** Reads a whole file, or standard input when `path` is undefined or '-'. */
  readonly readInput: (path?: string) => Promise<Uint8Array>;
}

export interface Command {
  readonly name: string;
  /** One line for `tsbpf help`. */
  readonly summary: string;
  /** Usage text printed by `tsbpf help NAME` and on a usage error. */
  readonly usage: string;
  /** Returns the process exit status. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
