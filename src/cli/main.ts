#!/usr/bin/env node
/** The `kubemetrics` binary: the only module that touches process.argv, process.exit and signals. */
import { runCli } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  signal: controller.signal,
});
process.exitCode = code;
// Servers and watchers keep handles open; once a command has returned, nothing is left to do.
process.exit(code);
