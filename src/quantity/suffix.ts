/**
 * The suffix tables shared by the canonical formatter and `humanize`, so the two can never
 * disagree about what a suffix means. (The scanner matches the same suffixes by character code
 * for speed; the property tests check it against an independent oracle.)
 */

/**
 * Decimal SI suffixes by power of 1000, starting at nano: index `i` means 10^(3i - 9).
 * Nano is the finest suffix because nano is the precision of a quantity.
 */
export const DECIMAL_SUFFIXES = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'] as const;

/** Binary suffixes by power of 1024: index `k` means 2^(10k). Index 0 (no suffix) is a plain number. */
export const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
