/** The registry of `tsbpf` subcommands. Add a command by importing it and listing it here. */
import type { Command } from '../command.js';

export const commands: readonly Command[] = [
];
