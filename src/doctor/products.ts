/**
 * Which product serves an APIService, recognised by the Service's labels and the images of the
 * pods behind it: users know "prometheus-adapter", not "service monitoring/custom-metrics-apiserver".
 */
import type { Pod, Service } from '../api/index.js';

export interface Product {
  readonly id: string;
  /** How people name it. */
  readonly name: string;
}

export const KUBEMETRICS: Product = { id: 'kubemetrics', name: 'kubemetrics apiserver' };

interface Pattern extends Product {
  /** Matched against label values (app.kubernetes.io/name, app, k8s-app, ...). */
  readonly label: RegExp;
  /** Matched against container images. */
  readonly image: RegExp;
}

const PATTERNS: readonly Pattern[] = [
  { ...KUBEMETRICS, label: /^kubemetrics(-apiserver)?$/, image: /(^|\/)kubemetrics(:|@|$)/ },
  {
    id: 'metrics-server',
    name: 'metrics-server',
    label: /^metrics-server$/,
    image: /(^|\/)metrics-server(:|@|$)/,
  },
  {
    id: 'prometheus-adapter',
    name: 'prometheus-adapter',
    label: /^(prometheus-adapter|custom-metrics-apiserver)$/,
    image: /(^|\/)(prometheus-adapter|k8s-prometheus-adapter[\w-]*)(:|@|$)/,
  },
  {
    id: 'keda',
    name: 'KEDA metrics apiserver',
    label: /^keda-(operator-)?metrics-apiserver$/,
    image: /(^|\/)keda-metrics-apiserver(:|@|$)/,
  },
  {
    id: 'datadog',
    name: 'Datadog Cluster Agent',
    label: /^datadog-cluster-agent$|^.*-cluster-agent$/,
    image: /(^|\/)cluster-agent(:|@|$)/,
  },
  {
    id: 'stackdriver',
    name: 'Stackdriver/Cloud Monitoring adapter',
    label: /^custom-metrics-stackdriver-adapter$/,
    image: /custom-metrics-stackdriver-adapter/,
  },
];

const LABEL_KEYS = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app', 'k8s-app', 'name'];

/** The product behind a Service, or undefined when nothing matches. */
export function recogniseProduct(service: Service | undefined, pods: readonly Pod[]): Product | undefined {
  const labels = service?.metadata.labels ?? {};
  const values = LABEL_KEYS.map((k) => labels[k]).filter((v): v is string => v !== undefined);
  const byLabel = PATTERNS.find((p) => values.some((v) => p.label.test(v)));
  if (byLabel !== undefined) return { id: byLabel.id, name: byLabel.name };
  const images = pods.flatMap((p) => p.spec.containers.map((c) => c.image ?? ''));
  const byImage = PATTERNS.find((p) => images.some((i) => p.image.test(i)));
  return byImage === undefined ? undefined : { id: byImage.id, name: byImage.name };
}
