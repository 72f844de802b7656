// Nothing: `node bench/empty-module.mjs` is the start-up floor of any Node CLI (an ES module file,
// as dist/cli/main.js is), measured beside `kubemetrics --version` and `kubectl version --client`
// in bench/cli.bench.ts.
export {};
