/**
 * A CA and a TLS serving certificate generated with node:crypto alone (ECDSA P-256, written by
 * src/x509), for servers started without `--tls-cert-file`: the certificate's SANs cover the Service
 * (`<service>`, `<service>.<namespace>`, `<service>.<namespace>.svc`,
 * `<service>.<namespace>.svc.cluster.local`), `localhost`, 127.0.0.1 and ::1, so kube-aggregator
 * (which dials `<service>.<namespace>.svc`) and local tools both verify it; the CA certificate is
 * what the APIService's `spec.caBundle` must hold (base64 of the PEM).
 *
 * kube-apiserver's own self-signed fallback (k8s.io/client-go/util/cert
 * `GenerateSelfSignedCertKey`) does the same with RSA; ECDSA keys are smaller and faster to make.
 */
import { distinguishedName, issueCertificate, newCertificateKey, splitHosts } from '../../x509/index.js';

/** What {@link generateServingCertificate} produces, all PEM. */
export interface ServingCertificate {
  /** The CA certificate: the APIService's `caBundle` (base64 of this text). */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServingCertificateOptions {
  /** Service name, default `kubemetrics-apiserver`. */
  readonly service?: string | undefined;
  /** Service namespace, default `kubemetrics`. */
  readonly namespace?: string | undefined;
  /** More DNS names or IP addresses for the SANs. */
  readonly hosts?: readonly string[] | undefined;
  /** Validity of the serving certificate in days (default 365); the CA gets ten times that. */
  readonly days?: number | undefined;
}

/** The SANs of the serving certificate, DNS names and IP addresses apart. */
export function servingHosts(options: ServingCertificateOptions): {
  dnsNames: string[];
  ipAddresses: string[];
} {
  const service = options.service ?? 'kubemetrics-apiserver';
  const namespace = options.namespace ?? 'kubemetrics';
  const all = [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    'localhost',
    '127.0.0.1',
    '::1',
    ...(options.hosts ?? []),
  ];
  return splitHosts([...new Set(all)]);
}

/** Generates a CA and a serving certificate signed by it. */
export function generateServingCertificate(options: ServingCertificateOptions = {}): ServingCertificate {
  const days = options.days ?? 365;
  const { dnsNames, ipAddresses } = servingHosts(options);
  const caKey = newCertificateKey();
  const caName = distinguishedName(`kubemetrics-apiserver-ca@${Math.floor(Date.now() / 1000)}`);
  const caPem = issueCertificate({ subject: caName, key: caKey, profile: 'ca', days: days * 10 });
  const key = newCertificateKey();
  const certPem = issueCertificate({
    subject: distinguishedName(dnsNames[2] ?? dnsNames[0] ?? 'localhost'),
    key,
    issuer: { name: caName, key: caKey },
    profile: 'server',
    days,
    dnsNames,
    ipAddresses,
  });
  return { caPem, certPem, keyPem: key.keyPem };
}
