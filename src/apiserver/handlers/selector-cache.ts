/**
 * Parsed label selectors, remembered by their text. The HPA asks the same question every 15 s per
 * HorizontalPodAutoscaler (`labelSelector=app=web`), and parsing costs more than matching a few
 * hundred pods; parsed selectors are immutable, so one instance serves every request. Invalid
 * selectors are not remembered (they throw each time, as they should). Bounded: the oldest entry
 * goes first.
 */
import { parseLabelSelector } from '../../api/index.js';
import type { LabelSelector } from '../../api/index.js';

const MAX_ENTRIES = 512;
const parsed = new Map<string, LabelSelector>();

/** `parseLabelSelector(text)`, from the cache when the same text was parsed before. */
export function labelSelectorFor(text: string): LabelSelector {
  let selector = parsed.get(text);
  if (selector === undefined) {
    selector = parseLabelSelector(text);
    if (parsed.size >= MAX_ENTRIES) {
      const oldest = parsed.keys().next();
      if (oldest.done !== true) parsed.delete(oldest.value);
    }
    parsed.set(text, selector);
  }
  return selector;
}
