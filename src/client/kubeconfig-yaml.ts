/**
 * Reads a kubeconfig's YAML the way kubectl does: sigs.k8s.io/yaml converts it with go-yaml v2,
 * which resolves plain scalars by YAML 1.1 rules. Where that differs from YAML 1.2 it matters here:
 * `insecure-skip-tls-verify: yes` is true (resolve.go's bool words: y, yes, on, and their
 * capitalised forms), and a timestamp-like value stays a string (decode.go keeps timestamps as
 * strings when decoding into interface{}, which is what sigs.k8s.io/yaml does). Merge keys (`<<`)
 * work as in go-yaml. Numbers follow YAML 1.2 (`0755` is 755, not 493): no kubeconfig field is a
 * number, so a number anywhere is refused by the reader either way.
 *
 * js-yaml rather than the `yaml` package the rest of kubemetrics uses (output, server config with
 * line numbers): every cluster command reads a kubeconfig before its first request, and js-yaml
 * loads and parses one in ~5 ms where `yaml` takes ~25 ms in a fresh process (bench/README.md "cli").
 */
import { CORE_SCHEMA, load, Type, YAMLException } from 'js-yaml';

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** YAML 1.1 booleans (replaces the core schema's YAML 1.2 `true`/`false`-only type of the same tag). */
const yaml11Bool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && (TRUE_WORDS.has(data) || FALSE_WORDS.has(data)),
  construct: (data: string) => TRUE_WORDS.has(data),
});

/** `<<: *anchor` merges a mapping, as go-yaml v2 does (js-yaml's loader handles the tag). */
const merge = new Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
});

/** Core schema (null, int, float, str, seq, map) with YAML 1.1 booleans and merge keys; no timestamps. */
const KUBECONFIG_SCHEMA = CORE_SCHEMA.extend({ implicit: [yaml11Bool, merge] });

/**
 * Parses one kubeconfig file's text. Invalid YAML throws an Error naming the problem, line and
 * column only: js-yaml's own message quotes the lines around it, which in a kubeconfig can be a
 * token or a private key, and error output ends up in terminals and CI logs.
 */
export function parseKubeconfigYaml(text: string): unknown {
  try {
    return load(text, { schema: KUBECONFIG_SCHEMA });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    throw new Error(`${error.reason} at line ${error.mark.line + 1}, column ${error.mark.column + 1}`, {
      cause: error,
    });
  }
}
