/**
 * A test cluster (src/testing, `buildCluster({ nodes, podsPerNode, seed: 1 })`) in a process of its
 * own, for benchmarks that time other processes against it: serving a 150,000-pod list blocks an
 * event loop for seconds, and a benchmark that measures wall time from spawn to exit must not
 * share that loop, nor the server's garbage collections, with its clock.
 *
 *     const cluster = await startClusterProcess({ nodes: 500, podsPerNode: 30 });
 *     ... cluster.kubeconfigPath, await cluster.requests() ...
 *     await cluster.stop();
 *
 * The child is this file run with tsx (`fork`); parent and child talk over the IPC channel.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildCluster, startTestCluster } from '../src/testing/index.js';
import { requestBreakdown } from './request-kinds.js';

export interface ClusterSize {
  readonly nodes: number;
  readonly podsPerNode: number;
}

/** What the child reports once the cluster listens. */
interface ReadyMessage {
  readonly type: 'ready';
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly caPem: string;
  readonly token: string;
  readonly pods: number;
}

/** The request log since the last reset: how many, and by kind. */
export interface RequestCount {
  readonly count: number;
  readonly breakdown: string;
}

type ParentMessage = { type: 'reset' } | { type: 'count' };
type ChildMessage = ReadyMessage | ({ type: 'count' } & RequestCount) | { type: 'reset-done' };

export interface ClusterProcess {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly caPem: string;
  readonly token: string;
  readonly pods: number;
  readonly pid: number;
  /** Clears the request log. */
  resetRequests(): Promise<void>;
  /** Requests served since the last reset. */
  requests(): Promise<RequestCount>;
  stop(): Promise<void>;
}

export async function startClusterProcess(size: ClusterSize): Promise<ClusterProcess> {
  const child = fork(fileURLToPath(import.meta.url), [String(size.nodes), String(size.podsPerNode)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** The next message of a type; one request is in flight at a time, so no ids are needed. */
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== type) return;
        cleanup();
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`the test cluster process exited (${code}) before answering "${type}"`));
      };
      const cleanup = (): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends ChildMessage['type']>(message: ParentMessage, answer: T) => {
    const reply = next(answer);
    child.send(message);
    return reply;
  };
  const ready = await next('ready');
  return {
    url: ready.url,
    kubeconfigPath: ready.kubeconfigPath,
    caPem: ready.caPem,
    token: ready.token,
    pods: ready.pods,
    pid: child.pid!,
    resetRequests: async () => {
      await ask({ type: 'reset' }, 'reset-done');
    },
    requests: async () => {
      const { count, breakdown } = await ask({ type: 'count' }, 'count');
      return { count, breakdown };
    },
    stop: async () => {
      // Closing the channel is the child's signal to stop the cluster and remove its kubeconfig.
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

async function serve(nodes: number, podsPerNode: number): Promise<void> {
  const fixture = buildCluster({ nodes, podsPerNode, seed: 1 });
  const pods = fixture.pods.length;
  const cluster = await startTestCluster(fixture);
  const { token } = cluster.credentials();
  const send = (message: ChildMessage): void => void process.send!(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'reset') {
      cluster.resetRequestLog();
      send({ type: 'reset-done' });
    } else {
      send({ type: 'count', count: cluster.requests.length, breakdown: requestBreakdown(cluster.requests) });
    }
  });
  process.once('disconnect', () => void cluster.stop().then(() => process.exit(0)));
  send({
    type: 'ready',
    url: cluster.url,
    kubeconfigPath: cluster.kubeconfigPath,
    caPem: cluster.caPem!,
    token: token!,
    pods,
  });
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [nodes, podsPerNode] = process.argv.slice(2).map(Number);
  await serve(nodes!, podsPerNode!);
}
