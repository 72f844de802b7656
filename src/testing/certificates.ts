/**
 * X.509 certificates for the test cluster, built with node:crypto alone (no openssl binary, no npm
 * package): an ECDSA P-256 key per certificate and a small DER encoder for the RFC 5280
 * structures. The CA signs one server certificate (SANs for the listen address, `localhost` and
 * 127.0.0.1) and one client certificate per user; Kubernetes reads the user name from the subject
 * CN and the groups from the O attributes.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A self-signed CA that can issue further certificates. */
export interface CertificateAuthority extends KeyPair {
  /** @internal DER of the CA's subject Name, the issuer of every certificate it signs. */
  readonly subjectDer: Buffer;
  /** @internal Subject key identifier, repeated as the authority key identifier of issued certificates. */
  readonly keyId: Buffer;
  /** @internal */
  readonly privateKey: KeyObject;
}

// --- DER encoding (ITU-T X.690), just the types a certificate needs ---------------------------

function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]): Buffer => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => der(0x31, Buffer.concat(items));
const octetString = (content: Buffer): Buffer => der(0x04, content);
const utf8String = (text: string): Buffer => der(0x0c, Buffer.from(text, 'utf8'));
const booleanTrue = (): Buffer => Buffer.from([0x01, 0x01, 0xff]);
const explicit = (n: number, content: Buffer): Buffer => der(0xa0 + n, content);

/** A non-negative INTEGER from big-endian bytes, minimally encoded (Go's parser insists). */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && (bytes[start + 1] ?? 0) < 0x80) start++;
  let body = bytes.subarray(start);
  if ((body[0] ?? 0) >= 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return der(0x02, body);
}

function bitString(content: Buffer, unusedBits = 0): Buffer {
  return der(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let n = part >>> 7; n > 0; n >>>= 7) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return date.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(iso.slice(2), 'ascii'))
    : der(0x18, Buffer.from(iso, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

function name(commonName: string, organizations: readonly string[] = []): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  return sequence(...organizations.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), booleanTrue(), octetString(value))
    : sequence(oid(id), octetString(value));
}

/** KeyUsage bits (RFC 5280 §4.2.1.3), numbered from the most significant bit of the first byte. */
function keyUsage(bits: readonly number[]): Buffer {
  let value = 0;
  for (const bit of bits) value |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && (value & (1 << unused)) === 0) unused++;
  return bitString(Buffer.from([value]), unused);
}

function subjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  const entries = dnsNames.map((dns) => der(0x82, Buffer.from(dns, 'ascii')));
  for (const ip of ipAddresses) entries.push(der(0x87, ipBytes(ip)));
  return sequence(...entries);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" then write 8 groups of 16 bits.
  const [head = '', tail] = ip.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [
    ...headGroups,
    ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'),
    ...tailGroups,
  ];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

interface CertificateSpec {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly publicKey: KeyObject;
  readonly signingKey: KeyObject;
  readonly notAfterDays: number;
  readonly extensions: readonly Buffer[];
}

/** Start of validity: an hour ago, or a year before an end in the past (an expired certificate). */
function notBefore(now: number, notAfterDays: number): number {
  return notAfterDays > 0 ? now - 60 * 60 * 1000 : now + (notAfterDays - 365) * 86_400_000;
}

function certificate(spec: CertificateSpec): string {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 1) & 0x7f) | 0x01;
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    spec.issuer,
    sequence(
      time(new Date(notBefore(now, spec.notAfterDays))),
      time(new Date(now + spec.notAfterDays * 86_400_000)),
    ),
    spec.subject,
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...spec.extensions)),
  );
  const signature = sign('sha256', tbs, { key: spec.signingKey, dsaEncoding: 'der' });
  const cert = sequence(tbs, algorithm, bitString(signature));
  const base64 = cert.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject; keyPem: string; keyId: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    publicKey,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: createHash('sha1').update(spki).digest(),
  };
}

/** Creates a self-signed CA (basicConstraints CA:TRUE, keyCertSign), valid for ten years. */
export function createCertificateAuthority(commonName = 'kubemetrics-test-ca'): CertificateAuthority {
  const key = newKey();
  const subject = name(commonName);
  const certPem = certificate({
    subject,
    issuer: subject,
    publicKey: key.publicKey,
    signingKey: key.privateKey,
    notAfterDays: 3650,
    extensions: [
      extension(OID.keyUsage, true, keyUsage([0, 5, 6])),
      extension(OID.basicConstraints, true, sequence(booleanTrue())),
      extension(OID.subjectKeyId, false, octetString(key.keyId)),
    ],
  });
  return { certPem, keyPem: key.keyPem, subjectDer: subject, keyId: key.keyId, privateKey: key.privateKey };
}

function issue(
  ca: CertificateAuthority,
  commonName: string,
  organizations: readonly string[],
  usage: 'server' | 'client',
  sans: { dnsNames: readonly string[]; ipAddresses: readonly string[] },
  notAfterDays = 365,
): KeyPair {
  const key = newKey();
  const extensions = [
    extension(OID.keyUsage, true, keyUsage([0, 2])),
    extension(OID.extKeyUsage, false, sequence(oid(usage === 'server' ? OID.serverAuth : OID.clientAuth))),
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.subjectKeyId, false, octetString(key.keyId)),
    extension(OID.authorityKeyId, false, sequence(der(0x80, ca.keyId))),
  ];
  if (sans.dnsNames.length + sans.ipAddresses.length > 0)
    extensions.push(extension(OID.subjectAltName, false, subjectAltNames(sans.dnsNames, sans.ipAddresses)));
  const certPem = certificate({
    subject: name(commonName, organizations),
    issuer: ca.subjectDer,
    publicKey: key.publicKey,
    signingKey: ca.privateKey,
    notAfterDays,
    extensions,
  });
  return { certPem, keyPem: key.keyPem };
}

/**
 * A TLS server certificate signed by `ca` for the given host names and IP addresses (Go clients,
 * kubectl among them, check only the SANs, never the CN).
 */
export function issueServerCertificate(
  ca: CertificateAuthority,
  hosts: {
    dnsNames?: readonly string[];
    ipAddresses?: readonly string[];
    /** Days from now until it expires (default 365); 0 or less gives an already expired certificate. */
    notAfterDays?: number;
  },
): KeyPair {
  return issue(
    ca,
    hosts.dnsNames?.[0] ?? hosts.ipAddresses?.[0] ?? 'kubemetrics-test',
    [],
    'server',
    { dnsNames: hosts.dnsNames ?? [], ipAddresses: hosts.ipAddresses ?? [] },
    hosts.notAfterDays,
  );
}

/** A client certificate the test cluster maps to user `CN=userName`, groups = `O` attributes. */
export function issueClientCertificate(
  ca: CertificateAuthority,
  userName: string,
  groups: readonly string[] = [],
): KeyPair {
  return issue(ca, userName, groups, 'client', { dnsNames: [], ipAddresses: [] });
}
