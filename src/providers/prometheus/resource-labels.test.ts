import { describe, expect, it } from 'vitest';
import { compileGoTemplate } from './go-template.js';
import { ResourceLabels } from './resource-labels.js';
import {
  BUILT_IN_RESOURCES,
  NAMESPACES,
  NODES,
  PODS,
  builtInResourceFor,
  normalizeResource,
  sanitizeGroup,
  type ResourceName,
} from './resource-names.js';

const DEPLOYMENTS = normalizeResource('apps', 'deployments');
const INGRESSES = normalizeResource('networking.k8s.io', 'ingresses');
const JOBS = normalizeResource('batch', 'jobs');

// adapter-config.ts's RESOURCE_TEMPLATE_FIELDS (not imported: that module loads the whole API server).
const RESOURCE_TEMPLATE_FIELDS = ['Group', 'Resource'];

const withTemplate = (source: string, overrides: ReadonlyMap<string, ResourceName> = new Map()) =>
  new ResourceLabels(compileGoTemplate(source, RESOURCE_TEMPLATE_FIELDS), overrides);

describe('normalizeResource', () => {
  it('resolves core resources, singular or plural, any case', () => {
    expect(normalizeResource('', 'pod')).toBe(PODS);
    expect(normalizeResource('', 'pods')).toBe(PODS);
    expect(normalizeResource('', 'Pods')).toBe(PODS);
    expect(normalizeResource('', 'namespace')).toBe(NAMESPACES);
    expect(normalizeResource('', 'node')).toBe(NODES);
  });

  it('finds the group of a built-in resource named without one', () => {
    expect(normalizeResource('', 'deployment')).toEqual({
      group: 'apps',
      resource: 'deployments',
      singular: 'deployment',
      namespaced: true,
    });
    expect(normalizeResource('', 'ingress')).toBe(INGRESSES);
    expect(normalizeResource('', 'job')).toBe(JOBS);
  });

  it('resolves a resource with its group', () => {
    expect(normalizeResource('apps', 'deployments')).toBe(DEPLOYMENTS);
    expect(normalizeResource('apps', 'deployment')).toBe(DEPLOYMENTS);
    expect(INGRESSES).toMatchObject({
      group: 'networking.k8s.io',
      resource: 'ingresses',
      singular: 'ingress',
    });
  });

  it('knows which built-in resources are cluster-scoped', () => {
    expect(NODES.namespaced).toBe(false);
    expect(NAMESPACES.namespaced).toBe(false);
    expect(normalizeResource('', 'persistentvolume').namespaced).toBe(false);
    expect(normalizeResource('storage.k8s.io', 'storageclass').namespaced).toBe(false);
    expect(PODS.namespaced).toBe(true);
  });

  it('takes other resources as given, plural guessed, namespaced', () => {
    expect(normalizeResource('cheese.io', 'brand')).toEqual({
      group: 'cheese.io',
      resource: 'brands',
      singular: 'brand',
      namespaced: true,
    });
    expect(normalizeResource('cheese.io', 'brands')).toEqual(normalizeResource('cheese.io', 'brand'));
    expect(normalizeResource('example.com', 'box')).toMatchObject({ resource: 'boxes', singular: 'box' });
    expect(normalizeResource('example.com', 'Policy')).toMatchObject({
      resource: 'policies',
      singular: 'policy',
    });
    expect(normalizeResource('example.com', 'switch')).toMatchObject({
      resource: 'switches',
      singular: 'switch',
    });
    // A built-in name in another group is not the built-in resource.
    expect(normalizeResource('extensions', 'deployments')).toMatchObject({
      group: 'extensions',
      resource: 'deployments',
    });
    expect(normalizeResource('extensions', 'deployments')).not.toBe(DEPLOYMENTS);
  });

  it('sanitizes groups for labels and finds built-ins by sanitized group', () => {
    expect(sanitizeGroup('networking.k8s.io')).toBe('networking_k8s_io');
    expect(sanitizeGroup('my-group.example.com')).toBe('my_group_example_com');
    expect(builtInResourceFor('networking_k8s_io', 'ingress')).toBe(INGRESSES);
    expect(builtInResourceFor('', 'pod')).toBe(PODS);
    expect(builtInResourceFor('apps', 'pod')).toBeUndefined();
  });
});

