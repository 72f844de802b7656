/**
 * `kubemetrics doctor` as `--help` and completion see it; the implementation (doctor.ts, and the
 * checks under src/doctor/) is imported only when the command runs.
 */
import { CLUSTER_FLAGS_HELP } from '../cluster-options.js';
import type { CommandInfo } from '../command.js';

const HELP = `Find why the metrics APIs or an HPA do not work, and say the fix.

Usage:
  kubemetrics doctor [--group metrics|custom|external|all] [--check NAME] [-n namespace] [-o table|json]

Checks the whole chain from where it runs, read-only (GETs and access reviews only): each
check prints ok, warning, problem or not-checked (with the reason, e.g. RBAC does not let you
read Secrets), and each problem its cause, the evidence (object and field, HTTP answer) and the fix.

Checks:
  apiservice        which APIService serves each metrics API, Available condition and reason,
                    insecureSkipTLSVerify, the product behind it, a group held by another adapter
  service           the Service exists, its port matches, it has ready endpoints and ready pods
  certificate       the serving certificate (from the Secret the pods mount): verified by the
                    caBundle, SANs cover <service>.<namespace>.svc, not expiring within 30 days
  front-proxy       extension-apiserver-authentication has the front-proxy CA; the adapter's
                    service account may read it and create TokenReviews/SubjectAccessReviews
  discovery         /apis/<group>/<version> answers through the API server (and how many metrics)
  rbac              the HPA controller's identity and you may read the metrics
  hpa               every HPA's metrics can be fetched now, as the controller fetches them
  resource-metrics  Ready nodes and running pods (older than 2 minutes) without metrics

Flags:
      --group GROUP             metrics, custom, external or all (default all); repeat or comma-separate
      --check NAME              Run only this check; repeat or comma-separate
  -n, --namespace NAME          HPAs and pods of this namespace only (default: all namespaces)
  -o, --output table|json       table (default) or json:
                                {"checks":[{"name","status","summary","cause","evidence","fix"}],"problems":N,"warnings":N}
      --check-timeout DURATION  How long one check may take before it is reported as not checked
                                (default 10s; the hpa check gets 6 times as long)

${CLUSTER_FLAGS_HELP}

Exit status: 0 when no problem was found, 1 when one was (or nothing could be checked), 2 for a
usage error.

Examples:
  kubemetrics doctor
  kubemetrics doctor --group custom -n shop
  kubemetrics doctor --check certificate -o json | jq '.checks[] | select(.status != "ok")'`;

export const doctorInfo: CommandInfo = {
  name: 'doctor',
  summary: 'Find why the metrics APIs or an HPA do not work, with the cause and the fix',
  help: HELP,
  words: [],
  load: async () => (await import('./doctor.js')).doctorCommand,
};
