/**
 * Dispatches `tsbpf COMMAND ARGS...` to a registered command. Every error ends as one line on
 * stderr (`tsbpf: message`) and a non-zero status, never a stack trace, unless TSBPF_DEBUG is
 * set. Kept separate from main.ts so tests can call it in-process.
 */
import { BpfError } from '../core/errors.js';
import type { CliIO, Command } from './command.js';

export class UsageError extends BpfError {
  constructor(message: string) { super('USAGE', message); }
}

function helpText(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length), 4);
  const rows = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: tsbpf COMMAND [ARGS...]', '', 'commands:', ...rows, '', 'tsbpf help COMMAND shows the usage of one command.', ''].join('\n');
}

/**
 * Runs one command. Without `registry`, the full registry (commands/index.ts) is imported on
 * demand: a static import would load every command's modules at start-up and would make a
 * cycle with the commands, which import UsageError from here.
 */
export async function runCli(argv: readonly string[], io: CliIO, registry?: readonly Command[]): Promise<number> {
  registry ??= (await import('./commands/index.js')).commands;
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const which = name === 'help' ? registry.find((c) => c.name === args[0]) : undefined;
    io.stdout(which ? `${which.usage}\n` : helpText(registry));
    return name === undefined ? 2 : 0;
  }
  const command = registry.find((c) => c.name === name);
  if (!command) {
    io.stderr(`tsbpf: unknown command '${name}' (try 'tsbpf help')\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (process.env.TSBPF_DEBUG) io.stderr(`${(err as Error)?.stack ?? String(err)}\n`);
    if (err instanceof UsageError) {
      io.stderr(`tsbpf ${name}: ${err.message}\n${command.usage}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`tsbpf: ${message}\n`);
    return 1;
  }
}
