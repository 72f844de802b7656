import { describe, expect, it } from 'vitest';
import type { ObjectMeta, OwnerReference } from '../api/index.js';
import { controllerOf, deploymentOfReplicaSet, workloadOf } from './workload-owner.js';

function owner(kind: string, name: string, controller = true): OwnerReference {
  return { apiVersion: 'apps/v1', kind, name, uid: `${kind}-${name}`, controller };
}

describe('workloadOf', () => {
  it.each<[string, ObjectMeta, { kind: string; name: string }]>([
    [
      'ReplicaSet named <deployment>-<pod-template-hash> → Deployment',
      {
        name: 'web-7d4b9c8f5-x2x9k',
        labels: { 'pod-template-hash': '7d4b9c8f5' },
        ownerReferences: [owner('ReplicaSet', 'web-7d4b9c8f5')],
      },
      { kind: 'Deployment', name: 'web' },
    ],
    [
      'Deployment name with dashes keeps them',
      {
        name: 'api-gateway-v2-6f8d7c9b54-abcde',
        labels: { 'pod-template-hash': '6f8d7c9b54' },
        ownerReferences: [owner('ReplicaSet', 'api-gateway-v2-6f8d7c9b54')],
      },
      { kind: 'Deployment', name: 'api-gateway-v2' },
    ],
    [
      'ReplicaSet without the label stays a ReplicaSet',
      { name: 'rs-1-abcde', ownerReferences: [owner('ReplicaSet', 'rs-1')] },
      { kind: 'ReplicaSet', name: 'rs-1' },
    ],
    [
      'ReplicaSet whose name does not end in the hash stays a ReplicaSet',
      {
        name: 'custom-abcde',
        labels: { 'pod-template-hash': '123' },
        ownerReferences: [owner('ReplicaSet', 'custom')],
      },
      { kind: 'ReplicaSet', name: 'custom' },
    ],
    [
      'ReplicaSet named exactly like the hash stays a ReplicaSet (no empty Deployment name)',
      { name: 'x', labels: { 'pod-template-hash': 'abc' }, ownerReferences: [owner('ReplicaSet', '-abc')] },
      { kind: 'ReplicaSet', name: '-abc' },
    ],
    [
      'StatefulSet',
      { name: 'db-0', ownerReferences: [owner('StatefulSet', 'db')] },
      { kind: 'StatefulSet', name: 'db' },
    ],
    [
      'DaemonSet',
      { name: 'kube-proxy-x', ownerReferences: [owner('DaemonSet', 'kube-proxy')] },
      { kind: 'DaemonSet', name: 'kube-proxy' },
    ],
    [
      'Job stays a Job even when named like a CronJob run (documented: the pod cannot tell)',
      { name: 'backup-29123456-abcde', ownerReferences: [owner('Job', 'backup-29123456')] },
      { kind: 'Job', name: 'backup-29123456' },
    ],
    [
      'static mirror pod owned by its Node',
      { name: 'kube-apiserver-cp-1', ownerReferences: [{ ...owner('Node', 'cp-1'), apiVersion: 'v1' }] },
      { kind: 'Node', name: 'cp-1' },
    ],
    ['bare pod', { name: 'debug' }, { kind: 'Pod', name: 'debug' }],
    [
      'owners that are not controllers do not count',
      { name: 'p', ownerReferences: [owner('ConfigMap', 'cm', false)] },
      { kind: 'Pod', name: 'p' },
    ],
    [
      'custom controller kinds pass through',
      { name: 'r-0', ownerReferences: [{ ...owner('Rollout', 'r'), apiVersion: 'argoproj.io/v1alpha1' }] },
      { kind: 'Rollout', name: 'r' },
    ],
  ])('%s', (_name, meta, expected) => {
    expect(workloadOf(meta)).toEqual(expected);
  });
});

describe('controllerOf', () => {
  it('picks the ownerReference with controller: true', () => {
    const meta: ObjectMeta = { ownerReferences: [owner('A', 'a', false), owner('B', 'b'), owner('C', 'c')] };
    expect(controllerOf(meta)?.name).toBe('b');
    expect(controllerOf({})).toBeUndefined();
  });
});

describe('deploymentOfReplicaSet', () => {
  it.each([
    ['web-abc', 'abc', 'web'],
    ['web-abc', undefined, undefined],
    ['web-abc', '', undefined],
    ['webabc', 'abc', undefined],
    ['abc', 'abc', undefined],
    ['web-abd', 'abc', undefined],
  ])('(%s, %s) → %s', (rs, hash, expected) => {
    expect(deploymentOfReplicaSet(rs, hash)).toBe(expected);
  });
});
