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

/**
 * [request, limit] pairs in the notations real manifests use, with the request in millicores and
 * a weight: most containers ask for a fraction of a core, a few for whole cores.
 */
export const CPU_CHOICES: readonly (readonly [
  request: string,
  requestMilli: number,
  limit: string | undefined,
  weight: number,
])[] = [
  ['10m', 10, undefined, 6],
  ['50m', 50, '250m', 14],
  ['100m', 100, '200m', 16],
  ['100m', 100, undefined, 10],
  ['200m', 200, '1', 10],
  ['250m', 250, '500m', 10],
  ['0.25', 250, '0.5', 6],
  ['500m', 500, '1', 5],
  ['0.5', 500, undefined, 3],
  ['1', 1000, '1', 1.5],
  ['1', 1000, '2', 1.5],
  ['1500m', 1500, '3', 0.4],
  ['2', 2000, '4', 0.4],
  ['2', 2000, '2', 0.2],
];

/** [request, limit] pairs with the request in bytes and a weight. */
export const MEMORY_CHOICES: readonly (readonly [
  request: string,
  requestBytes: number,
  limit: string | undefined,
  weight: number,
])[] = [
  ['32Mi', 32 * 2 ** 20, '64Mi', 3],
  ['64Mi', 64 * 2 ** 20, '128Mi', 6],
  ['100Mi', 100 * 2 ** 20, '200Mi', 6],
  ['128Mi', 128 * 2 ** 20, '256Mi', 10],
  ['128Mi', 128 * 2 ** 20, undefined, 5],
  ['256Mi', 256 * 2 ** 20, '512Mi', 12],
  ['268435456', 268435456, '536870912', 4],
  ['500M', 500e6, '1G', 8],
  ['512Mi', 512 * 2 ** 20, '1Gi', 12],
  ['750Mi', 750 * 2 ** 20, undefined, 5],
  ['1Gi', 2 ** 30, '1Gi', 6],
  ['1Gi', 2 ** 30, '2Gi', 8],
  ['1G', 1e9, '2G', 3],
  ['2Gi', 2 * 2 ** 30, '4Gi', 5],
  ['4Gi', 4 * 2 ** 30, '4Gi', 1.5],
  ['6Gi', 6 * 2 ** 30, '8Gi', 0.5],
  ['8Gi', 8 * 2 ** 30, '8Gi', 0.5],
];

/** The main container of a GPU training pod: the CPU and memory to feed one GPU. */
export const GPU_CPU_CHOICES: typeof CPU_CHOICES = [
  ['4', 4000, '8', 3],
  ['8', 8000, '16', 4],
  ['10', 10_000, undefined, 1],
];

export const GPU_MEMORY_CHOICES: typeof MEMORY_CHOICES = [
  ['16Gi', 16 * 2 ** 30, '32Gi', 3],
  ['32Gi', 32 * 2 ** 30, '48Gi', 4],
  ['40Gi', 40 * 2 ** 30, '40Gi', 1],
];

/**
 * Pod-level `spec.resources` (PodLevelResources): [cpu request, memory request, cpu limit,
 * memory limit], smallest first.
 */
export const POD_LEVEL_CHOICES: readonly (readonly [
  cpu: string,
  memory: string,
  cpuLimit: string,
  memoryLimit: string,
])[] = [
  ['500m', '1Gi', '1', '2Gi'],
  ['1', '2Gi', '2', '4Gi'],
  ['2', '4Gi', '4', '8Gi'],
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
