/**
 * A CA and a TLS serving certificate generated with node:crypto alone (ECDSA P-256, DER written
 * here), for servers started without `--tls-cert-file`: the certificate's SANs cover the Service
 * (`<service>`, `<service>.<namespace>`, `<service>.<namespace>.svc`,
 * `<service>.<namespace>.svc.cluster.local`), `localhost`, 127.0.0.1 and ::1, so kube-aggregator
 * (which dials `<service>.<namespace>.svc`) and local tools both verify it; the CA certificate is
 * what the APIService's `spec.caBundle` must hold (base64 of the PEM).
 *
 * kube-apiserver's own self-signed fallback (k8s.io/client-go/util/cert
 * `GenerateSelfSignedCertKey`) does the same with RSA; ECDSA keys are smaller and faster to make.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

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

// --- DER (ITU-T X.690), only what a certificate needs ----------------------------------------

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), body]);
  const len: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) len.unshift(v & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | len.length, ...len]), body]);
}
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const setOf = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function objectId(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const arc of rest) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return tlv(0x06, Buffer.from(out));
}

function positiveInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && (bytes[i + 1] ?? 0) < 0x80) i++;
  const body = bytes.subarray(i);
  return tlv(0x02, (body[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

function bits(body: Buffer, unused = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unused]), body]));
}

function when(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  // RFC 5280 §4.1.2.5: UTCTime until 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${text.slice(2)}Z`))
    : tlv(0x18, Buffer.from(`${text}Z`));
}

const OIDS = {
  cn: '2.5.4.3',
  o: '2.5.4.10',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

function distinguishedName(commonName: string, organization?: string): Buffer {
  const attribute = (oid: string, value: string): Buffer =>
    setOf(seq(objectId(oid), tlv(0x0c, Buffer.from(value, 'utf8'))));
  return organization === undefined
    ? seq(attribute(OIDS.cn, commonName))
    : seq(attribute(OIDS.o, organization), attribute(OIDS.cn, commonName));
}

function ext(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(objectId(oid), TRUE, tlv(0x04, value)) : seq(objectId(oid), tlv(0x04, value));
}

/** KeyUsage (RFC 5280 §4.2.1.3): bit 0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign. */
function keyUsage(...bitNumbers: number[]): Buffer {
  let byte = 0;
  for (const bit of bitNumbers) byte |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && (byte & (1 << unused)) === 0) unused++;
  return bits(Buffer.from([byte]), unused);
}

function ipAddressBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

interface Key {
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
  readonly keyId: Buffer;
}

function newKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, spki, keyId: createHash('sha1').update(spki).digest() };
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function signCertificate(
  subject: Buffer,
  issuer: Buffer,
  subjectKey: Key,
  issuerKey: Key,
  days: number,
  extensions: Buffer[],
): string {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const algorithm = seq(objectId(OIDS.ecdsaSha256));
  const now = Date.now();
  const tbs = seq(
    tlv(0xa0, positiveInteger(Buffer.from([2]))),
    positiveInteger(serial),
    algorithm,
    issuer,
    // Backdated an hour: clocks in a cluster are rarely in perfect agreement.
    seq(when(new Date(now - 3_600_000)), when(new Date(now + days * 86_400_000))),
    subject,
    subjectKey.spki,
    tlv(0xa3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, { key: issuerKey.privateKey, dsaEncoding: 'der' });
  return toPem(seq(tbs, algorithm, bits(signature)));
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
  const unique = [...new Set(all)];
  return {
    dnsNames: unique.filter((h) => isIP(h) === 0),
    ipAddresses: unique.filter((h) => isIP(h) !== 0),
  };
}

/** Generates a CA and a serving certificate signed by it. */
export function generateServingCertificate(options: ServingCertificateOptions = {}): ServingCertificate {
  const days = options.days ?? 365;
  const { dnsNames, ipAddresses } = servingHosts(options);
  const caKey = newKey();
  const caName = distinguishedName(`kubemetrics-apiserver-ca@${Math.floor(Date.now() / 1000)}`);
  const caPem = signCertificate(caName, caName, caKey, caKey, days * 10, [
    ext(OIDS.keyUsage, true, keyUsage(0, 5, 6)),
    ext(OIDS.basicConstraints, true, seq(TRUE)),
    ext(OIDS.subjectKeyId, false, tlv(0x04, caKey.keyId)),
  ]);
  const key = newKey();
  const sans = seq(
    ...dnsNames.map((name) => tlv(0x82, Buffer.from(name, 'ascii'))),
    ...ipAddresses.map((ip) => tlv(0x87, ipAddressBytes(ip))),
  );
  const certPem = signCertificate(
    distinguishedName(dnsNames[2] ?? dnsNames[0] ?? 'localhost'),
    caName,
    key,
    caKey,
    days,
    [
      ext(OIDS.keyUsage, true, keyUsage(0, 2)),
      ext(OIDS.extKeyUsage, false, seq(objectId(OIDS.serverAuth))),
      ext(OIDS.basicConstraints, true, seq()),
      ext(OIDS.subjectKeyId, false, tlv(0x04, key.keyId)),
      ext(OIDS.authorityKeyId, false, seq(tlv(0x80, caKey.keyId))),
      ext(OIDS.subjectAltName, false, sans),
    ],
  );
  return {
    caPem,
    certPem,
    keyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
