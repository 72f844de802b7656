/**
 * `Accept` negotiation for discovery. kube-apiserver ≥ 1.26 answers `/api` and `/apis` with an
 * aggregated `APIGroupDiscoveryList` when the client lists
 * `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList` (or `v=v2beta1`), and
 * echoes the chosen media type with its parameters in `Content-Type`; clients (kubectl, client-go,
 * kube-aggregator) look at that header to tell aggregated from plain `APIGroupList`
 * (k8s.io/apiserver `pkg/endpoints/discovery/aggregated`, KEP-3352).
 */

/** The aggregated discovery versions we can write, newest first. */
export type AggregatedDiscoveryVersion = 'v2' | 'v2beta1';

export type DiscoveryFormat =
  | { readonly aggregated: false; readonly contentType: 'application/json' }
  | { readonly aggregated: true; readonly version: AggregatedDiscoveryVersion; readonly contentType: string };

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
  readonly index: number;
}

/** Parses an `Accept` header leniently: malformed entries are skipped, never an error. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [];
  const ranges: MediaRange[] = [];
  header.split(',').forEach((entry, index) => {
    const [mediaType = '', ...paramParts] = entry.split(';');
    const slash = mediaType.indexOf('/');
    if (slash <= 0) return;
    const type = mediaType.slice(0, slash).trim().toLowerCase();
    const subtype = mediaType
      .slice(slash + 1)
      .trim()
      .toLowerCase();
    if (type === '' || subtype === '') return;
    const params = new Map<string, string>();
    let q = 1;
    for (const part of paramParts) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      const value = part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') {
        const parsed = Number(value);
        q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 1;
      } else {
        params.set(key, value);
      }
    }
    ranges.push({ type, subtype, params, q, index });
  });
  return ranges;
}

/** `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList` */
export function aggregatedDiscoveryContentType(version: AggregatedDiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

const PLAIN: DiscoveryFormat = { aggregated: false, contentType: 'application/json' };

/**
 * Chooses how to answer `/api` and `/apis`: the first acceptable range by quality, then by order.
 * Aggregated JSON when asked for (v2 or v2beta1), plain JSON otherwise, including when the client
 * only asks for something we cannot write (protobuf, YAML): a lenient fallback instead of a 406,
 * so `curl` and old clients always get an answer.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  const ranges = parseAccept(accept).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.q === 0) continue;
    const jsonish =
      (range.type === 'application' && range.subtype === 'json') ||
      (range.type === 'application' && range.subtype === '*') ||
      (range.type === '*' && range.subtype === '*');
    if (!jsonish) continue;
    const group = range.params.get('g');
    // `application/json`, `application/json;charset=utf-8`, `*/*`: the plain document.
    if (group === undefined) return PLAIN;
    const version = range.params.get('v');
    if (
      group === 'apidiscovery.k8s.io' &&
      range.params.get('as') === 'APIGroupDiscoveryList' &&
      range.type === 'application' &&
      range.subtype === 'json' &&
      (version === 'v2' || version === 'v2beta1')
    ) {
      return { aggregated: true, version, contentType: aggregatedDiscoveryContentType(version) };
    }
  }
  return PLAIN;
}
