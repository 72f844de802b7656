/**
 * Incremental reader of a Prometheus `/api/v1/series` answer
 * (`{"status":"success","data":[{"__name__":"x","pod":"a"},…]}`): hands each series to a callback
 * as soon as its object is complete, so discovery holds one series at a time instead of the whole
 * answer (tens of megabytes for a broad `seriesQuery` on a big cluster). Only the objects of the
 * top-level `data` array are decoded; everything else is skipped.
 */

export class SeriesStreamParser {
  readonly #onSeries: (labels: Readonly<Record<string, string>>) => void;
  #buffer = '';
  #depth = 0;
  #inString = false;
  #escaped = false;
  #stringStart = -1;
  #lastString = '';
  #key = '';
  #inData = false;
  #objectStart = -1;
  #count = 0;
  /** The top-level `{` was seen; `#invalid`: something other than one JSON object is at the top level. */
  #sawDocument = false;
  #invalid = false;

  constructor(onSeries: (labels: Readonly<Record<string, string>>) => void) {
    this.#onSeries = onSeries;
  }

  /** Series seen so far. */
  get count(): number {
    return this.#count;
  }

  push(text: string): void {
    const base = this.#buffer.length;
    this.#buffer += text;
    const buffer = this.#buffer;
    for (let i = base; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === 0x5c /* \ */) this.#escaped = true;
        else if (c === 0x22 /* " */) {
          this.#inString = false;
          if (this.#depth === 1) this.#lastString = buffer.slice(this.#stringStart, i);
        }
        continue;
      }
      if (this.#depth === 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        if (c !== 0x7b || this.#sawDocument) this.#invalid = true;
        this.#sawDocument = true;
      }
      switch (c) {
        case 0x22: // "
          this.#inString = true;
          this.#stringStart = i + 1;
          break;
        case 0x3a: // :
          if (this.#depth === 1) this.#key = this.#lastString;
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.#depth += 1;
          if (this.#depth === 2 && c === 0x5b) this.#inData = this.#key === 'data';
          else if (this.#depth === 3 && this.#inData && c === 0x7b) this.#objectStart = i;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          if (this.#depth === 3 && this.#objectStart >= 0 && c === 0x7d) {
            this.#emit(buffer.slice(this.#objectStart, i + 1));
            this.#objectStart = -1;
          }
          this.#depth -= 1;
          if (this.#depth === 1) this.#inData = false;
          break;
        default:
          break;
      }
    }
    // Keep only what an unfinished object (or string) still needs.
    const keepFrom =
      this.#objectStart >= 0 ? this.#objectStart : this.#inString ? this.#stringStart - 1 : buffer.length;
    this.#buffer = buffer.slice(keepFrom);
    if (this.#objectStart >= 0) this.#objectStart = 0;
    if (this.#inString) this.#stringStart -= keepFrom;
  }

  /** Call after the last chunk: fails when the answer was cut off, empty or not one JSON object. */
  end(): void {
    if (this.#invalid || !this.#sawDocument)
      throw new Error('the series answer is not a JSON object (is the URL a Prometheus server?)');
    if (this.#depth !== 0 || this.#inString)
      throw new Error('the series answer ended in the middle of the JSON document (connection cut?)');
  }

  #emit(json: string): void {
    const labels = JSON.parse(json) as unknown;
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return;
    this.#count += 1;
    this.#onSeries(labels as Record<string, string>);
  }
}
