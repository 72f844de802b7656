/**
 * The README's library example, type-checked by `npm test`: print every node's usage from the
 * cluster of the current kubeconfig context.
 */
import { MetricsClient } from '../src/client/index.js';
import { parseQuantity } from '../src/quantity/index.js';

export async function printNodeUsage(context?: string): Promise<void> {
  const client = await MetricsClient.fromKubeConfig({ context });
  try {
    for (const node of await client.listNodeMetrics()) {
      console.log(
        node.name,
        node.usage.cpu?.toString(),
        node.usage.memory?.humanize({ unit: 'Gi', precision: 1 }),
      );
    }
  } finally {
    await client.close();
  }
  console.log(parseQuantity('1.5Gi').toString()); // '1536Mi'
  console.log(parseQuantity('100m').add(parseQuantity('200m')).toString()); // '300m', exactly
}
