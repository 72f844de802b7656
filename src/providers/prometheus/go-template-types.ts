/**
 * The public types of the Go template subset (see go-template.ts), in a module of their own so that
 * the lexer and the compiler can throw {@link GoTemplateError} without importing the entry.
 */
import { KubemetricsError } from '../../errors.js';

/** A value a template can read: a string, a list of strings or a map of strings. */
export type TemplateValue = string | readonly string[] | Readonly<Record<string, string>>;

/** The data a template renders: top-level fields by name, as Go's template data struct has. */
export type TemplateData = Readonly<Record<string, TemplateValue>>;

/**
 * A template that does not compile, uses something this subset does not support, or (at render
 * time) reads data of the wrong shape. `offset` is the zero-based character offset in the template
 * source; the message quotes the action and says what is supported.
 */
export class GoTemplateError extends KubemetricsError {
  /** Zero-based character offset in the template source of the action (or text) at fault. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('KUBEMETRICS_ERR_CONFIG', message);
    this.name = 'GoTemplateError';
    this.offset = offset;
  }
}

/** A compiled template. Immutable and safe to render concurrently. */
export interface GoTemplate {
  readonly source: string;
  /** Top-level fields the template reads, e.g. Series, LabelMatchers (used to validate configs and to tell which inputs matter). */
  readonly fields: ReadonlySet<string>;
  render(data: TemplateData): string;
}

/** What the subset supports, quoted in its errors. */
export const SUPPORTED =
  'supported: <<.Field>>, <<.Field.key>>, <<$.Field>>, <<$var>>, <<if>>/<<else if>>/<<else>>/<<end>>, ' +
  '<<range [$i, $v :=] .Field>>...<<else>>...<<end>>, comments <</* */>>, trim markers "<<- " and " ->>", ' +
  'and the functions len, index, print, printf (%s %d %v %q), eq, ne, not, and, or';
