import { describe, expect, it } from 'vitest';
import { parseKubeconfigYaml } from './kubeconfig-yaml.js';
import { parseKubeconfig } from './kubeconfig-model.js';

describe('kubeconfig YAML as go-yaml v2 reads it (sigs.k8s.io/yaml)', () => {
  it.each([
    ['yes', true],
    ['Yes', true],
    ['on', true],
    ['ON', true],
    ['y', true],
    ['true', true],
    ['no', false],
    ['Off', false],
    ['N', false],
    ['False', false],
    ['"yes"', 'yes'],
    ["'on'", 'on'],
    ['yes please', 'yes please'],
  ])('resolve.go bool words: %s', (scalar, value) => {
    expect(parseKubeconfigYaml(`v: ${scalar}`)).toEqual({ v: value });
  });

  it('keeps timestamp-like values strings (decode.go does, decoding into interface{})', () => {
    expect(parseKubeconfigYaml('v: 2024-01-01\nw: 2001-12-14t21:59:43.10-05:00')).toEqual({
      v: '2024-01-01',
      w: '2001-12-14t21:59:43.10-05:00',
    });
  });

  it('merges `<<` keys and reads anchors, block scalars and flow collections', () => {
    const text =
      'base: &b {server: "https://a", x: 1}\nc:\n  <<: *b\n  x: 2\nd: |\n  two\n  lines\ne: [a, "b"]\n';
    expect(parseKubeconfigYaml(text)).toEqual({
      base: { server: 'https://a', x: 1 },
      c: { server: 'https://a', x: 2 },
      d: 'two\nlines\n',
      e: ['a', 'b'],
    });
  });

  it('names the problem, line and column of invalid YAML without quoting the file', () => {
    const text = 'users:\n- name: u\n  user:\n    token: supersecret\n    x: [\n';
    let message = '';
    try {
      parseKubeconfigYaml(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ at line \d+, column \d+$/);
    expect(message).not.toContain('supersecret');
  });

  it('`insecure-skip-tls-verify: yes` is true for the kubeconfig reader too', () => {
    const text = [
      'clusters:',
      '- name: c',
      '  cluster:',
      '    server: https://127.0.0.1:6443',
      '    insecure-skip-tls-verify: yes',
    ].join('\n');
    const doc = parseKubeconfig(text, '/tmp', 'the kubeconfig');
    expect(doc.clusters[0]?.skipTLSVerify).toBe(true);
  });
});
