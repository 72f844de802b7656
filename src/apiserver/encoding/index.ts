/**
 * encoding/: the one internal model of metric values and its encoding into each wire version,
 * plus the direct JSON writer for the lists it builds (and when memoizing them pays).
 */
export { encodeMetricValueList, formatTimestamp } from './wire-encoding.js';
export { serializeEncoded } from './wire-serializer.js';
export { MemoPolicy } from './memo-policy.js';
