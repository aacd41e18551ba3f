/** The registry of `tsbpf` subcommands. Add a command by importing it and listing it here. */
import type { Command } from '../command.js';
import { bpfAsmCommand } from './bpf-asm.js';
import { bpfDisasmCommand } from './bpf-disasm.js';
import { compileCommand } from './compile.js';
import { conformancePluginCommand } from './conformance-plugin.js';
import { dumpCommand } from './dump.js';
import { ebpfAsmCommand } from './ebpf-asm.js';
import { ebpfDisasmCommand } from './ebpf-disasm.js';
import { runCommand } from './run.js';

export const commands: readonly Command[] = [
  bpfAsmCommand,
  bpfDisasmCommand,
  compileCommand,
  conformancePluginCommand,
  dumpCommand,
  ebpfAsmCommand,
  ebpfDisasmCommand,
  runCommand,
];
