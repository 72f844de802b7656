import { describe, expect, it } from 'vitest';
import { negotiateDiscovery } from './media-type.js';

/** The Accept header kubectl 1.32 sends for /api and /apis (observed on the wire). */
const KUBECTL =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('negotiateDiscovery', () => {
  it('kubectl: aggregated v2, Content-Type echoes the parameters', () => {
    expect(negotiateDiscovery(KUBECTL)).toEqual({
      aggregated: true,
      version: 'v2',
      contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    });
  });

  it('v2beta1 only (kube-apiserver 1.26–1.29 clients)', () => {
    expect(
      negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'),
    ).toMatchObject({
      aggregated: true,
      version: 'v2beta1',
    });
  });

  it('quality values win over order', () => {
    expect(
      negotiateDiscovery(
        'application/json;q=0.9,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
    ).toMatchObject({ aggregated: true });
    expect(
      negotiateDiscovery(
        'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json',
      ),
    ).toMatchObject({ aggregated: false });
  });

  it.each([
    undefined,
    '',
    '*/*',
    'application/json',
    'application/json, */*',
    'text/html',
    'garbage;;;,',
    'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  ])('plain JSON for %j', (accept) => {
    expect(negotiateDiscovery(accept)).toEqual({ aggregated: false, contentType: 'application/json' });
  });
});
