import type { Command } from '../command.js';

/** Every command, in the order `kubemetrics --help` lists them. */
export const commands: readonly Command[] = [];
