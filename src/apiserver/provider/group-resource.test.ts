import { describe, expect, it } from 'vitest';
import { formatGroupResource, objectKindFor, parseGroupResource } from './group-resource.js';

describe('group resources', () => {
  it.each([
    ['pods', { group: '', resource: 'pods' }],
    ['deployments.apps', { group: 'apps', resource: 'deployments' }],
    ['ingresses.networking.k8s.io', { group: 'networking.k8s.io', resource: 'ingresses' }],
  ])('%s round-trips', (text, groupResource) => {
    expect(parseGroupResource(text)).toEqual(groupResource);
    expect(formatGroupResource(groupResource)).toBe(text);
  });

  it('kinds: well known, then guessed', () => {
    expect(objectKindFor({ group: '', resource: 'pods' })).toEqual({ kind: 'Pod', apiVersion: 'v1' });
    expect(objectKindFor({ group: 'apps', resource: 'deployments' })).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
    });
    expect(objectKindFor({ group: 'example.com', resource: 'widgets' })).toEqual({
      kind: 'Widget',
      apiVersion: 'example.com/v1',
    });
    expect(objectKindFor({ group: 'example.com', resource: 'policies' }).kind).toBe('Policy');
    expect(objectKindFor({ group: '', resource: 'constructor' }).kind).toBe('Constructor');
  });
});
