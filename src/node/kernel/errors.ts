/**
 * Errors returned by bpf(2). `KernelError` names the command and the errno (symbolic name and
 * strerror text); a rejected BPF_PROG_LOAD is a `KernelVerifierError` that also carries the
 * verifier's log, the most useful thing the kernel says about a program.
 */
import { BpfError } from '../../core/errors.js';

export class KernelError extends BpfError {
  /** The errno value, e.g. 13. */
  readonly errno: number;
  /** The symbolic errno name, e.g. 'EACCES' (or `E<n>` when unknown). */
  readonly errnoName: string;
  /** The bpf(2) command, e.g. 'BPF_PROG_LOAD' (or the libc call that failed). */
  readonly command: string;
  constructor(command: string, errno: number, errnoName: string, description: string, options?: ErrorOptions) {
    super('KERNEL', `${command.startsWith('BPF_') ? `bpf(${command})` : command}: ${description} (${errnoName})`, options);
    this.errno = errno;
    this.errnoName = errnoName;
    this.command = command;
  }
}

/** A program the verifier rejected: the message ends with the log's last line, `log` is all of it. */
export class KernelVerifierError extends KernelError {
  readonly log: string;
  /** True when the log buffer filled up and the log is cut short. */
  readonly truncated: boolean;
  constructor(errno: number, errnoName: string, description: string, log: string, truncated: boolean) {
    super('BPF_PROG_LOAD', errno, errnoName, description);
    this.log = log;
    this.truncated = truncated;
    const last = lastLine(log);
    if (last) this.message += `: ${last}`;
  }
}

/** The last non-empty line of a verifier log, usually the reason for a rejection. */
export function lastLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('processed '));
  return lines[lines.length - 1] ?? '';
}
