/**
 * X.509 certificates written with node:crypto alone: an ECDSA P-256 key per certificate, signed
 * with ecdsa-with-SHA256, in the three profiles Kubernetes components use — a CA, a TLS server
 * certificate (SANs; Go clients check only those, never the CN) and a client certificate
 * (user = CN, groups = O, as kube-apiserver's x509 authenticator reads them). The serving
 * certificate `kubemetrics apiserver` generates and the test cluster's certificates are both
 * written here.
 *
 * Why not a library: @peculiar/x509 (the maintained choice) adds 21 packages and 5.1 MB to the
 * install, needs the global `reflect-metadata` polyfill, takes ~300 ms to import, and its
 * generator is asynchronous (WebCrypto), which would make `generateServingCertificate` and the
 * test CA asynchronous for callers. What is needed here is ~150 lines of DER.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  booleanTrue,
  explicit,
  integer,
  ipAddressBytes,
  objectId,
  octetString,
  sequence,
  set,
  time,
  tlv,
  utf8String,
} from './der.js';

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

/** A certificate's key: the private key, its PKCS#8 PEM, and the SHA-1 key identifier. */
export interface CertificateKey {
  readonly privateKey: KeyObject;
  readonly keyPem: string;
  /** SHA-1 of the SubjectPublicKeyInfo (RFC 5280 §4.2.1.2 method 1, loosely). */
  readonly keyId: Buffer;
  readonly spki: Buffer;
}

/** A fresh ECDSA P-256 key (smaller and faster to make than RSA). */
export function newCertificateKey(): CertificateKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: createHash('sha1').update(spki).digest(),
    spki,
  };
}

/** A Name: one O per organization, then the CN (the order Kubernetes' own tools write). */
export function distinguishedName(commonName: string, organizations: readonly string[] = []): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(objectId(type), utf8String(value)));
  return sequence(...organizations.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(objectId(id), booleanTrue(), octetString(value))
    : sequence(objectId(id), octetString(value));
}

/** KeyUsage bits (RFC 5280 §4.2.1.3): 0 digitalSignature, 2 keyEncipherment, 5 keyCertSign, 6 cRLSign. */
function keyUsage(bits: readonly number[]): Buffer {
  let value = 0;
  for (const bit of bits) value |= 0x80 >> bit;
  let unused = 0;
  while (unused < 7 && (value & (1 << unused)) === 0) unused++;
  return bitString(Buffer.from([value]), unused);
}

/** DNS names and IP addresses apart, as the SAN extension holds them. */
export function splitHosts(hosts: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
  return {
    dnsNames: hosts.filter((h) => isIP(h) === 0),
    ipAddresses: hosts.filter((h) => isIP(h) !== 0),
  };
}

/** Who signs: the issuer's Name and key. A CA signs itself with its own. */
export interface Issuer {
  readonly name: Buffer;
  readonly key: Pick<CertificateKey, 'privateKey' | 'keyId'>;
}

export interface CertificateRequest {
  readonly subject: Buffer;
  readonly key: CertificateKey;
  /** Omitted: self-signed (a CA). */
  readonly issuer?: Issuer | undefined;
  readonly profile: 'ca' | 'server' | 'client';
  /** Validity from now; 0 or less writes an already expired certificate (valid for a year before). */
  readonly days: number;
  readonly dnsNames?: readonly string[] | undefined;
  readonly ipAddresses?: readonly string[] | undefined;
}

function extensionsFor(request: CertificateRequest, issuer: Issuer): Buffer[] {
  const subjectKeyId = extension(OID.subjectKeyId, false, octetString(request.key.keyId));
  if (request.profile === 'ca')
    return [
      extension(OID.keyUsage, true, keyUsage([0, 5, 6])),
      extension(OID.basicConstraints, true, sequence(booleanTrue())),
      subjectKeyId,
    ];
  const usage = request.profile === 'server' ? OID.serverAuth : OID.clientAuth;
  const extensions = [
    extension(OID.keyUsage, true, keyUsage([0, 2])),
    extension(OID.extKeyUsage, false, sequence(objectId(usage))),
    extension(OID.basicConstraints, true, sequence()),
    subjectKeyId,
    extension(OID.authorityKeyId, false, sequence(tlv(0x80, issuer.key.keyId))),
  ];
  const sans = [
    ...(request.dnsNames ?? []).map((name) => tlv(0x82, Buffer.from(name, 'ascii'))),
    ...(request.ipAddresses ?? []).map((ip) => tlv(0x87, ipAddressBytes(ip))),
  ];
  if (sans.length > 0) extensions.push(extension(OID.subjectAltName, false, sequence(...sans)));
  return extensions;
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function notBefore(now: number, days: number): number {
  return days > 0 ? now - 3_600_000 : now + (days - 365) * 86_400_000;
}

/** Writes and signs one certificate; returns its PEM. */
export function issueCertificate(request: CertificateRequest): string {
  const issuer: Issuer = request.issuer ?? { name: request.subject, key: request.key };
  // 16 random bytes, positive, and a non-zero first byte so the INTEGER keeps all 16.
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  const algorithm = sequence(objectId(OID.ecdsaWithSha256));
  const now = Date.now();
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    issuer.name,
    // Backdated an hour: clocks in a cluster are rarely in perfect agreement. An expired one (for
    // tests of expiry checks) starts a year before its end.
    sequence(time(new Date(notBefore(now, request.days))), time(new Date(now + request.days * 86_400_000))),
    request.subject,
    request.key.spki,
    explicit(3, sequence(...extensionsFor(request, issuer))),
  );
  const signature = sign('sha256', tbs, { key: issuer.key.privateKey, dsaEncoding: 'der' });
  return toPem(sequence(tbs, algorithm, bitString(signature)));
}
