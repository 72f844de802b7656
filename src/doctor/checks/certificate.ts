/**
 * Check 3: the serving certificate of each adapter, read from the Secret its pods mount: verified
 * by the APIService caBundle (the chain kube-apiserver checks), SANs covering
 * `<service>.<namespace>.svc` (the name kube-apiserver dials), not expired nor expiring within 30
 * days. Where the certificate cannot be read it says so.
 */
import type { X509Certificate } from 'node:crypto';
import type { APIService, Pod, Secret } from '../../api/index.js';
import { chainsTo, parseBundle, sanText } from '../certificates.js';
import type { DoctorCheck } from '../check.js';
import type { DoctorContext, ServiceBackend } from '../context.js';
import { notChecked, ok, problem, warning, type CheckResult } from '../result.js';

const NAME = 'certificate';
const DAY_MS = 86_400_000;
/** Warn this long before expiry: cert-manager renews at two thirds of 90 days, i.e. 30 days left. */
const EXPIRY_WARNING_DAYS = 30;

function mountedSecrets(pods: readonly Pod[]): string[] {
  const names = new Set<string>();
  for (const pod of pods) {
    const volumes = (pod.spec as { volumes?: { secret?: { secretName?: string } }[] }).volumes ?? [];
    for (const v of volumes) if (v.secret?.secretName !== undefined) names.add(v.secret.secretName);
  }
  return [...names];
}

const decode = (value: string | undefined): string =>
  value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');

/** The first mounted Secret that holds a serving certificate (`tls.crt`). */
async function servingSecret(
  context: DoctorContext,
  backend: ServiceBackend,
): Promise<{ secret: Secret; chain: X509Certificate[] } | undefined> {
  for (const name of mountedSecrets(backend.pods)) {
    const secret = await context.secret(backend.namespace, name);
    const chain = parseBundle(decode(secret?.data?.['tls.crt']));
    if (secret !== undefined && chain.length > 0) return { secret, chain };
  }
  return undefined;
}

