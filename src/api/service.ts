/**
 * core/v1 Service and discovery.k8s.io/v1 EndpointSlice, the fields that route a request from the
 * aggregator to the pods of an extension API server.
 */
import type { ObjectMeta, TypeMeta } from './meta.js';

export interface ServicePort {
  name?: string;
  port: number;
  /** A number or the name of a container port. */
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends TypeMeta {
  metadata: ObjectMeta;
  spec: {
    selector?: Record<string, string>;
    ports?: ServicePort[];
    type?: string;
    clusterIP?: string;
    /** ExternalName services have no endpoints and cannot back an APIService. */
    externalName?: string;
  };
}

/** The label that ties an EndpointSlice to its Service (discovery.k8s.io/v1 LabelServiceName). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface EndpointSlice extends TypeMeta {
  metadata: ObjectMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

/**
 * An endpoint is ready unless it says otherwise: "nil should be interpreted as ready"
 * (k8s.io/api discovery/v1 types.go EndpointConditions.Ready).
 */
export function endpointReady(endpoint: Endpoint): boolean {
  return endpoint.conditions?.ready !== false;
}

/** core/v1 Secret (base64 `data` as on the wire). */
export interface Secret extends TypeMeta {
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}
