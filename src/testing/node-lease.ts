/**
 * Node heartbeat leases (coordination.k8s.io/v1 Lease in `kube-node-lease`), one per node, as the
 * kubelet keeps them; `kubectl describe node` prints the lease's holder and renew time.
 */
import type { Node, ObjectMeta } from '../api/index.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface Lease {
  metadata: ObjectMeta;
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    /** MicroTime, e.g. `2025-06-01T11:59:58.123456Z`. */
    renewTime?: string;
  };
}

/** The lease the kubelet of `node` would hold, renewed at `renewedAt`. */
export function leaseForNode(node: Node, renewedAt: Date): Lease {
  const name = node.metadata.name ?? '';
  const metadata: ObjectMeta = { name, namespace: NODE_LEASE_NAMESPACE };
  if (node.metadata.uid !== undefined) {
    metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }];
  }
  return {
    metadata,
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: 40,
      renewTime: renewedAt.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    },
  };
}
