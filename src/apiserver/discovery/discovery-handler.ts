/**
 * Serving discovery: `/api`, `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/<version>`.
 * `/api` and `/apis` are answered aggregated (`APIGroupDiscoveryList`) when the client asks for it
 * (kubectl ≥ 1.26, client-go, kube-aggregator), plain otherwise; both carry `Vary: Accept`.
 */
import { createHash } from 'node:crypto';
import type { APIResource } from '../../api/index.js';
import { CUSTOM_METRICS_GROUP, EXTERNAL_METRICS_GROUP, METRICS_GROUP } from '../../api/index.js';
import {
  aggregatedDiscoveryList,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  coreResourceList,
  customMetricResources,
  externalMetricResources,
  resourceMetricsResources,
  resourcesForAggregatedDiscovery,
} from './discovery.js';
import type { ServedGroup } from './discovery.js';
import type { Answer, HandlerContext, HandlerDependencies } from '../handlers/handler-context.js';
import { negotiateDiscovery } from './media-type.js';
import type { Route } from '../pipeline/route.js';
import { StatusError } from '../provider/status-error.js';

type DiscoveryRoute = Extract<
  Route,
  { kind: 'core-api-versions' | 'core-resources' | 'api-groups' | 'api-group' | 'api-resources' }
>;

const notFound = (): StatusError => new StatusError(404, 'the server could not find the requested resource');

/** The resources of one served group version, from the providers' current lists. */
async function resourcesOf(
  group: string,
  ctx: HandlerContext,
  deps: HandlerDependencies,
  cache: Map<string, APIResource[]>,
): Promise<APIResource[]> {
  const cached = cache.get(group);
  if (cached !== undefined) return cached;
  let resources: APIResource[];
  if (group === CUSTOM_METRICS_GROUP)
    resources = customMetricResources(await deps.catalog.customMetrics(ctx.signal));
  else if (group === EXTERNAL_METRICS_GROUP)
    resources = externalMetricResources(await deps.catalog.externalMetrics(ctx.signal));
  else if (group === METRICS_GROUP) resources = resourceMetricsResources();
  else resources = [];
  cache.set(group, resources);
  return resources;
}

/** An answer with an ETag, so clients that revalidate (`If-None-Match`) get a 304. */
function withEtag(value: unknown, contentType: string, headers: Record<string, string> = {}): Answer {
  const body = JSON.stringify(value);
  const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
  return { kind: 'text', code: 200, body, contentType, headers: { ...headers, ETag: etag } };
}

export async function answerDiscovery(
  route: DiscoveryRoute,
  groups: readonly ServedGroup[],
  ctx: HandlerContext,
  deps: HandlerDependencies,
): Promise<Answer> {
  const cache = new Map<string, APIResource[]>();
  const accept = ctx.headers.accept;
  switch (route.kind) {
    case 'core-api-versions': {
      const format = negotiateDiscovery(accept);
      // No core resources here: the aggregated form of `/api` is an empty list.
      if (format.aggregated)
        return withEtag(aggregatedDiscoveryList(format.version, []), format.contentType, { Vary: 'Accept' });
      return { kind: 'json', value: apiVersions(), headers: { Vary: 'Accept' } };
    }
    case 'core-resources':
      return { kind: 'json', value: coreResourceList() };
    case 'api-groups': {
      const format = negotiateDiscovery(accept);
      if (!format.aggregated)
        return { kind: 'json', value: apiGroupList(groups), headers: { Vary: 'Accept' } };
      const items = [];
      for (const group of groups) {
        const resources = await resourcesOf(group.name, ctx, deps, cache);
        items.push({
          name: group.name,
          versions: group.versions.map((version) => ({
            version,
            resources: resourcesForAggregatedDiscovery(group.name, version, resources),
          })),
        });
      }
      return withEtag(aggregatedDiscoveryList(format.version, items), format.contentType, { Vary: 'Accept' });
    }
    case 'api-group': {
      const group = groups.find((g) => g.name === route.group);
      if (group === undefined) throw notFound();
      return { kind: 'json', value: apiGroup(group) };
    }
    case 'api-resources': {
      const group = groups.find((g) => g.name === route.group);
      if (group === undefined || !group.versions.includes(route.version)) throw notFound();
      const resources = await resourcesOf(group.name, ctx, deps, cache);
      return { kind: 'json', value: apiResourceList(group.name, route.version, resources) };
    }
  }
}
