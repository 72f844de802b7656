/**
 * The server's TLS material: a certificate and key from files (re-read when they change, applied
 * to new connections with `server.setSecureContext`, so rotation never drops the listener or open
 * connections), given as PEM, or generated at start (serving-certificate.ts). TLS 1.2 is the
 * minimum, as for kube-apiserver.
 *
 * A cert/key pair that does not match (a rotation caught between writing the two files) is not
 * applied; the previous pair stays until a matching one appears.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { KubemetricsError } from '../../errors.js';
import { watchFiles } from '../config/file-watcher.js';
import type { FileWatch } from '../config/file-watcher.js';
import { generateServingCertificate } from './serving-certificate.js';
import type { ServingCertificateOptions } from './serving-certificate.js';
import { describeThrown } from '../provider/status-error.js';

/** TLS options of the metrics API server. */
export interface ServingTlsOptions {
  /** PEM certificate (chain) file, like `--tls-cert-file`; reloaded when it changes. */
  readonly certFile?: string | undefined;
  /** PEM private key file, like `--tls-private-key-file`. */
  readonly keyFile?: string | undefined;
  /** PEM text instead of files (not reloaded). */
  readonly certPem?: string | undefined;
  readonly keyPem?: string | undefined;
  /**
   * Without a certificate: generate a CA and a serving certificate for this Service (the default
   * when nothing is given: `kubemetrics-apiserver` in `kubemetrics`).
   */
  readonly selfSigned?: ServingCertificateOptions | undefined;
  /** Where to write the generated CA (PEM), for the APIService's `caBundle`. */
  readonly caBundleFile?: string | undefined;
  /** How often the files are re-read even without a change event, in ms (default 60 000). */
  readonly reloadIntervalMs?: number | undefined;
  /** Default `TLSv1.2`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3' | undefined;
}

interface Pair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notAfter: number;
}

function checkPair(certPem: string, keyPem: string, source: string): Pair {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `${source}: the certificate does not parse: ${describeThrown(error)}`,
      {
        cause: error,
        hint: 'Expected a PEM certificate (optionally followed by its intermediates).',
      },
    );
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (error) {
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `${source}: the private key does not parse: ${describeThrown(error)}`,
      {
        cause: error,
        hint: 'Expected a PEM private key (PKCS#8, PKCS#1 or SEC1), unencrypted.',
      },
    );
  }
  if (!matches)
    throw new KubemetricsError(
      'KUBEMETRICS_ERR_CONFIG',
      `${source}: the private key does not belong to the certificate`,
      {
        hint: 'Pass the key the certificate was issued for.',
      },
    );
  return { certPem, keyPem, notAfter: Date.parse(cert.validTo) };
}

/** The serving certificate, current at any time, and its reloads. */
export class ServingTls {
  readonly #options: ServingTlsOptions;
  #pair: Pair;
  /** PEM of the generated CA; undefined with certificate files or PEM. */
  readonly caBundle: string | undefined;
  #watch: FileWatch | undefined;

  constructor(options: ServingTlsOptions = {}) {
    this.#options = options;
    const { certFile, keyFile, certPem, keyPem } = options;
    const problems: string[] = [];
    if ((certFile === undefined) !== (keyFile === undefined))
      problems.push(
        'tls: give both a certificate file and a key file (--tls-cert-file, --tls-private-key-file)',
      );
    if ((certPem === undefined) !== (keyPem === undefined))
      problems.push('tls: give both certPem and keyPem');
    if (certFile !== undefined && certPem !== undefined)
      problems.push('tls: give files or PEM text, not both');
    if (options.selfSigned !== undefined && (certFile !== undefined || certPem !== undefined))
      problems.push('tls: selfSigned is for servers without a certificate');
    if (problems.length > 0) throw new KubemetricsError('KUBEMETRICS_ERR_ARGUMENT', problems.join('; '));
    if (certFile !== undefined && keyFile !== undefined) {
      this.#pair = this.#readFiles(certFile, keyFile);
      this.caBundle = undefined;
    } else if (certPem !== undefined && keyPem !== undefined) {
      this.#pair = checkPair(certPem, keyPem, 'tls.certPem/keyPem');
      this.caBundle = undefined;
    } else {
      const generated = generateServingCertificate(options.selfSigned);
      this.#pair = checkPair(generated.certPem, generated.keyPem, 'generated certificate');
      this.caBundle = generated.caPem;
      if (options.caBundleFile !== undefined) {
        try {
          writeFileSync(options.caBundleFile, generated.caPem);
        } catch (error) {
          throw new KubemetricsError(
            'KUBEMETRICS_ERR_CONFIG',
            `cannot write the CA bundle to ${options.caBundleFile}: ${describeThrown(error)}`,
            { cause: error, hint: 'Choose a writable path for the CA bundle (or leave it out).' },
          );
        }
      }
    }
  }

  /** Current certificate and key (PEM). */
  get certPem(): string {
    return this.#pair.certPem;
  }

  get keyPem(): string {
    return this.#pair.keyPem;
  }

  /** Expiry of the current certificate, ms since epoch. */
  get notAfter(): number {
    return this.#pair.notAfter;
  }

  get minVersion(): 'TLSv1.2' | 'TLSv1.3' {
    return this.#options.minVersion ?? 'TLSv1.2';
  }

  /** Secure-context options for the current pair and the CAs whose names a client is offered. */
  contextOptions(clientCAs: readonly string[]): SecureContextOptions {
    return {
      cert: this.#pair.certPem,
      key: this.#pair.keyPem,
      minVersion: this.minVersion,
      ...(clientCAs.length === 0 ? {} : { ca: [...clientCAs] }),
    };
  }

  /**
   * Watches the certificate files (no-op for PEM or generated certificates); `onChange` runs after
   * a new, valid pair was loaded, `onError` when a changed pair could not be used.
   */
  watch(onChange: () => void, onError: (error: unknown) => void): void {
    const { certFile, keyFile } = this.#options;
    if (certFile === undefined || keyFile === undefined || this.#watch !== undefined) return;
    this.#watch = watchFiles(
      [certFile, keyFile],
      () => {
        let next: Pair;
        try {
          next = this.#readFiles(certFile, keyFile);
        } catch (error) {
          onError(error);
          return;
        }
        if (next.certPem === this.#pair.certPem && next.keyPem === this.#pair.keyPem) return;
        this.#pair = next;
        onChange();
      },
      { pollIntervalMs: this.#options.reloadIntervalMs ?? 60_000 },
    );
  }

  close(): void {
    this.#watch?.close();
    this.#watch = undefined;
  }

  #readFiles(certFile: string, keyFile: string): Pair {
    let certPem: string;
    let keyPem: string;
    try {
      certPem = readFileSync(certFile, 'utf8');
      keyPem = readFileSync(keyFile, 'utf8');
    } catch (error) {
      throw new KubemetricsError(
        'KUBEMETRICS_ERR_CONFIG',
        `cannot read the TLS certificate or key: ${describeThrown(error)}`,
        {
          cause: error,
          hint: 'Check --tls-cert-file and --tls-private-key-file (or tls.certFile / tls.keyFile in the config file).',
        },
      );
    }
    return checkPair(certPem, keyPem, `${certFile} + ${keyFile}`);
  }
}
