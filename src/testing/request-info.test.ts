import { describe, expect, it } from 'vitest';
import { requestInfoFor } from './request-info.js';

// Rules of k8s.io/apiserver pkg/endpoints/request/requestinfo.go.
describe('requestInfoFor', () => {
  const cases: [method: string, url: string, expected: Record<string, unknown>][] = [
    ['GET', '/api/v1/nodes', { verb: 'list', apiGroup: '', resource: 'nodes', namespace: '', name: '' }],
    ['GET', '/api/v1/nodes/n1', { verb: 'get', resource: 'nodes', name: 'n1' }],
    ['GET', '/api/v1/pods?watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/pods?watch=false', { verb: 'list' }],
    ['GET', '/api/v1/pods?watch=0', { verb: 'list' }],
    ['GET', '/api/v1/watch/namespaces/a/pods', { verb: 'watch', namespace: 'a', resource: 'pods' }],
    [
      'GET',
      '/api/v1/namespaces/a/pods/p/log',
      { verb: 'get', namespace: 'a', resource: 'pods', name: 'p', subresource: 'log' },
    ],
    ['GET', '/api/v1/namespaces/a', { verb: 'get', namespace: 'a', resource: 'namespaces', name: 'a' }],
    ['GET', '/api/v1/namespaces/a/status', { resource: 'namespaces', name: 'a', subresource: 'status' }],
    [
      'GET',
      '/apis/metrics.k8s.io/v1beta1/namespaces/x/pods',
      { verb: 'list', apiGroup: 'metrics.k8s.io', apiVersion: 'v1beta1', namespace: 'x', resource: 'pods' },
    ],
    ['POST', '/api/v1/namespaces/a/pods', { verb: 'create' }],
    ['DELETE', '/api/v1/namespaces/a/pods', { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/a/pods/p', { verb: 'delete' }],
    ['GET', '/apis/metrics.k8s.io/v1beta1', { isResourceRequest: false, verb: 'get' }],
    ['GET', '/version', { isResourceRequest: false, path: '/version' }],
    // RequiresExactMatch("metadata.name"): a list of one object by name is authorized for that name.
    [
      'GET',
      '/api/v1/namespaces/kube-system/configmaps?fieldSelector=metadata.name%3Dextension-apiserver-authentication',
      { verb: 'list', name: 'extension-apiserver-authentication' },
    ],
    ['GET', '/api/v1/pods?fieldSelector=metadata.name%3D%3Dp&watch=1', { verb: 'watch', name: 'p' }],
    ['GET', '/api/v1/pods?fieldSelector=metadata.name%3Dp,spec.nodeName%3Dn', { verb: 'list', name: '' }],
    ['GET', '/api/v1/pods?fieldSelector=metadata.name!%3Dp', { verb: 'list', name: '' }],
  ];
  it.each(cases)('%s %s', (method, url, expected) => {
    expect(requestInfoFor(method, new URL(url, 'http://x'))).toMatchObject(expected);
  });
});
