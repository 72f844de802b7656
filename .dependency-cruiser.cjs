// Layer rules from docs/architecture.md: imports point one way,
// quantity <- api <- client <- report <- {cli, service}; apiserver sees quantity, api, client and
// errors (the client for TokenReview, SubjectAccessReview, the extension-apiserver-authentication
// ConfigMap and informers); x509 (the certificate writer) imports nothing and serves apiserver and
// testing; testing may use anything below it. `npm run layers` fails on any violation or cycle.
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
    layer('x509', []),
    layer('api', ['quantity']),
    layer('client', ['quantity', 'api']),
    layer('report', ['quantity', 'api', 'client']),
    layer('http', ['api']),
    layer('apiserver', ['quantity', 'api', 'client', 'http', 'x509']),
    layer('providers', ['quantity', 'api', 'client', 'apiserver', 'http']),
    layer('service', ['quantity', 'api', 'client', 'report', 'http', 'hpa', 'hpa-fetch']),
    layer('testing', ['quantity', 'api', 'x509']),
    // The HPA calculation is pure: plain inputs in, numbers out; no client, no I/O.
    layer('hpa', ['quantity', 'api']),
    // doctor reads the cluster through an injected interface; the CLI wires the client to it. Its
    // hpa check replays HPA syncs with hpa-fetch (one implementation of what the controller fetches).
    layer('doctor', ['quantity', 'api', 'client', 'hpa', 'hpa-fetch']),
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
      'doctor',
      'hpa',
      'hpa-fetch',
    ]),
    {
      // Providers are written against the public `kubemetrics/apiserver` API, the one
      // docs/writing-a-provider.md describes: a helper a provider needs is exported there.
      name: 'providers-use-the-public-apiserver-api',
      comment: 'src/providers may import src/apiserver only through src/apiserver/index.ts',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: '^src/apiserver/', pathNot: '^src/apiserver/index\\.ts$' },
    },
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
