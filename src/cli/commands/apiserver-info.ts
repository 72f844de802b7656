/**
 * `kubemetrics apiserver` as `--help` and completion see it; the implementation (apiserver.ts) is imported
 * only when the command runs.
 */
import { CLUSTER_FLAGS_HELP } from '../cluster-options.js';
import type { CommandInfo } from '../command.js';

const HELP = `Run the metrics API server (custom.metrics.k8s.io, external.metrics.k8s.io, metrics.k8s.io)
as an aggregated API server, or write its certificates.

Usage:
  kubemetrics apiserver [--config FILE] [flags]
  kubemetrics apiserver certs --service NAME --namespace NS [--out DIR] [--host NAME_OR_IP ...]
  kubemetrics apiserver explain [--config FILE] [flags] [-o text|json] PATH

Flags (each overrides the config file):
      --config FILE                          YAML or JSON config file (see docs/apiserver.md)
      --secure-port PORT                     HTTPS port (default 6443; 0 picks a free one)
      --bind-address ADDRESS                 Listen address (default 0.0.0.0)
      --tls-cert-file FILE                   Serving certificate (PEM); reloaded when it changes
      --tls-private-key-file FILE            Its private key (PEM)
      --ca-bundle-file FILE                  Without certificate files: write the generated CA here
      --client-ca-file FILE                  Accept client certificates from this CA (user = CN, groups = O)
      --requestheader-client-ca-file FILE    CA of the front proxy (kube-apiserver's aggregator)
      --requestheader-allowed-names NAMES    Allowed CNs of the front-proxy certificate, comma-separated (empty: any)
      --requestheader-username-headers LIST  Default X-Remote-User
      --requestheader-group-headers LIST     Default X-Remote-Group
      --requestheader-extra-headers-prefix LIST  Default X-Remote-Extra-
      --authentication-skip-lookup           Do not read kube-system/extension-apiserver-authentication
      --anonymous-auth[=true|false]          Let requests without credentials in as system:anonymous (default false)
      --authorization-mode MODE              Webhook (SubjectAccessReview, default) or AlwaysAllow
      --metrics-file FILE                    Serve this memory-provider file (all three APIs)
      --prometheus-url URL                   Serve metrics from this Prometheus (with --prometheus-adapter-config)
      --prometheus-adapter-config FILE       prometheus-adapter rules file (rules, externalRules, resourceRules), unchanged
      --prometheus-ca-file FILE              CA bundle to verify an HTTPS Prometheus
      --prometheus-client-tls-cert-file FILE Client certificate for Prometheus (with the key flag)
      --prometheus-client-tls-key-file FILE  Its private key
      --prometheus-token-file FILE           Bearer token file sent to Prometheus (re-read every minute)
      --prometheus-header NAME=VALUE         Extra header sent to Prometheus (repeatable)
      --prometheus-timeout DURATION          Deadline of one Prometheus request (default 10s)
      --metrics-relist-interval DURATION     How often series are re-discovered (default 1m)
      --enable-debug-explain                 Serve /debug/prometheus/explain?path=… (authorized like any request)
      --log-level LEVEL                      debug, info (default), warn or error; JSON lines on stderr

${CLUSTER_FLAGS_HELP}

The cluster flags choose the cluster the server delegates to (token and access reviews, the
authentication ConfigMap, the object lister) and whom it calls as; --kubeconfig and --context
override the config file's cluster section; --request-timeout bounds each of those calls (default 10s).

certs flags:
      --service NAME        Service in front of the server (default kubemetrics-apiserver)
      --namespace NS        Its namespace (default kubemetrics)
      --out DIR             Where to write ca.crt, tls.crt, tls.key and ca-bundle.base64 (default .)
      --host NAME_OR_IP     Another SAN (repeatable)
      --days N              Validity of the serving certificate (default 365)

explain runs one metrics API request through the Prometheus provider (the same config and flags)
and prints the rule that matched, the PromQL sent, Prometheus' raw answer and the values served,
or, for a metric that does not exist, what each rule's discovery found. Exit 0 when the request
would be answered 200, 1 otherwise.

explain flags:
  -o, --output text|json    Print the explanation as text (default) or JSON

The server runs until interrupted (SIGINT/SIGTERM), then stops cleanly.

Examples:
  kubemetrics apiserver --config /etc/kubemetrics/apiserver.yaml
  kubemetrics apiserver --metrics-file metrics.yaml --tls-cert-file tls.crt --tls-private-key-file tls.key
  kubemetrics apiserver certs --service kubemetrics-apiserver --namespace kubemetrics --out ./certs
  kubemetrics apiserver --prometheus-url http://prometheus:9090 --prometheus-adapter-config adapter.yaml
  kubemetrics apiserver explain --prometheus-url http://prometheus:9090 --prometheus-adapter-config adapter.yaml \\
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/pods/*/http_requests'`;

export const apiserverInfo: CommandInfo = {
  name: 'apiserver',
  summary: 'Run the metrics API server (aggregated API: TLS, delegated auth) or write its certificates',
  help: HELP,
  words: ['certs', 'explain'],
  load: async () => (await import('./apiserver.js')).apiserverCommand,
};
