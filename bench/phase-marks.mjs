// A preload (`node --import bench/phase-marks.mjs ...`) for the phase rows of bench/cli.bench.ts:
// where the time of one `top` run goes, for kubemetrics and for the Node floor alike. It records,
// in milliseconds since the process started (performance.now()):
//   userCode  - when this preload runs: Node's own start, before any of the measured program;
//   tlsStart  - the first TLS context asked for (modules loaded, kubeconfig read, flags parsed);
//   tlsMs     - how long building that context took: in Node 20 the first one builds the root
//               certificate store (~140 bundled roots), even when a kubeconfig CA replaces them;
//   lastBody  - the last response body fully received;
//   firstOut  - the first write to standard output (the result decoded, rows and table built);
//   exit      - the 'exit' event.
// One JSON line per run is appended to the file named by BENCH_PHASES_FILE. Only node: modules,
// and no change to what the measured program does: its own calls go through unchanged.
import { appendFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

const file = process.env.BENCH_PHASES_FILE;
const marks = { userCode: performance.now() };

const createSecureContext = tls.createSecureContext;
tls.createSecureContext = function timedSecureContext(...args) {
  const start = performance.now();
  try {
    return createSecureContext.apply(this, args);
  } finally {
    if (marks.tlsStart === undefined) {
      marks.tlsStart = start;
      marks.tlsMs = performance.now() - start;
    }
  }
};

subscribe('http.client.response.finish', ({ response }) => {
  response.once('end', () => {
    marks.lastBody = performance.now();
  });
});

const write = process.stdout.write;
process.stdout.write = function markedWrite(...args) {
  marks.firstOut ??= performance.now();
  process.stdout.write = write;
  return write.apply(this, args);
};

process.on('exit', () => {
  marks.exit = performance.now();
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(marks)}\n`);
});
