/**
 * The vocabulary the fixture builder draws from: node pools with realistic capacities, resource
 * notations as people write them (`100m`, `0.5`, `1Gi`, `500M`, `268435456`), workload and
 * namespace names. Numbers beside each notation let the builder derive believable usage.
 */

export interface NodePool {
  readonly name: string;
  readonly instanceType: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly maxPods: number;
  readonly architecture: 'amd64' | 'arm64';
  readonly gpus?: number;
  /** 2Mi hugepages reserved on the node, as a quantity (`0` for none). */
  readonly hugepages2Mi?: string;
}

export const CONTROL_PLANE_POOL: NodePool = {
  name: 'control-plane',
  instanceType: 'm6i.xlarge',
  cpu: 4,
  memoryGiB: 16,
  maxPods: 110,
  architecture: 'amd64',
};

export const WORKER_POOLS: readonly (readonly [NodePool, number])[] = [
  [
    {
      name: 'general',
      instanceType: 'm6i.2xlarge',
      cpu: 8,
      memoryGiB: 32,
      maxPods: 110,
      architecture: 'amd64',
    },
    50,
  ],
  [
    {
      name: 'large',
      instanceType: 'm6i.4xlarge',
      cpu: 16,
      memoryGiB: 64,
      maxPods: 234,
      architecture: 'amd64',
    },
    20,
  ],
  [
    {
      name: 'highmem',
      instanceType: 'r6i.4xlarge',
      cpu: 16,
      memoryGiB: 128,
      maxPods: 234,
      architecture: 'amd64',
      hugepages2Mi: '1Gi',
    },
    12,
  ],
  [
    { name: 'arm', instanceType: 'm7g.2xlarge', cpu: 8, memoryGiB: 32, maxPods: 110, architecture: 'arm64' },
    18,
  ],
];

export const GPU_POOL: NodePool = {
  name: 'gpu',
  instanceType: 'g5.12xlarge',
  cpu: 48,
  memoryGiB: 192,
  maxPods: 234,
  architecture: 'amd64',
  gpus: 4,
};

export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] as const;
export const REGION = 'eu-west-1';

/** [request, limit] pairs in the notations real manifests use; numbers in millicores. */
export const CPU_CHOICES: readonly (readonly [
  request: string,
  requestMilli: number,
  limit: string | undefined,
])[] = [
  ['10m', 10, undefined],
  ['50m', 50, '250m'],
  ['100m', 100, '200m'],
  ['100m', 100, undefined],
  ['200m', 200, '1'],
  ['250m', 250, '500m'],
  ['0.25', 250, '0.5'],
  ['500m', 500, '1'],
  ['0.5', 500, undefined],
  ['1', 1000, '1'],
  ['1', 1000, '2'],
  ['1500m', 1500, '3'],
  ['2', 2000, '4'],
  ['2', 2000, '2'],
];

/** [request, limit] pairs; numbers in bytes. */
export const MEMORY_CHOICES: readonly (readonly [
  request: string,
  requestBytes: number,
  limit: string | undefined,
])[] = [
  ['32Mi', 32 * 2 ** 20, '64Mi'],
  ['64Mi', 64 * 2 ** 20, '128Mi'],
  ['100Mi', 100 * 2 ** 20, '200Mi'],
  ['128Mi', 128 * 2 ** 20, '256Mi'],
  ['128Mi', 128 * 2 ** 20, undefined],
  ['256Mi', 256 * 2 ** 20, '512Mi'],
  ['268435456', 268435456, '536870912'],
  ['500M', 500e6, '1G'],
  ['512Mi', 512 * 2 ** 20, '1Gi'],
  ['750Mi', 750 * 2 ** 20, undefined],
  ['1Gi', 2 ** 30, '1Gi'],
  ['1Gi', 2 ** 30, '2Gi'],
  ['1G', 1e9, '2G'],
  ['2Gi', 2 * 2 ** 30, '4Gi'],
];

export const APP_NAMESPACES = [
  'shop',
  'payments',
  'search',
  'platform',
  'data',
  'ml',
  'ingest',
  'web',
  'auth',
  'analytics',
  'media',
  'billing',
  'notifications',
  'inventory',
  'reporting',
  'edge',
] as const;

export const APP_NAMES = [
  'api',
  'web',
  'frontend',
  'checkout',
  'cart',
  'catalog',
  'orders',
  'gateway',
  'worker',
  'scheduler',
  'indexer',
  'recommender',
  'auth-server',
  'session-cache',
  'event-consumer',
  'thumbnailer',
  'exporter',
  'pricing',
  'ledger',
  'mailer',
] as const;

export const STATEFUL_NAMES = [
  'postgres',
  'redis',
  'kafka',
  'zookeeper',
  'elasticsearch',
  'rabbitmq',
] as const;

export const JOB_NAMES = ['db-backup', 'report', 'reindex', 'cleanup', 'migrate'] as const;

/** Base32-like alphabet of generated name suffixes (apimachinery rand.SafeEncodeString). */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export const METRICS_WINDOWS = ['10.503s', '15.012s', '19.876s', '20.033s', '20.5s'] as const;
