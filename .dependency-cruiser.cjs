// Layer rules from docs/architecture.md: imports point one way,
// quantity <- api <- client <- report <- {cli, service}; apiserver sees quantity, api, client and
// errors (the client for TokenReview, SubjectAccessReview, the extension-apiserver-authentication
// ConfigMap and informers); testing may use anything below it. `npm run layers` fails on any violation or cycle.
const layer = (from, allowed) => ({
  name: `layer-${from}`,
  comment: `src/${from} may import only: ${allowed.join(', ') || 'nothing but errors'}`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: {
    path: '^src/',
    pathNot: [`^src/${from}/`, '^src/errors\\.ts$', ...allowed.map((a) => `^src/${a}/`)],
  },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'errors-is-a-leaf',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/', pathNot: '^src/errors\\.ts$' },
    },
    layer('quantity', []),
    layer('api', ['quantity']),
    layer('client', ['quantity', 'api']),
    layer('report', ['quantity', 'api', 'client']),
    layer('http', ['api']),
    layer('apiserver', ['quantity', 'api', 'client', 'http']),
    layer('providers', ['quantity', 'api', 'client', 'apiserver', 'http']),
    layer('service', ['quantity', 'api', 'client', 'report', 'http', 'hpa', 'hpa-fetch']),
    layer('testing', ['quantity', 'api']),
    // The HPA calculation is pure: plain inputs in, numbers out; no client, no I/O.
    layer('hpa', ['quantity', 'api']),
    // What the HPA controller fetches, fed into the pure calculation.
    layer('hpa-fetch', ['quantity', 'api', 'client', 'hpa']),
    layer('cli', [
      'quantity',
      'api',
      'client',
      'report',
      'service',
      'apiserver',
      'providers',
      'testing',
      'http',
      'hpa',
      'hpa-fetch',
    ]),
    {
      name: 'no-test-imports-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(\\.test\\.ts$|^test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
