import type { Command } from '../command.js';
import { apiserverCommand } from './apiserver.js';
import { capacityCommand } from './capacity.js';
import { demoCommand } from './demo.js';
import { serveCommand } from './serve.js';
import { snapshotCommand } from './snapshot.js';
import { topCommand } from './top.js';

/** Every command, in the order `kubemetrics --help` lists them. */
export const commands: readonly Command[] = [
  topCommand,
  capacityCommand,
  snapshotCommand,
  demoCommand,
  apiserverCommand,
  serveCommand,
];
