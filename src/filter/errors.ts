/**
 * The one error type of the filter compiler. Messages read like libpcap's (the text tcpdump
 * prints after `tcpdump: `) so that users and tests can compare them; `column` (1-based) is set
 * for errors the lexer or parser can place in the expression.
 */
import { BpfError } from '../core/errors.js';

export class FilterError extends BpfError {
  readonly column: number | undefined;
  constructor(message: string, column?: number, options?: ErrorOptions) {
    super('FILTER', message, options);
    this.column = column;
  }
}