describe('ResourceLabels with overrides only', () => {
  const labels = new ResourceLabels(
    undefined,
    new Map([
      ['namespace', NAMESPACES],
      ['pod', PODS],
      ['brand', normalizeResource('cheese.io', 'brand')],
    ]),
  );

  it('maps the overridden labels, and no other, to resources', () => {
    expect(labels.resourceFor('pod')).toBe(PODS);
    expect(labels.resourceFor('namespace')).toBe(NAMESPACES);
    expect(labels.resourceFor('brand')).toEqual(normalizeResource('cheese.io', 'brands'));
    expect(labels.resourceFor('node')).toBeUndefined();
    expect(labels.resourceFor('instance')).toBeUndefined();
  });

  it('maps the overridden resources, and no other, to labels', () => {
    expect(labels.labelFor(PODS)).toBe('pod');
    expect(labels.labelFor({ group: '', resource: 'pods' })).toBe('pod');
    expect(labels.labelFor({ group: 'cheese.io', resource: 'brands' })).toBe('brand');
    expect(labels.labelFor(DEPLOYMENTS)).toBeUndefined();
    expect(labels.labelFor(NODES)).toBeUndefined();
  });

  it('has the namespace label', () => {
    expect(labels.namespaceLabel).toBe('namespace');
    expect(new ResourceLabels(undefined, new Map([['pod', PODS]])).namespaceLabel).toBeUndefined();
  });
});

describe('ResourceLabels with the template <<.Resource>>', () => {
  const labels = withTemplate('<<.Resource>>');

  it('reads built-in resources from their singular names', () => {
    expect(labels.resourceFor('pod')).toBe(PODS);
    expect(labels.resourceFor('namespace')).toBe(NAMESPACES);
    expect(labels.resourceFor('node')).toBe(NODES);
    expect(labels.resourceFor('deployment')).toBe(DEPLOYMENTS);
    expect(labels.resourceFor('service')).toBe(normalizeResource('', 'services'));
  });

  it('does not take Prometheus target labels or other labels for resources', () => {
    expect(labels.resourceFor('instance')).toBeUndefined();
    expect(labels.resourceFor('job')).toBeUndefined();
    expect(labels.resourceFor('container')).toBeUndefined();
    expect(labels.resourceFor('pods')).toBeUndefined();
    expect(labels.resourceFor('pod_name')).toBeUndefined();
    expect(labels.resourceFor('')).toBeUndefined();
  });

  it('writes the singular name of any resource', () => {
    expect(labels.labelFor(PODS)).toBe('pod');
    expect(labels.labelFor(DEPLOYMENTS)).toBe('deployment');
    expect(labels.labelFor({ group: 'cheese.io', resource: 'brands' })).toBe('brand');
    expect(labels.namespaceLabel).toBe('namespace');
  });

  it('lets overrides win in both directions (and map target labels)', () => {
    const mixed = withTemplate('<<.Resource>>', new Map([['instance', NODES]]));
    expect(mixed.resourceFor('instance')).toBe(NODES);
    expect(mixed.labelFor(NODES)).toBe('instance');
    expect(mixed.resourceFor('node')).toBe(NODES);
    expect(mixed.labelFor(PODS)).toBe('pod');
  });
});

describe('ResourceLabels with the template kube_<<.Group>>_<<.Resource>>', () => {
  const labels = withTemplate('kube_<<.Group>>_<<.Resource>>');

  it('writes and reads a grouped resource', () => {
    expect(labels.labelFor(DEPLOYMENTS)).toBe('kube_apps_deployment');
    expect(labels.resourceFor('kube_apps_deployment')).toBe(DEPLOYMENTS);
  });

  it('writes the core group as empty, and reads it back', () => {
    expect(labels.labelFor(PODS)).toBe('kube__pod');
    expect(labels.resourceFor('kube__pod')).toBe(PODS);
    expect(labels.namespaceLabel).toBe('kube__namespace');
    expect(labels.resourceFor('kube__namespace')).toBe(NAMESPACES);
  });

  it('reads groups whose sanitized form holds underscores', () => {
    expect(labels.labelFor(INGRESSES)).toBe('kube_networking_k8s_io_ingress');
    expect(labels.resourceFor('kube_networking_k8s_io_ingress')).toBe(INGRESSES);
  });

  it('maps a label to nothing when the group does not hold the resource or the shape differs', () => {
    expect(labels.resourceFor('kube_apps_pod')).toBeUndefined();
    expect(labels.resourceFor('kube_pod')).toBeUndefined();
    expect(labels.resourceFor('pod')).toBeUndefined();
    expect(labels.resourceFor('kube_cheese_io_brand')).toBeUndefined();
    expect(labels.resourceFor('kube_batch_job')).toBe(JOBS);
  });
});

describe('ResourceLabels round trip', () => {
  it.each([
    'kube_<<.Group>>_<<.Resource>>',
    '<<.Group>>_<<.Resource>>',
    '<<.Resource>>_<<.Group>>',
    '<<.Resource>>_in_<<.Group>>_x',
    '<<.Resource>>',
  ])('reads back the label it writes for every built-in resource: %s', (source) => {
    const labels = withTemplate(source);
    for (const resource of BUILT_IN_RESOURCES) {
      const label = labels.labelFor(resource);
      expect(label).toBeDefined();
      // `job` is Prometheus' scrape job label, deliberately never a batch Job.
      const expected = label === 'job' ? undefined : resource;
      expect(labels.resourceFor(label!), `${source}: ${label}`).toBe(expected);
    }
  });
});
