/** What route handlers receive and return; the server turns an {@link Answer} into the response. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../provider/logger.js';
import type { CustomMetricsMemo } from './custom-metrics-memo.js';
import type { MetricCatalog } from './metric-catalog.js';
import type { ObjectLister } from '../listers/object-lister.js';
import type { MetricsProviders } from '../provider/provider.js';

/** Per-request inputs of a handler. */
export interface HandlerContext {
  /** Request id, also sent as the `Audit-Id` header. */
  readonly id: string;
  readonly signal: AbortSignal;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** One clock reading per request: the default timestamp of values and `creationTimestamp`. */
  readonly now: Date;
}

/** Per-server dependencies of the handlers. */
export interface HandlerDependencies {
  readonly providers: MetricsProviders;
  readonly objectLister: ObjectLister | undefined;
  readonly catalog: MetricCatalog;
  /** The custom-metrics handler's memory of encoded answers, owned by this server. */
  readonly customMetricsMemo: CustomMetricsMemo;
  readonly logger: Logger;
}

/** A successful answer: a JSON value, or text already serialized. */
export type Answer =
  | {
      readonly kind: 'json';
      readonly code?: number;
      readonly value: unknown;
      readonly contentType?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'text';
      readonly code: number;
      readonly body: string;
      readonly contentType: string;
      readonly headers?: Readonly<Record<string, string>>;
    };
