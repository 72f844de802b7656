/**
 * `kubemetrics/quantity`: Kubernetes resource quantities (`250m`, `1.5`, `128Mi`, `1e3`) as exact
 * values. Parse, write back in canonical form, add, compare, convert, and format for people.
 * docs/quantity.md is the reference.
 */
export { Quantity } from './quantity.js';
export { parseQuantity, tryParseQuantity } from './parse.js';
export type { QuantityParseResult } from './parse.js';
export { sumQuantities, maxQuantity, minQuantity } from './aggregate.js';
export { QUANTITY_FORMATS, isQuantityFormat } from './format.js';
export type { QuantityFormat } from './format.js';
export type { HumanizeOptions } from './humanize.js';
export { QuantityError, isQuantityError, QUANTITY_SYNTAX_HINT } from './quantity-error.js';
export type { QuantityErrorOptions } from './quantity-error.js';
