/**
 * The part of Go's text/template that prometheus-adapter configuration files use, with the
 * adapter's `<<` `>>` delimiters, so those files can be read unchanged.
 *
 * A template is compiled once into closures; `render` then only walks them and concatenates
 * strings (no regular expressions, no parsing), because it runs on every metrics request.
 *
 * Supported, with Go's meaning (text/template package documentation):
 * - text, `<<.Field>>`, `<<.Field.key>>` (map lookup), `<<$.Field>>` (from inside range), variables;
 * - trim markers `<<- ` and ` ->>`, which remove all adjacent white space (Go needs the space after
 *   `<<-` and before `->>`: `<<-3>>` is the number -3), and comments `<</* ... *\/>>`;
 * - `<<if>>` / `<<else if>>` / `<<else>>` / `<<end>>`, and `<<range>>` (with `$v :=` or
 *   `$i, $v :=`, and `<<else>>`) over lists and over maps in sorted key order;
 * - parenthesised calls and the functions `len`, `index`, `print`, `printf` (verbs `%s %d %v %q`),
 *   `eq`, `ne`, `not`, `and`, `or`;
 * - string (interpreted and raw), decimal integer and boolean constants.
 *
 * Everything else (pipelines with `|`, `with`, `define`, `template`, `block`, `break`, other
 * functions, variable declarations outside `range`) is a {@link GoTemplateError} at compile time,
 * so a configuration that would behave differently here fails when it is loaded, not per request.
 *
 * Deliberate differences from Go, each where Go would send Prometheus a broken query or fail later:
 * - a missing map key renders as `''`, not Go's `<no value>` (see {@link compileGoTemplate});
 * - `printf` needs a constant format and as many arguments as verbs (Go prints `%!s(MISSING)`);
 * - a field the data lacks at render time is an error (Go structs always have every field);
 * - `.` outside range and `$` alone (the whole data struct) cannot be printed, and `.Field` inside
 *   range (a field of a string element, an error in Go too) is caught at compile time.
 *
 * Files: go-template-lexer.ts (text, actions, tokens), go-template-compiler.ts (parse and turn into
 * closures), go-template-values.ts (Go truth, comparison and fmt formatting), go-template-types.ts
 * (the public types and the error); this module is the entry.
 */
import { Compiler } from './go-template-compiler.js';
import { lex } from './go-template-lexer.js';
import type { GoTemplate, TemplateData } from './go-template-types.js';
import type { State, Value } from './go-template-values.js';

export { GoTemplateError } from './go-template-types.js';
export type { GoTemplate, TemplateData, TemplateValue } from './go-template-types.js';

/**
 * Compiles `source` (Go text/template syntax with `<<` `>>` delimiters). Every top-level field it
 * reads must be in `allowedFields` (Go field names are case-sensitive). Throws {@link GoTemplateError}
 * for syntax errors, unsupported actions or functions, and fields not allowed.
 *
 * A map key that is absent renders as an empty string. Go prints `<no value>` there (unless the
 * template sets `missingkey=zero`), which in a PromQL query is a syntax error at best; the empty
 * string is what Go's own `index` function yields for the same lookup, so `<<.Labels.x>>` and
 * `<<index .Labels "x">>` agree.
 */
export function compileGoTemplate(source: string, allowedFields: readonly string[]): GoTemplate {
  const items = lex(source);
  const compiler = new Compiler(allowedFields);
  const body = compiler.compileItems(items);
  const fields: ReadonlySet<string> = compiler.fields;
  const slotCount = compiler.slotCount;
  return Object.freeze({
    source,
    fields,
    render(data: TemplateData): string {
      const state: State = { data, dot: '', vars: new Array<Value>(slotCount) };
      return body(state);
    },
  });
}
