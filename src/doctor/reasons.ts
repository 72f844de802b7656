/**
 * What an APIService's `Available=False` reason means and how to fix it. The reasons and their
 * messages are kube-aggregator's (pkg/controllers/status/remote/remote_available_controller.go).
 */
import type { APIService } from '../api/index.js';

export interface Diagnosis {
  readonly cause: string;
  readonly fix: string;
}

/** The cause behind FailedDiscoveryCheck, read from the controller's message. */
function failedDiscovery(name: string, message: string, service: string): Diagnosis {
  if (/x509|certificate|tls:/i.test(message)) {
    return {
      cause: `kube-apiserver reached ${service} but rejected its TLS certificate: the APIService caBundle does not verify the serving certificate, or the certificate does not name ${service}.svc`,
      fix: `See the certificate check below; re-issue the certificate for ${service}.svc and put its CA in spec.caBundle of ${name} (kubemetrics apiserver certs --service ... --namespace ...).`,
    };
  }
  if (/bad status from .*: (404|503)/.test(message)) {
    return {
      cause: `the server behind ${service} answers, but not for this group/version (it is not configured to serve it, or it is not ready)`,
      fix: `Check the adapter's configuration and logs: kubectl -n ${service.split('.')[1] ?? ''} logs svc/${service.split('.')[0] ?? ''}.`,
    };
  }
  if (
    /deadline exceeded|timeout|no route to host|connection refused|i\/o timeout|EHOSTUNREACH|ECONNREFUSED/i.test(
      message,
    )
  ) {
    return {
      cause: `kube-apiserver cannot open a connection to the pods of ${service}: a firewall or network policy between the control plane and the nodes blocks the target port, or the pods listen on another port`,
      fix: `Allow traffic from the control plane to the pods' target port (on GKE private clusters a firewall rule, on EKS with a custom CNI hostNetwork: true), and check the Service targetPort matches the container port.`,
    };
  }
  return {
    cause: `kube-apiserver could not get discovery from ${service}: ${message}`,
    fix: `Check the adapter's logs and the service, endpoints and certificate results below.`,
  };
}

export function diagnoseUnavailable(apiService: APIService, reason: string, message: string): Diagnosis {
  const name = apiService.metadata.name ?? '';
  const ref = apiService.spec.service ?? {};
  const ns = ref.namespace ?? '';
  const svc = ref.name ?? '';
  const service = `${svc}.${ns}`;
  switch (reason) {
    case 'ServiceNotFound':
      return {
        cause: `the APIService points to service ${ns}/${svc}, which does not exist (the adapter was removed, or spec.service names the wrong service or namespace)`,
        fix: `Install the adapter, or point the APIService at its Service: kubectl patch apiservice ${name} --type merge -p '{"spec":{"service":{"namespace":"NS","name":"NAME"}}}' — or delete the stale APIService: kubectl delete apiservice ${name}`,
      };
    case 'ServicePortError':
      return {
        cause: `service ${ns}/${svc} has no port ${ref.port ?? 443}, the port the APIService dials`,
        fix: `Make spec.service.port of ${name} one of the Service's ports (kubectl -n ${ns} get svc ${svc} -o jsonpath='{.spec.ports}').`,
      };
    case 'EndpointsNotFound':
      return {
        cause: `service ${ns}/${svc} has no endpoints: its selector matches no pods`,
        fix: `Compare the Service selector with the adapter pods' labels: kubectl -n ${ns} get svc ${svc} -o jsonpath='{.spec.selector}'; kubectl -n ${ns} get pods --show-labels`,
      };
    case 'MissingEndpoints':
      return {
        cause: `no pod behind service ${ns}/${svc} is ready, so kube-apiserver has nowhere to send requests`,
        fix: `Find why the adapter pods are not ready: kubectl -n ${ns} get pods; kubectl -n ${ns} describe pod POD; kubectl -n ${ns} logs POD`,
      };
    case 'FailedDiscoveryCheck':
      return failedDiscovery(name, message, service);
    default:
      return {
        cause: `kube-apiserver reports ${name} unavailable (${reason || 'no reason'}): ${message}`,
        fix: `kubectl get apiservice ${name} -o yaml; check the adapter in ${ns}.`,
      };
  }
}
