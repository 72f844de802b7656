/**
 * One rule's mapping between Prometheus label names and Kubernetes resources (the adapter config's
 * `resources` block): `overrides` name labels explicitly (`pod: {resource: pod}`), `template`
 * derives a label from any resource (`kube_<<.Group>>_<<.Resource>>`) and, read backwards, a
 * resource from a label. Overrides win in both directions.
 */
import type { GroupResource } from '../../apiserver/index.js';
import type { GoTemplate } from './go-template.js';
import {
  BUILT_IN_RESOURCES,
  NAMESPACES,
  normalizeResource,
  sanitizeGroup,
  type ResourceName,
} from './resource-names.js';

// Private-use characters: they cannot occur in a template's own text.
const GROUP_MARK = '\uE000G\uE000';
const RESOURCE_MARK = '\uE000R\uE000';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Prometheus' target labels: they name scrape jobs and targets, never Kubernetes objects, so a
 * template does not read them as resources (`job` would otherwise be a batch Job under
 * `<<.Resource>>`, as it is in prometheus-adapter). An override can still map them.
 */
const TARGET_LABELS: ReadonlySet<string> = new Set(['job', 'instance']);

export class ResourceLabels {
  readonly #template: GoTemplate | undefined;
  readonly #labelToResource = new Map<string, ResourceName>();
  readonly #resourceToLabel = new Map<string, string>();
  /** The template read backwards: `^kube_(.*?)_([a-z0-9]+?)$` with the positions of group and resource. */
  readonly #pattern: { regex: RegExp; group: number; resource: number } | undefined;

  constructor(template: GoTemplate | undefined, overrides: ReadonlyMap<string, ResourceName>) {
    this.#template = template;
    for (const [label, resource] of overrides) {
      this.#labelToResource.set(label, resource);
      this.#resourceToLabel.set(key(resource), label);
    }
    if (template !== undefined) {
      // Render with markers, then turn the markers into lazy groups: the label regex follows the
      // template text exactly, whatever characters it contains.
      const marked = template.render({ Group: GROUP_MARK, Resource: RESOURCE_MARK });
      const parts = marked.split(/(\uE000[GR]\uE000)/);
      let group = 0;
      let resource = 0;
      let index = 0;
      const source = parts
        .map((part) => {
          if (part === GROUP_MARK || part === RESOURCE_MARK) {
            index += 1;
            if (part === GROUP_MARK && group === 0) group = index;
            if (part === RESOURCE_MARK && resource === 0) resource = index;
            // The core group renders as '' (`kube__pod`); a sanitized group may hold `_`
            // (`networking_k8s_io`) while a resource's singular name never does, which is what
            // splits `kube_networking_k8s_io_ingress` right.
            return part === GROUP_MARK ? '(.*?)' : '([a-z0-9]+?)';
          }
          return escapeRegExp(part);
        })
        .join('');
      this.#pattern = { regex: new RegExp(`^${source}$`), group, resource };
    }
  }

  /** The label holding names of `resource`, or `undefined` when neither overrides nor template give one. */
  labelFor(resource: GroupResource): string | undefined {
    const override = this.#resourceToLabel.get(key(resource));
    if (override !== undefined) return override;
    if (this.#template === undefined) return undefined;
    const normalized = normalizeResource(resource.group, resource.resource);
    const label = this.#template.render({
      Group: sanitizeGroup(normalized.group),
      Resource: normalized.singular,
    });
    return label === '' ? undefined : label;
  }

  /** The label of the namespace a series belongs to, if the rule maps one. */
  get namespaceLabel(): string | undefined {
    return this.labelFor(NAMESPACES);
  }

  /** The resource a label names, if any. */
  resourceFor(label: string): ResourceName | undefined {
    const override = this.#labelToResource.get(label);
    if (override !== undefined) return override;
    const pattern = this.#pattern;
    if (pattern === undefined || pattern.resource === 0 || TARGET_LABELS.has(label)) return undefined;
    const match = pattern.regex.exec(label);
    if (match === null) return undefined;
    const singular = match[pattern.resource] ?? '';
    const group = pattern.group === 0 ? undefined : (match[pattern.group] ?? '');
    // Only built-in resources are derived from a template (see resource-names.ts); without a
    // group in the template, a name found in one group only resolves (as a RESTMapper would).
    const candidates = BUILT_IN_RESOURCES.filter(
      (r) => r.singular === singular && (group === undefined || sanitizeGroup(r.group) === group),
    );
    const core = candidates.find((r) => r.group === '');
    if (group === undefined && core !== undefined) return core;
    return candidates.length === 1 ? candidates[0] : undefined;
  }
}

function key(resource: GroupResource): string {
  return `${resource.group}/${resource.resource}`;
}
