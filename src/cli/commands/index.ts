/**
 * The command list. Only metadata is imported here: each implementation is loaded with a dynamic
 * `import()` when its command runs, so `--version`, `--help` and completion load none of them.
 */
import type { CommandInfo } from '../command.js';
import { apiserverInfo } from './apiserver-info.js';
import { capacityInfo } from './capacity-info.js';
import { completionInfo } from './completion-info.js';
import { demoInfo } from './demo-info.js';
import { doctorInfo } from './doctor-info.js';
import { hpaInfo } from './hpa-info.js';
import { serveInfo } from './serve-info.js';
import { snapshotInfo } from './snapshot-info.js';
import { topInfo } from './top-info.js';

/** Every command, in the order `kubemetrics --help` lists them. */
export const commands: readonly CommandInfo[] = [
  topInfo,
  capacityInfo,
  hpaInfo,
  snapshotInfo,
  demoInfo,
  doctorInfo,
  apiserverInfo,
  serveInfo,
  completionInfo(() => commands),
];
