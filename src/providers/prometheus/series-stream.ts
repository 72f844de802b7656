/**
 * Incremental reader of a Prometheus `/api/v1/series` answer
 * (`{"status":"success","data":[{"__name__":"x","pod":"a"},…]}`): hands each series to a callback
 * as soon as its object is complete, so discovery holds one series at a time instead of the whole
 * answer (tens of megabytes for a broad `seriesQuery` on a big cluster).
 */
import { JsonArrayStream } from '../../client/index.js';

export class SeriesStreamParser extends JsonArrayStream<Readonly<Record<string, string>>> {
  constructor(onSeries: (labels: Readonly<Record<string, string>>) => void) {
    super('data', onSeries, 'the series answer', { notJsonHint: '(is the URL a Prometheus server?)' });
  }
}
