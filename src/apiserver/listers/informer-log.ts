/**
 * One structured log line per change of an informer's state (synced, watching, fallback to
 * periodic lists, failing with its cause, recovered), never one per retry: the informer itself
 * (client layer) does not log.
 */
import type { InformerTransition } from '../../client/index.js';
import type { Logger } from '../provider/logger.js';

const MESSAGES: Readonly<Record<InformerTransition['type'], string>> = {
  synced: 'informer synced',
  watching: 'informer watching',
  fallback: 'informer cannot watch; listing periodically instead',
  failing: 'informer failing; retrying with backoff',
  recovered: 'informer recovered',
};

/** An `onTransition` callback writing to `logger`. */
export function logInformerTransitions(logger: Logger): (transition: InformerTransition) => void {
  return (transition) => {
    const fields = {
      informer: transition.informer,
      state: transition.state,
      ...(transition.reason === undefined ? {} : { reason: transition.reason, cause: transition.cause }),
      ...(transition.retryInMs === undefined ? {} : { retryInMs: transition.retryInMs }),
      ...(transition.downMs === undefined ? {} : { downMs: transition.downMs }),
    };
    const message = MESSAGES[transition.type];
    if (transition.type === 'failing' || transition.type === 'fallback') logger.warn(fields, message);
    else if (transition.type === 'watching') logger.debug(fields, message);
    else logger.info(fields, message);
  };
}