function checkAgainst(
  context: DoctorContext,
  apiService: APIService,
  backend: ServiceBackend,
  found: { secret: Secret; chain: X509Certificate[] },
): CheckResult[] {
  const name = apiService.metadata.name ?? '';
  const subject = `${NAME}/${name}`;
  const secretName = `${backend.namespace}/${found.secret.metadata.name ?? ''}`;
  const [leaf, ...intermediates] = found.chain as [X509Certificate, ...X509Certificate[]];
  const host = `${backend.name}.${backend.namespace}.svc`;
  const results: CheckResult[] = [];
  const now = context.options.now.getTime();
  const validTo = new Date(leaf.validTo);
  const validFrom = new Date(leaf.validFrom);
  const reissue = `kubemetrics apiserver certs --service ${backend.name} --namespace ${backend.namespace} --out certs, then kubectl -n ${backend.namespace} create secret tls ${found.secret.metadata.name ?? 'NAME'} --cert certs/tls.crt --key certs/tls.key --dry-run=client -o yaml | kubectl apply -f - (or let cert-manager renew it)`;

  if (apiService.spec.insecureSkipTLSVerify !== true) {
    const bundle = parseBundle(decode(apiService.spec.caBundle));
    if (bundle.length === 0) {
      results.push(
        problem(`${subject}/ca-bundle`, `${name} has no caBundle, so kube-apiserver cannot verify ${host}`, {
          cause:
            'spec.caBundle is empty or holds no certificate: every request fails with x509: certificate signed by unknown authority (FailedDiscoveryCheck)',
          evidence: `APIService ${name} spec.caBundle: ${apiService.spec.caBundle === undefined ? 'absent' : `${apiService.spec.caBundle.length} base64 characters, no certificate`}`,
          fix: `Set it to the CA that signed ${secretName}: kubectl patch apiservice ${name} --type merge -p "{\\"spec\\":{\\"caBundle\\":\\"$(kubectl -n ${backend.namespace} get secret ${found.secret.metadata.name ?? ''} -o jsonpath='{.data.ca\\.crt}')\\"}}"`,
        }),
      );
    } else if (!chainsTo(leaf, intermediates, bundle)) {
      results.push(
        problem(
          `${subject}/ca-bundle`,
          `${name}'s caBundle does not verify the serving certificate in ${secretName}`,
          {
            cause:
              'the certificate was re-issued by another CA (or the caBundle is stale), so kube-apiserver rejects the adapter: x509: certificate signed by unknown authority',
            evidence: `certificate issuer: ${leaf.issuer.replace(/\n/g, ', ')}; caBundle subjects: ${bundle.map((c) => c.subject.replace(/\n/g, ', ')).join(' | ')}`,
            fix: `Put the issuing CA in spec.caBundle: kubectl patch apiservice ${name} --type merge -p "{\\"spec\\":{\\"caBundle\\":\\"$(kubectl -n ${backend.namespace} get secret ${found.secret.metadata.name ?? ''} -o jsonpath='{.data.ca\\.crt}')\\"}}" (with cert-manager: the cert-manager.io/inject-ca-from annotation keeps it current)`,
          },
        ),
      );
    }
  }
  if (leaf.checkHost(host) === undefined) {
    results.push(
      problem(`${subject}/san`, `the serving certificate in ${secretName} does not name ${host}`, {
        cause: `kube-apiserver dials ${host} and checks the certificate's SANs: x509: certificate is valid for other names`,
        evidence: `SANs: ${sanText(leaf)}`,
        fix: `Re-issue it with ${host} among its DNS names: ${reissue}`,
      }),
    );
  }
  const validity = `valid ${leaf.validFrom} to ${leaf.validTo}`;
  if (validTo.getTime() <= now) {
    results.push(
      problem(
        `${subject}/expiry`,
        `the serving certificate in ${secretName} expired on ${validTo.toISOString()}`,
        {
          cause:
            'kube-apiserver refuses an expired certificate: x509: certificate has expired (FailedDiscoveryCheck)',
          evidence: validity,
          fix: `Renew it and restart the adapter if it does not reload certificates: ${reissue}`,
        },
      ),
    );
  } else if (validFrom.getTime() > now) {
    results.push(
      problem(
        `${subject}/expiry`,
        `the serving certificate in ${secretName} is not valid before ${validFrom.toISOString()}`,
        {
          cause: 'its notBefore is in the future (clock skew on the machine that issued it)',
          evidence: validity,
          fix: `Re-issue it with a correct clock: ${reissue}`,
        },
      ),
    );
  } else if (validTo.getTime() - now < EXPIRY_WARNING_DAYS * DAY_MS) {
    const days = Math.floor((validTo.getTime() - now) / DAY_MS);
    results.push(
      warning(`${subject}/expiry`, `the serving certificate in ${secretName} expires in ${days} day(s)`, {
        cause: 'once it expires kube-apiserver rejects the adapter and the metrics API goes down',
        evidence: validity,
        fix: `Renew it now: ${reissue}`,
      }),
    );
  }
  if (results.length === 0) {
    const verified =
      apiService.spec.insecureSkipTLSVerify === true
        ? 'not verified (insecureSkipTLSVerify)'
        : 'verified by the caBundle';
    results.push(
      ok(
        subject,
        `serving certificate in ${secretName}: ${verified}, names ${host}, expires ${validTo.toISOString().slice(0, 10)}`,
      ),
    );
  }
  return results;
}

export const certificateCheck: DoctorCheck = {
  name: NAME,
  title:
    "the adapter's serving certificate (from the Secret its pods mount): verified by the APIService caBundle, SANs cover <service>.<namespace>.svc, not expired or expiring within 30 days",
  async run(context) {
    const backends = await context.backendsFor(NAME);
    if (!Array.isArray(backends)) return [backends];
    const withService = backends.filter((b) => b.serviceKey !== undefined);
    if (withService.length === 0) return [ok(NAME, 'no APIService in scope is backed by a Service')];
    const results = await Promise.all(
      withService.map(async (b): Promise<CheckResult[]> => {
        const name = b.apiService.metadata.name ?? '';
        const what = `the serving certificate of ${name}`;
        try {
          const backend = await context.serviceBackend(b.serviceKey ?? '');
          if (backend.pods.length === 0) {
            return [
              {
                name: `${NAME}/${name}`,
                status: 'not-checked',
                summary: `could not check ${what}: no pod behind service ${b.serviceKey ?? ''} could be read`,
              },
            ];
          }
          const found = await servingSecret(context, backend);
          if (found === undefined) {
            return [
              {
                name: `${NAME}/${name}`,
                status: 'not-checked',
                summary: `could not check ${what}: its pods mount no Secret with tls.crt (a generated or file-based certificate cannot be read from the API)`,
                evidence: `secret volumes of the pods: ${mountedSecrets(backend.pods).join(', ') || 'none'}`,
              },
            ];
          }
          return checkAgainst(context, b.apiService, backend, found);
        } catch (error) {
          return [notChecked(`${NAME}/${name}`, what, error)];
        }
      }),
    );
    return results.flat();
  },
};
