/**
 * The query parameters of list and watch requests (`labelSelector`, `fieldSelector`, `limit`,
 * `continue`, `resourceVersion`, `timeoutSeconds`, `sendInitialEvents`, `allowWatchBookmarks`),
 * validated the way kube-apiserver validates them: a selector that does not parse or names a
 * field the resource does not support is a 400 BadRequest Status.
 */
import {
  failureStatus,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  type FieldSelector,
  type LabelSelector,
  type Status,
} from '../api/index.js';
import type { AnyObject, ResourceEndpoint } from './resources.js';
import type { StoredObject } from './store.js';

export interface ListOptions {
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector;
  /** 0 = no limit. */
  readonly limit: number;
  readonly continueToken: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly sendInitialEvents: boolean;
  readonly allowWatchBookmarks: boolean;
}

function nonNegativeInteger(value: string | null, name: string): number | undefined | Status {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value))
    return failureStatus(400, `invalid ${name} "${value}": expected a non-negative integer`);
  return Number(value);
}

/** Parses and validates the list options of a request to `endpoint`; a Status means 400. */
export function parseListOptions(url: URL, endpoint: ResourceEndpoint): ListOptions | Status {
  const params = url.searchParams;
  let labelSelector: LabelSelector;
  let fieldSelector: FieldSelector;
  try {
    labelSelector = parseLabelSelector(params.get('labelSelector') ?? '');
    fieldSelector = parseFieldSelector(params.get('fieldSelector') ?? '');
  } catch (error) {
    if (error instanceof SelectorError) return failureStatus(400, error.message);
    throw error;
  }
  for (const requirement of fieldSelector.requirements) {
    if (!endpoint.fieldNames.includes(requirement.field)) {
      return failureStatus(400, `field label not supported: ${requirement.field}`);
    }
  }
  const limit = nonNegativeInteger(params.get('limit'), 'limit');
  if (typeof limit === 'object') return limit;
  const timeoutSeconds = nonNegativeInteger(params.get('timeoutSeconds'), 'timeoutSeconds');
  if (typeof timeoutSeconds === 'object') return timeoutSeconds;
  const flag = (name: string): boolean => {
    const v = params.get(name);
    return v !== null && v !== '' && v !== 'false' && v !== '0';
  };
  const continueToken = params.get('continue') ?? undefined;
  const resourceVersion = params.get('resourceVersion') ?? undefined;
  return {
    labelSelector,
    fieldSelector,
    limit: limit ?? 0,
    continueToken: continueToken === '' ? undefined : continueToken,
    resourceVersion: resourceVersion === '' ? undefined : resourceVersion,
    timeoutSeconds,
    sendInitialEvents: flag('sendInitialEvents'),
    allowWatchBookmarks: flag('allowWatchBookmarks'),
  };
}

/** A predicate for the selectors (plus a fixed name for watches on one object), or undefined for "all". */
export function matcherFor(
  endpoint: ResourceEndpoint,
  options: ListOptions,
  name = '',
): ((stored: StoredObject<AnyObject>) => boolean) | undefined {
  const { labelSelector, fieldSelector } = options;
  if (labelSelector.isEmpty() && fieldSelector.isEmpty() && name === '') return undefined;
  return (stored) => {
    if (name !== '' && stored.name !== name) return false;
    const object = stored.object;
    if (!labelSelector.isEmpty() && !labelSelector.matches(endpoint.labelsOf(object))) return false;
    return fieldSelector.isEmpty() || fieldSelector.matches((field) => endpoint.fieldValue(object, field));
  };
}
